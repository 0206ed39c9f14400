import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// Who may read an application's files: its screening body and the department (as for the application), and
/// the experts on its panel as review last said (`ExpertPanel`). To any other expert it does not exist (404).
enum AttachmentReader: Sendable {
    case caller(Caller)
    case expert(String)

    init(_ context: AppRequestContext, referenceData: ReferenceData) throws {
        let identity = try context.require(.screeningBody, .department, .expert)
        if identity.role == .expert {
            self = .expert(identity.subject ?? "")
        } else {
            self = .caller(try Caller.resolve(context, referenceData: referenceData))
        }
    }

    func mayRead(_ id: ApplicationID, in db: Database) throws {
        switch self {
        case .caller(let caller):
            _ = try IntakeDatabase.visible(id, to: caller, in: db)
        case .expert(let expert):
            guard !expert.isEmpty, try ExpertPanel.includes(expert, application: id, in: db) else {
                throw Problem.notFound("application", zh: "申报", id: id.rawValue)
            }
        }
    }
}
