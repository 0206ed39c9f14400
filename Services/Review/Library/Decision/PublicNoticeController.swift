import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// 公示 is public (Art 11, 13, 14): a published proposed list is readable without a token (studio, unit, area,
/// screening body and the period; no personal data), and anyone may lodge an objection (异议) during the period.
/// The objector's name and contact are kept for the department and never returned by a public endpoint.
struct PublicNoticeController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.get("public/notices", use: list)
        router.get("public/rounds/:round/notice", use: show)
        router.post("public/rounds/:round/objections", use: object)
    }

    var today: LocalDate { LocalDate(environment.now()) }

    /// The public view of one published notice, built field by field so nothing else can slip in.
    static func view(_ row: Row, today: LocalDate, referenceData: ReferenceData, in db: Database) throws -> PublicProposedList {
        let roundID: String = row["round_id"]
        let round = try RoundStore.require(roundID, in: db)
        let ids = try JSONText.decode([String].self, row["application_ids"])
        let entries = try ids.map { id -> PublicProposedEntry in
            let content = try ApplicationStore.require(id, in: db).content
            let code = content.screeningBodyCode
            return PublicProposedEntry(applicationId: id, studioName: content.studio.name, applicantUnit: content.applicantUnit.name,
                                       area: referenceData.screeningBody(code: code)?.nameZh ?? code, screeningBodyCode: code)
        }
        let start = LocalDate(row["starts_on"] as String)!, end = LocalDate(row["ends_on"] as String)!
        return PublicProposedList(roundId: roundID, kind: round.kind, year: round.year, startsOn: start, endsOn: end,
                                  workingDays: row["working_days"],
                                  acceptingObjections: round.status == .notice && start <= today && today <= end, entries: entries)
    }

    /// Published notices, newest first, one page (`offset`, `limit`; `total` counts them all).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PublicProposedListPage {
        let offset = try QueryValues.integer(request, "offset", fallback: 0, in: 0...1_000_000)
        let limit = try QueryValues.integer(request, "limit", fallback: 20, in: 1...100)
        let today = self.today, referenceData = self.referenceData
        return try await environment.database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM public_notice") ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM public_notice ORDER BY published_at DESC, round_id LIMIT ? OFFSET ?", arguments: [limit, offset])
            return PublicProposedListPage(items: try rows.map { try Self.view($0, today: today, referenceData: referenceData, in: db) }, total: total)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> PublicProposedList {
        let roundID = try context.parameters.require("round")
        let today = self.today, referenceData = self.referenceData
        guard let view = try await environment.database.read({ db -> PublicProposedList? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM public_notice WHERE round_id = ?", arguments: [roundID]) else { return nil }
            return try Self.view(row, today: today, referenceData: referenceData, in: db)
        }) else { throw ProblemFactory.notFound("public notice", zh: "公示", roundID) }
        return view
    }

    /// The fields' rules, as sent: present, within their bounds, the application on the list.
    static func issues(_ input: PublicObjectionInput) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        func bounded(_ value: String, _ field: String, zh: String, en: String, limit: Int) {
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues.append(.required(field, nameZh: zh, nameEn: en))
            } else if value.count > limit {
                issues.append(DomainIssue(code: "objection.\(field)_too_long", field: field, messageZh: "\(zh)不超过\(limit)个字符", messageEn: "\(en) is at most \(limit) characters"))
            }
        }
        bounded(input.applicationId, "applicationId", zh: "异议对象", en: "The application", limit: 100)
        bounded(input.name, "name", zh: "姓名或单位", en: "The name", limit: PublicObjectionInput.nameLimit)
        bounded(input.contact, "contact", zh: "联系方式", en: "The contact", limit: PublicObjectionInput.contactLimit)
        bounded(input.text, "text", zh: "异议内容", en: "The reasons", limit: PublicObjectionInput.textLimit)
        return issues
    }

    @Sendable func object(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PublicObjectionReceipt> {
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSON(PublicObjectionInput.self, context: context)
        let fieldIssues = Self.issues(input)
        let received = today
        let now = Millis.from(environment.now())
        let receipt = try await environment.database.write { db -> PublicObjectionReceipt in
            var issues = fieldIssues
            guard let notice = try DecisionController.notice(roundID, in: db) else { throw ProblemFactory.notFound("public notice", zh: "公示", roundID) }
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, notice.startsOn <= received, received <= notice.endsOn else {
                throw ProblemFactory.conflict("objection.outside_notice", article: round.kind.article,
                                              zh: "异议须在公示期 \(notice.startsOn) 至 \(notice.endsOn) 内提出，今天（\(received)）不在公示期内",
                                              en: "objections are lodged during the notice, \(notice.startsOn) to \(notice.endsOn); today (\(received)) is outside it")
            }
            if issues.allSatisfy({ $0.field != "applicationId" }), !notice.applicationIds.contains(input.applicationId) {
                issues.append(DomainIssue(code: "objection.not_on_list", field: "applicationId", messageZh: "申报 \(input.applicationId) 不在公示名单上",
                                          messageEn: "application \(input.applicationId) is not on the notice"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
            try db.execute(sql: """
                INSERT INTO objection (round_id, application_id, text, received_on, recorded_by, recorded_at, source, objector_name, objector_contact)
                VALUES (?, ?, ?, ?, 'public', ?, 'public', ?, ?)
                """, arguments: [roundID, input.applicationId, text, received.description, now,
                                 input.name.trimmingCharacters(in: .whitespacesAndNewlines), input.contact.trimmingCharacters(in: .whitespacesAndNewlines)])
            let id = db.lastInsertedRowID
            // The audit keeps what was objected to and when; the objector's contact stays in its own column.
            try Audit.record("objection.lodged", round: roundID, application: input.applicationId,
                             detail: ["objection": String(id), "text": text, "receivedOn": received.description, "source": "public"],
                             actor: "public", at: now, in: db)
            return PublicObjectionReceipt(objectionId: id, roundId: roundID, applicationId: input.applicationId, receivedOn: received)
        }
        return EditedResponse(status: .created, response: receipt)
    }
}

extension PublicProposedList: ResponseEncodable {}
extension PublicProposedListPage: ResponseEncodable {}
extension PublicObjectionReceipt: ResponseEncodable {}
