import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Grants (补助经费): the department approves, releases held ones and cancels; finance pays. Each step checks the
/// current state, writes the row and its ledger entry, and names who did it and when.
extension FundingDatabase {
    /// A page of grants in creation order, filtered (`GrantRecord.Filter`), and how many match in all.
    func grants(_ filter: GrantRecord.Filter, page: PageRequest) async throws -> (items: [GrantRecord], nextCursor: String?, total: Int) {
        var after: (createdAt: Int64, id: String)?
        if let cursor = page.after {
            guard let createdAt = Int64(cursor[0]) else { throw QueryValues.invalidCursor }
            after = (createdAt, cursor[1])
        }
        let start = after, limit = page.limit + 1
        let (grants, total) = try await read { db in try GrantRecord.page(filter, after: start, limit: limit, in: db) }
        let (items, next) = page.page(grants) { [String($0.createdAt), $0.id.rawValue] }
        return (items, next, total)
    }

    func grant(_ id: GrantID) async throws -> GrantRecord {
        try await read { db in try Self.load(id, in: db) }
    }

    func approve(grant id: GrantID, by actor: Agent, at moment: Moment) async throws -> GrantRecord {
        try await write { db in try Self.approve(id, by: actor, at: moment, in: db) }
    }

    func release(grant id: GrantID, by actor: Agent, at moment: Moment) async throws -> GrantRecord {
        try await write { db in try Self.release(id, by: actor, at: moment, in: db) }
    }

    func cancel(grant id: GrantID, reason: String, by actor: Agent, at moment: Moment) async throws -> GrantRecord {
        let outbox = self.outbox
        return try await write { db in try Self.cancel(id, reason: reason, by: actor, at: moment, outbox: outbox, in: db) }
    }

    func pay(grant id: GrantID, paymentReference: String, paidOn: LocalDate, by actor: Agent, at moment: Moment) async throws -> GrantRecord {
        let outbox = self.outbox, settings = self.settings
        return try await write { db in
            try Self.pay(id, paymentReference: paymentReference, paidOn: paidOn, by: actor, at: moment, settings: settings, outbox: outbox, in: db)
        }
    }

    /// Brings due/overdue marks and inspection schedules up to date (`FundingScheduler`): run by
    /// `FundingSchedulerService` and after `POST /ops/clock` moves business time, never by a read.
    @discardableResult
    func runScheduler(at moment: Moment) async throws -> FundingScheduler.Outcome {
        let settings = self.settings
        return try await write { db in try FundingScheduler.run(today: moment.today, settings: settings, at: moment.millis, in: db) }
    }

    /// The grant, or a 404 naming it.
    static func load(_ id: GrantID, in db: Database) throws -> GrantRecord {
        guard let grant = try GrantRecord.find(id, in: db) else { throw Problem.notFound("grant", zh: "经费补助", id: id.rawValue) }
        return grant
    }

    /// Department: scheduled → approved.
    static func approve(_ id: GrantID, by actor: Agent, at moment: Moment, in db: Database) throws -> GrantRecord {
        var grant = try load(id, in: db)
        guard grant.status == .scheduled else { throw refusal(grant, action: "approve", actionZh: "审批") }
        try grant.move(to: .approved, stamping: \.approvedBy, \.approvedAt, by: actor, at: moment, in: db)
        try grant.audit("grant.approved", by: actor, at: moment, in: db)
        return grant
    }

    /// Department: held → scheduled, once the grant fits the year's budget (raise the budget first otherwise).
    static func release(_ id: GrantID, by actor: Agent, at moment: Moment, in db: Database) throws -> GrantRecord {
        var grant = try load(id, in: db)
        guard grant.status == .held else { throw refusal(grant, action: "release", actionZh: "放行") }
        if let reason = try Budgets.holdReason(year: grant.year, adding: grant.amount, in: db) {
            throw Problem.conflict(reason.code, field: "year", zh: reason.zh + "；请先调整预算或取消本笔补助",
                                   en: reason.en + "; raise the budget or cancel this grant")
        }
        // The hold is over: `releasedBy`/`releasedAt` and the ledger's "暂缓后放行 / released from hold" keep its history.
        grant.holdReason = nil
        try grant.move(to: .scheduled, stamping: \.releasedBy, \.releasedAt, by: actor, at: moment, in: db)
        try grant.audit("grant.released", by: actor, at: moment, in: db)
        try Ledger.append(grantID: grant.id, studioID: grant.studioId, kind: .granted, amount: grant.amount, on: moment.today,
                          reference: grant.reference, note: "暂缓后放行 / released from hold", by: actor, at: moment.millis, in: db)
        return grant
    }

