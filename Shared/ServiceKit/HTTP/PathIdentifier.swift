import Hummingbird
import StudioDomain

extension AppRequestContext {
    /// The path parameter `name` as the typed identifier it names (`let id: GrantID = try context.identifier("id")`).
    public func identifier<ID: DomainIdentifier>(_ name: String, as type: ID.Type = ID.self) throws -> ID {
        ID(try parameters.require(name))
    }
}
