import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Rounds (申报批次): the department opens one per kind and year that is not cancelled, and corrects it (批次调整): a new
/// deadline, a new quota (Art 10 择优申报), or the round cancelled (撤销批次). Each correction is written to intake's
/// audit log in the transaction of the change and told to review (`round.changed`, `round.cancelled`).
extension IntakeDatabase {
    /// Opens `round`, idempotent per `request`, with `round.opened` in its transaction: review knows the round as soon
    /// as it exists, never a round intake lost.
    func openRound(_ round: IntakeRound, request: IdempotentRequest) async throws -> StoredResponse {
        let outbox = self.outbox
        return try await idempotent(request, at: Millis.from(round.createdAt)) { db in
            // One round per kind and year that is not cancelled: after a cancellation the department opens it again.
            if let existing = try RoundStore.current(kind: round.kind, year: round.year, in: db) {
                throw Problem(.conflict, code: "round.duplicate", field: "year",
                              zh: "\(round.year)年度的\(round.kind.nameZh)批次已经存在（\(existing.id)，未撤销）；须先撤销该批次才能重新开设",
                              en: "a \(round.kind.nameEn) round for \(round.year) already exists (\(existing.id), not cancelled); cancel it before opening another")
            }
            try RoundStore.insert(round, in: db)
            try outbox.append(RoundOpened(roundID: round.id, kind: round.kind, year: round.year,
                                          opensOn: round.opensOn, deadline: round.deadline), in: db)
            return StoredResponse(status: 201, body: try JSONBody.encode(round))
        }
    }

    func rounds(_ filter: RoundStore.Filter, page: PageRequest) async throws -> (items: [IntakeRound], nextCursor: String?, total: Int) {
        try await read { db in try RoundStore.page(filter, page: page, in: db) }
    }

    func round(_ id: RoundID) async throws -> IntakeRound? {
        try await read { db in try RoundStore.find(id, in: db) }
    }

    /// A new deadline (`RoundRules.deadlineIssues`).
    func changeDeadline(of id: RoundID, to deadline: LocalDate, reason: String, by identity: Identity,
                        request: IdempotentRequest, at now: Date) async throws -> StoredResponse {
        try await correct(id, by: identity, request: request, at: now) { round, today, _ in
            let issues = RoundRules.deadlineIssues(deadline, round: round, today: today)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            var changed = round
            changed.deadline = deadline
            let event = RoundChanged(roundID: round.id, change: "deadline", deadline: changed.deadline, previousDeadline: round.deadline,
                                     quotaPerBody: changed.quotaPerBody, quotas: changed.quotas, reason: reason)
            return (changed, "round.deadline_changed", event,
                    AuditDetails(reason: reason, previousDeadline: round.deadline.description, deadline: changed.deadline.description))
        }
    }

    /// New quotas (Art 10), never below what a body has already recommended.
    func changeQuota(of id: RoundID, quotaPerBody: Int?, quotas: [String: Int], reason: String, by identity: Identity,
                     request: IdempotentRequest, at now: Date) async throws -> StoredResponse {
        let referenceData = settings.referenceData
        return try await correct(id, by: identity, request: request, at: now) { round, _, db in
            var changed = round
            changed.quotaPerBody = quotaPerBody
            changed.quotas = quotas
            guard changed.quotaPerBody != round.quotaPerBody || changed.quotas != round.quotas else {
                throw Problem.validation([DomainIssue(code: "round_quota_unchanged", field: "quotaPerBody",
                                                      messageZh: "新的名额与现在的相同。", messageEn: "The new quotas are the ones the round already has.")])
            }
            // A quota below what a body has already recommended would leave it over its quota: refused, naming the body.
            var below: [DomainIssue] = []
            for (body, count) in try ApplicationStore.recommendedCounts(round: round.id, in: db) {
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

    /// The round cancelled (撤销批次): it takes nothing more, and its kind and year may be opened again.
    func cancelRound(_ id: RoundID, reason: String, by identity: Identity, request: IdempotentRequest, at now: Date) async throws -> StoredResponse {
        try await correct(id, by: identity, request: request, at: now) { round, today, _ in
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
    /// event in one transaction, idempotent per `request`.
    private func correct<Event: DomainEvent>(
        _ id: RoundID, by identity: Identity, request: IdempotentRequest, at now: Date,
        _ change: @escaping @Sendable (IntakeRound, LocalDate, Database) throws -> (IntakeRound, String, Event, AuditDetails)
    ) async throws -> StoredResponse {
        let today = LocalDate(now)
        let outbox = self.outbox
        return try await idempotent(request, at: Millis.from(now)) { db in
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
