import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

extension AssessmentDatabase {
    /// `studio.named` (review) → the studio enters the register with its plaque and its first cycle (Art 11, 12, 17, 18),
    /// and `studio.registered` goes out to the replicas. In the inbox's transaction.
    static func register(_ envelope: Envelope<StudioNamed>, outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        let named = envelope.data
        var issues: [DomainIssue] = []
        issues += Check.text(named.studioName, field: "data.studioName", nameZh: "工作室名称", nameEn: "the studio name")
        issues += Check.text(named.unitName, field: "data.unitName", nameZh: "单位名称", nameEn: "the unit name")
        issues += Check.text(named.screeningBodyCode, field: "data.screeningBodyCode", nameZh: "初审单位代码", nameEn: "the screening body code", max: 50)
        if named.level != .city {
            issues.append(DomainIssue(code: "naming.level", field: "data.level", article: Article(11),
                                      messageZh: "市总工会只命名市级创新工作室；省级工作室须由经济工作部导入。",
                                      messageEn: "the city federation names city-level studios only; provincial ones are imported by the department."))
        }
        guard issues.isEmpty else { throw EventRejected(issues) }

        // A redelivery under another webhook id, or a second naming of the same application, changes nothing.
        if try RegisteredStudio.find(named.studioID, in: db) != nil { return }
        if let existing = try String.fetchOne(db, sql: "SELECT id FROM studio WHERE application_id = ?", arguments: [named.applicationID.rawValue]) {
            throw EventRejected([DomainIssue(code: "naming.application_reused", field: "data.applicationId",
                                             messageZh: "该申报已登记为工作室 \(existing)。",
                                             messageEn: "this application is already registered as studio \(existing).")])
        }

        var studio = RegisteredStudio(
            id: named.studioID, applicationID: named.applicationID, studioName: named.studioName.trimmed, unitName: named.unitName.trimmed,
            unitCreditCode: named.unitCreditCode, screeningBodyCode: named.screeningBodyCode, leaderName: named.leaderName,
            level: .city, namedOn: named.namedOn, origin: .naming, nowMillis: nowMillis)
        studio.plaqueNumber = try Plaque.allocate(year: named.namedOn.year, in: db)
        studio.plaqueIssuedOn = named.namedOn
        try studio.insert(db)
        try TitleHistory.append(
            studio: studio.id, kind: .registered, from: nil, to: .active,
            detailsZh: "经市总工会研究决定命名为衢州市高技能人才（劳模）创新工作室，授予牌匾\(studio.plaqueNumber!)；第1周期 \(studio.cycle.start) 至 \(studio.cycle.lastDay)。",
            reference: "application:\(named.applicationID.rawValue)", effectiveOn: named.namedOn,
            actor: .service(envelope.source), nowMillis: nowMillis, in: db)
        try outbox.append(studio.registeredEvent, in: db)
    }
}
