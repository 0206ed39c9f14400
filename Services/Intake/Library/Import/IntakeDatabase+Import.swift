import Foundation
import GRDB
import ServiceKit
import Spreadsheet
import StudioDomain

/// A screening body's import of a round's applications (Art 10): every row created and submitted in one transaction,
/// idempotent per `Idempotency-Key`, as `RoundImport` says (all or nothing, or each bad row rolled back alone).
extension IntakeDatabase {
    /// Throws `ImportRejected` with the report when the import is refused; nothing of it is then stored.
    func importApplications(_ records: [SheetRow], encoding: String, into roundID: RoundID, by body: ScreeningBody, goodRowsOnly: Bool,
                            request: IdempotentRequest, at moment: Moment) async throws -> StoredResponse {
        let importer = RoundImport(workflow: workflow)
        return try await idempotent(request, at: moment.millis) { db in
            guard let round = try RoundStore.find(roundID, in: db) else { throw Problem.notFound("round", zh: "批次", id: roundID.rawValue) }
            if let issue = round.windowIssue(on: moment.today) { throw Problem.validation([issue]) }
            let report = try importer.run(records, encoding: encoding, round: round, body: body.code, goodRowsOnly: goodRowsOnly,
                                          today: moment.today, now: moment.millis, in: db)
            return StoredResponse(status: 200, body: try JSONBody.encode(report))
        }
    }
}
