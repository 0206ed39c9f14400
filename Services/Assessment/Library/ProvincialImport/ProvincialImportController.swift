import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// `POST /provincial-studios/import` (department): JSON or CSV, all or nothing.
struct ProvincialImportController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    /// Mounted at `provincial-studios`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).post("import", use: importFile)
    }

    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ProvincialImport.Outcome> {
        let actor = Agent(try context.require(.department))
        let contentType = request.headers[.contentType]?.lowercased() ?? "application/json"
        let rows: [ProvincialImport.Row]
        if contentType.hasPrefix("text/csv") {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                throw Problem(.badRequest, code: "body.not_utf8", field: "body", zh: "CSV 须为 UTF-8 编码。", en: "the CSV must be UTF-8.")
            }
            rows = try ProvincialImport.parseCSV(text)
        } else {
            rows = try await request.decodeJSON(ProvincialImport.File.self, context: context).studios
        }
        let outcome = try await database.importProvincial(rows, by: actor, at: environment.moment())
        return EditedResponse(status: .created, response: outcome)
    }
}

extension ProvincialImport.Outcome: ResponseEncodable {}