    /// Department (or a revocation): any unpaid state → cancelled, with a reason; a commitment is reversed in the ledger.
    /// `outbox`: where `grant.cancelled` goes, in this transaction (every HTTP and event path passes it; nil only in unit tests).
    static func cancel(_ id: GrantID, reason: String, by actor: Agent, at moment: Moment, outbox: Outbox? = nil, in db: Database) throws -> GrantRecord {
        var grant = try load(id, in: db)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw Problem.invalid("grant.cancel_reason_required", field: "reason", zh: "取消补助须写明原因", en: "a cancellation needs a reason")
        }
        guard grant.status.isUnpaid else { throw refusal(grant, action: "cancel", actionZh: "取消") }
        let wasCommitted = grant.status == .scheduled || grant.status == .approved
        grant.cancelReason = reason
        try grant.move(to: .cancelled, stamping: \.cancelledBy, \.cancelledAt, by: actor, at: moment, in: db)
        if wasCommitted {
            try Ledger.append(grantID: grant.id, studioID: grant.studioId, kind: .cancelled, amount: grant.amount, on: moment.today,
                              reference: grant.reference, note: reason, by: actor, at: moment.millis, in: db)
        }
        try outbox?.append(GrantCancelled(studioID: grant.studioId, grantID: grant.id, kind: grant.kind.rawValue, year: grant.year,
                                          reason: reason, cancelledOn: moment.today), in: db)
        return grant
    }

    /// Finance: approved → paid, with the bank's payment reference and the payment date.
    /// `outbox`: where `grant.paid` goes, in this transaction (every HTTP path passes it; nil only in unit tests).
    static func pay(_ id: GrantID, paymentReference: String, paidOn: LocalDate, by actor: Agent, at moment: Moment,
                    settings: FundingSettings, outbox: Outbox? = nil, in db: Database) throws -> GrantRecord {
        var grant = try load(id, in: db)
        let paymentReference = paymentReference.trimmingCharacters(in: .whitespacesAndNewlines)
        var issues: [DomainIssue] = []
        if paymentReference.isEmpty || paymentReference.count > 64 {
            issues.append(DomainIssue(code: "payment.reference_invalid", field: "paymentReference",
                                      messageZh: "须填写付款流水号（不超过 64 个字符）", messageEn: "a payment reference of at most 64 characters is required"))
        }
        if paidOn > moment.today {
            issues.append(DomainIssue(code: "payment.date_in_future", field: "paidOn",
                                      messageZh: "付款日期不能晚于今天（\(moment.today)）", messageEn: "the payment date cannot be after today (\(moment.today))"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        guard grant.status == .approved else { throw refusal(grant, action: "pay", actionZh: "拨付") }
        if let other = try GrantRecord.filter(GrantRecord.Columns.paymentReference == paymentReference).fetchOne(db)?.reference {
            throw Problem.conflict("payment.reference_used", field: "paymentReference",
                                   zh: "付款流水号 \(paymentReference) 已用于补助 \(other)", en: "payment reference \(paymentReference) is already used by grant \(other)")
        }
        grant.paymentReference = paymentReference
        grant.paidOn = paidOn.description
        grant.dueState = .notDue
        try grant.move(to: .paid, stamping: \.paidBy, \.paidAt, by: actor, at: moment, in: db)
        try Ledger.append(grantID: grant.id, studioID: grant.studioId, kind: .paid, amount: grant.amount, on: paidOn,
                          reference: paymentReference, note: grant.reference, by: actor, at: moment.millis, in: db)
        try InspectionSchedule.ensureScheduled(studioID: grant.studioId, firstPaidOn: paidOn, settings: settings, at: moment.millis, in: db)
        try outbox?.append(GrantPaid(studioID: grant.studioId, grantID: grant.id, kind: grant.kind.rawValue, year: grant.year,
                                     amount: grant.amount, paidOn: paidOn, paymentReference: paymentReference), in: db)
        return grant
    }

    /// Art 17 and 20: every unpaid grant of a revoked studio is cancelled; paid money stays paid (inspections follow it).
    @discardableResult
    static func cancelUnpaid(studioID: StudioID, reason: String, by actor: Agent, at moment: Moment, outbox: Outbox? = nil, in db: Database) throws -> [GrantID] {
        let ids = try GrantRecord.filter(GrantRecord.Columns.studioId == studioID.rawValue && GrantRecord.unpaidStatuses.contains(GrantRecord.Columns.status))
            .order(GrantRecord.Columns.createdAt).fetchAll(db).map(\.id)
        for id in ids { _ = try cancel(id, reason: reason, by: actor, at: moment, outbox: outbox, in: db) }
        return ids
    }

    /// The 409 of a step the grant's state does not allow, with what would allow it.
    static func refusal(_ grant: GrantRecord, action: String, actionZh: String) -> Problem {
        let hint: (String, String) = switch grant.status {
        case .held: ("该补助因预算暂缓，须先由经济工作部放行", "the grant is held for the budget; the department must release it first")
        case .scheduled: ("该补助尚未经经济工作部审批", "the grant has not been approved by the department")
        case .approved: ("该补助已审批，待财务拨付", "the grant is approved and waits for finance")
        case .paid: ("该补助已拨付", "the grant has been paid")
        case .cancelled: ("该补助已取消", "the grant is cancelled")
        }
        return Problem.conflict("grant.invalid_transition", field: "status", article: grant.kind.article,
                                zh: "补助 \(grant.reference) 当前状态为「\(grant.status.nameZh)」，不能\(actionZh)：\(hint.0)",
                                en: "grant \(grant.reference) is \(grant.status.rawValue) and cannot \(action): \(hint.1)")
    }
}
