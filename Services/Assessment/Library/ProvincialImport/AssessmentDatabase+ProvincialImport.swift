import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Provincial studios (省级创新工作室) entered into the register by the department, all or nothing, so they may
/// take part in the demonstration selection (Art 14).
extension AssessmentDatabase {
    /// Checks every row first (`ProvincialImport.validate`); registers the new ones, skips those already in the register.
    func importProvincial(_ rows: [ProvincialImport.Row], by actor: Agent, at moment: Moment) async throws -> ProvincialImport.Outcome {
        let issues = ProvincialImport.validate(rows, referenceData: settings.referenceData, today: moment.today)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let outbox = self.outbox
        return try await write { db in try Self.importProvincial(rows, actor: actor, outbox: outbox, nowMillis: moment.millis, in: db) }
    }

    /// Registers each checked row not yet in the register (`studio.registered` for the replicas); returns those it skipped.
    static func importProvincial(_ rows: [ProvincialImport.Row], actor: Agent, outbox: Outbox, nowMillis: Int64, in db: Database) throws -> ProvincialImport.Outcome {
        var outcome = ProvincialImport.Outcome(registered: [], skipped: [])
        for (index, row) in rows.enumerated() {
            let name = row.studioName.trimmed, unit = row.unitName.trimmed
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM studio WHERE studio_name = ? AND unit_name = ?)", arguments: [name, unit]) ?? false
            if exists {
                outcome.skipped.append(index)
                continue
            }
            let namedOn = LocalDate(row.namedOn.trimmed)!
            let studio = RegisteredStudio(id: .new(), applicationID: nil, studioName: name, unitName: unit, unitCreditCode: nil,
                                          screeningBodyCode: row.screeningBodyCode.trimmed, leaderName: nil, level: .provincial,
                                          namedOn: namedOn, origin: .provincialImport, nowMillis: nowMillis)
            try studio.insert(db)
            try TitleHistory.append(studio: studio.id, kind: .registered, from: nil, to: .active,
                                    detailsZh: "省级创新工作室（\(namedOn)命名）导入名册，可参加示范性创新工作室评选（第十四条）。",
                                    reference: "provincial_import", effectiveOn: namedOn, actor: actor, nowMillis: nowMillis, in: db)
            try outbox.append(studio.registeredEvent, in: db)
            outcome.registered.append(studio.id)
        }
        return outcome
    }
}
