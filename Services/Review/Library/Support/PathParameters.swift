import Hummingbird
import ServiceKit
import StudioDomain

/// Review's path parameters, each named once with the identifier it carries: `:round`, `:application`, `:expert`.
extension AppRequestContext {
    func roundID() throws -> RoundID { try parameters.require("round", as: RoundID.self) }
    func applicationID() throws -> ApplicationID { try parameters.require("application", as: ApplicationID.self) }
    func expertID() throws -> ExpertID { try parameters.require("expert", as: ExpertID.self) }
}
