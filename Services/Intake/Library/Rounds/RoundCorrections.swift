import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The department's corrections of a round it opened (批次调整): a new deadline ("two more days, please"), a new
/// quota (Art 10 择优申报), or the round cancelled (撤销批次). Each needs a reason, is written to intake's audit
/// log in the transaction of the change, and is told to review (`round.changed`, `round.cancelled`).
struct RoundCorrections {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds/:id/deadline", use: changeDeadline)
        router.post("rounds/:id/quota", use: changeQuota)
        router.post("rounds/:id/cancel", use: cancel)
    }

    struct DeadlineChange: Decodable { var deadline: LocalDate; var reason: String? }
    struct QuotaChange: Decodable { var quotaPerBody: Int?; var quotas: [String: Int]?; var reason: String? }
    struct Cancellation: Decodable { var reason: String? }

    /// The reason every correction carries: 2 to 500 characters once trimmed.
    static func reasonIssue(_ reason: String?) -> DomainIssue? {
        let text = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard text.count < 2 || text.count > 500 else { return nil }
        return DomainIssue(code: "round_change_reason", field: "reason", messageZh: "须说明调整原因（2至500个字）。",
                           messageEn: "A reason of 2 to 500 characters is required.")
    }

    /// Why `deadline` cannot replace the round's deadline on `today`, or nil: not before today (a county must be able
    /// to use it), not before the opening day, not after the end of the round's year (the year it is decided in),
    /// and not the deadline it already has.
    static func deadlineIssues(_ deadline: LocalDate, round: IntakeRound, today: LocalDate) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if deadline < today {
            issues.append(DomainIssue(code: "round_deadline_past", field: "deadline", article: Article(10),
                                      messageZh: "新的截止日期（\(deadline)）早于今天（\(today)）。", messageEn: "The new deadline (\(deadline)) is before today (\(today))."))
        }
        if deadline < round.opensOn {
            issues.append(DomainIssue(code: "round_deadline_before_opening", field: "deadline",
                                      messageZh: "新的截止日期早于开始日期（\(round.opensOn)）。", messageEn: "The new deadline is before the opening day (\(round.opensOn))."))
        }
        if let yearEnd = LocalDate(year: round.year, month: 12, day: 31), deadline > yearEnd {
            issues.append(DomainIssue(code: "round_deadline_after_year", field: "deadline",
                                      messageZh: "\(round.year)年度批次的截止日期不能晚于\(yearEnd)（本年度须完成评审和命名）。",
                                      messageEn: "A \(round.year) round's deadline cannot be after \(yearEnd): it is reviewed and decided in its year."))
        }
        if deadline == round.deadline {
            issues.append(DomainIssue(code: "round_deadline_unchanged", field: "deadline",
                                      messageZh: "新的截止日期与现在的相同（\(deadline)）。", messageEn: "The new deadline is the one the round already has (\(deadline))."))
        }
        return issues
    }

    @Sendable func changeDeadline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        guard let input = try JSONBody.decode(DeadlineChange.self, from: bytes) else { throw Problem.badRequest(field: "body", zh: "缺少请求体", en: "a body is required") }
        if let issue = Self.reasonIssue(input.reason) { throw Problem.validation([issue]) }
        let reason = input.reason!.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await correct(request, context: context, identity: identity, body: bytes) { round, today, db in
            let issues = Self.deadlineIssues(input.deadline, round: round, today: today)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            var changed = round
            changed.deadline = input.deadline
            let event = RoundChanged(roundID: round.id, change: "deadline", deadline: changed.deadline, previousDeadline: round.deadline,
                                     quotaPerBody: changed.quotaPerBody, quotas: changed.quotas, reason: reason)
            return (changed, "round.deadline_changed", event,
                    AuditDetails(reason: reason, previousDeadline: round.deadline.description, deadline: changed.deadline.description))
        }
    }

    @Sendable func changeQuota(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        guard let input = try JSONBody.decode(QuotaChange.self, from: bytes) else { throw Problem.badRequest(field: "body", zh: "缺少请求体", en: "a body is required") }
        var issues: [DomainIssue] = []
        if let issue = Self.reasonIssue(input.reason) { issues.append(issue) }
        if let quota = input.quotaPerBody, quota < 1 {
            issues.append(DomainIssue(code: "round_quota", field: "quotaPerBody", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
        }
        for (code, quota) in (input.quotas ?? [:]).sorted(by: { $0.key < $1.key }) {
            if referenceData.screeningBody(code: code) == nil {
                issues.append(DomainIssue(code: "screening_body_unknown", field: "quotas.\(code)", messageZh: "未知的初审单位代码\(code)。", messageEn: "Unknown screening body code \(code)."))
            } else if quota < 1 {
                issues.append(DomainIssue(code: "round_quota", field: "quotas.\(code)", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
            }
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let reason = input.reason!.trimmingCharacters(in: .whitespacesAndNewlines)
        let referenceData = referenceData
        return try await correct(request, context: context, identity: identity, body: bytes) { round, _, db in
            var changed = round
            changed.quotaPerBody = input.quotaPerBody
            changed.quotas = input.quotas ?? [:]
            guard changed.quotaPerBody != round.quotaPerBody || changed.quotas != round.quotas else {
                throw Problem.validation([DomainIssue(code: "round_quota_unchanged", field: "quotaPerBody",
                                                      messageZh: "新的名额与现在的相同。", messageEn: "The new quotas are the ones the round already has.")])
            }
            // A quota below what a body has already recommended would leave it over its quota: refused, naming the body.
            var below: [DomainIssue] = []
            let used = try Row.fetchAll(db, sql: """
                SELECT screening_body, COUNT(*) AS used FROM intake_application
                WHERE round_id = ? AND status NOT IN ('draft', 'withdrawn') GROUP BY screening_body ORDER BY screening_body
                """, arguments: [round.id.rawValue])
            for row in used {
                let body: String = row["screening_body"], count: Int = row["used"]
                if let quota = changed.quota(for: body), count > quota {
                    let name = referenceData.screeningBody(code: body)?.nameZh ?? body
                    below.append(DomainIssue(code: "round_quota_below_recommended", field: changed.quotas[body] != nil ? "quotas.\(body)" : "quotaPerBody",
                                             article: Article(10),
                                             messageZh: "\(name)已推荐\(count)份申报，名额不能少于\(count)个。",
                                             messageEn: "\(body) has already recommended \(count) applications; its quota cannot be below \(count)."))
                }
            }
            guard below.isEmpty else { throw Problem.validation(below) }
            let event = RoundChanged(roundID: round.id, change: "quota", deadline: round.deadline, previousDeadline: round.deadline,
                                     quotaPerBody: changed.quotaPerBody, quotas: changed.quotas, reason: reason)
            return (changed, "round.quota_changed", event,
                    AuditDetails(reason: reason, previousQuotaPerBody: round.quotaPerBody, quotaPerBody: changed.quotaPerBody,
                                 previousQuotas: round.quotas, quotas: changed.quotas))
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        let input = try JSONBody.decode(Cancellation.self, from: bytes)
        if let issue = Self.reasonIssue(input?.reason) { throw Problem.validation([issue]) }
        let reason = input!.reason!.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = environment.now()
        return try await correct(request, context: context, identity: identity, body: bytes) { round, today, _ in
            var changed = round
            changed.cancelledAt = now
            changed.cancelReason = reason
            return (changed, "round.cancelled", RoundCancelled(roundID: round.id, cancelledOn: today, reason: reason),
                    AuditDetails(reason: reason, deadline: round.deadline.description))
        }
    }

    /// What the audit entry of a correction records besides who and when.
    struct AuditDetails: Encodable {
        var reason: String
        var previousDeadline: String?
        var deadline: String?
        var previousQuotaPerBody: Int?
        var quotaPerBody: Int?
        var previousQuotas: [String: Int]?
        var quotas: [String: Int]?
    }

    /// Loads the round, refuses a cancelled one, applies `change`, and stores the round, its audit entry and its
    /// event in one transaction.
    private func correct<Event: DomainEvent>(
        _ request: Request, context: AppRequestContext, identity: Identity, body: [UInt8],
        _ change: @escaping @Sendable (IntakeRound, LocalDate, Database) throws -> (IntakeRound, String, Event, AuditDetails)
    ) async throws -> Response {
        let id = RoundID(try context.parameters.require("id"))
        let now = environment.now()
        let today = LocalDate(now)
        let outbox = environment.outbox
        return try await IdempotencyStore.run(request: request, caller: "department", body: body + Array(request.uri.path.utf8),
                                              database: environment.database, now: Millis.from(now)) { db in
            guard let round = try RoundStore.find(id, in: db) else { throw Problem.notFound("round", zh: "批次", id: id.rawValue) }
            if round.isCancelled {
                throw Problem(.conflict, code: "round.cancelled", field: "id",
                              zh: "本批次已于\(LocalDate(round.cancelledAt!))撤销（原因：\(round.cancelReason ?? "")），不能再调整",
                              en: "the round was cancelled on \(LocalDate(round.cancelledAt!)) (reason: \(round.cancelReason ?? "")); it cannot be changed")
            }
            let (changed, action, event, details) = try change(round, today, db)
            try RoundStore.update(changed, in: db)
            try AuditLog.append(identity, action: action, subject: "round:\(round.id.rawValue)", details: details, at: now, in: db)
            try outbox.append(event, in: db)
            return StoredResponse(status: 200, body: try JSONBody.encode(RoundView(round: changed, today: today)))
        }
    }
}
