import Foundation
import Messaging
import GRDB
import ServiceKit
import StudioDomain

/// Where a grant (补助经费) stands. held → scheduled → approved → paid, or cancelled from any unpaid state.
public enum GrantStatus: String, Codable, Sendable, CaseIterable {
    /// Would exceed the year's budget (or no budget is set): waits for the department to release or cancel it.
    case held
    case scheduled
    /// Approved by the department; finance may pay it.
    case approved
    case paid
    case cancelled

    public var isUnpaid: Bool { self == .held || self == .scheduled || self == .approved }

    public var nameZh: String {
        switch self {
        case .held: "暂缓（待决定）"
        case .scheduled: "待审批"
        case .approved: "已审批待拨付"
        case .paid: "已拨付"
        case .cancelled: "已取消"
        }
    }
}

/// Whether an unpaid grant is near or past its payment date (set by `FundingScheduler`).
public enum DueState: String, Codable, Sendable {
    case notDue = "not_due"
    case due
    case overdue
}

/// One grant row.
struct GrantRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "funding_grant"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: GrantID
    var reference: String
    var kind: GrantKind
    var studioId: StudioID
    var year: Int
    var sourceApplicationId: ApplicationID
    var sourceEventId: String
    var amountFen: Int64
    var decidedOn: String
    var dueOn: String
    var status: GrantStatus
    var dueState: DueState
    var holdReason: String?
    var payeeName: String
    var screeningBodyCode: String
    var approvedBy: String?
    var approvedAt: Int64?
    var releasedBy: String?
    var releasedAt: Int64?
    var paidBy: String?
    var paidAt: Int64?
    var paidOn: String?
    var paymentReference: String?
    var cancelledBy: String?
    var cancelledAt: Int64?
    var cancelReason: String?
    var batchId: PaymentBatchID?
    var createdAt: Int64
    var updatedAt: Int64

    var amount: Money { Money(fen: amountFen) }

    /// The table's columns (snake case, as `databaseColumnEncodingStrategy` writes them).
    enum Columns {
        static let reference = Column("reference")
        static let kind = Column("kind")
        static let studioId = Column("studio_id")
        static let year = Column("year")
        static let status = Column("status")
        static let screeningBodyCode = Column("screening_body_code")
        static let paymentReference = Column("payment_reference")
        static let batchId = Column("batch_id")
        static let dueOn = Column("due_on")
        static let createdAt = Column("created_at")
        static let id = Column("id")
    }

    /// The grants not yet paid nor cancelled: what a budget hold, the scheduler and a revocation look at.
    static let unpaidStatuses = [GrantStatus.held, .scheduled, .approved].map(\.rawValue)

    static func find(_ id: GrantID, in db: Database) throws -> GrantRecord? {
        try GrantRecord.fetchOne(db, key: id.rawValue)
    }

    /// One step of the state machine: the new status, who took it and when (`by`, `at`, and `updatedAt`), saved.
    mutating func move(to status: GrantStatus, stamping by: WritableKeyPath<GrantRecord, String?>, _ at: WritableKeyPath<GrantRecord, Int64?>,
                       by actor: Agent, at moment: Moment, in db: Database) throws {
        self.status = status
        self[keyPath: by] = actor.text
        self[keyPath: at] = moment.millis
        updatedAt = moment.millis
        try update(db)
    }

    /// A decision on the grant in the hash-chained audit log, naming its studio and amount.
    func audit(_ action: String, by actor: Agent, at moment: Moment, in db: Database) throws {
        try DecisionAudit.record(action, subject: "grant:\(id)", details: ["studioId": studioId.rawValue, "amountFen": String(amount.fen)],
                                 by: actor, at: moment.millis, in: db)
    }
}

/// A grant as the API shows it.
struct GrantView: Codable, Sendable {
    var id: GrantID
    var reference: String
    var kind: GrantKind
    var kindZh: String
    var article: String
    var studioId: StudioID
    var year: Int
    var sourceApplicationId: ApplicationID
    /// Integer fen.
    var amount: Money
    var amountYuan: String
    var decidedOn: String
    var dueOn: String
    var status: GrantStatus
    var statusZh: String
    var dueState: DueState
    var holdReason: String?
    var payeeName: String
    var screeningBodyCode: String
    var approvedBy: String?
    var approvedAt: Date?
    var releasedBy: String?
    var paidBy: String?
    var paidAt: Date?
    var paidOn: String?
    var paymentReference: String?
    var cancelledBy: String?
    var cancelledAt: Date?
    var cancelReason: String?
    var batchId: PaymentBatchID?

    init(_ record: GrantRecord) {
        id = record.id
        reference = record.reference
        kind = record.kind
        kindZh = record.kind.nameZh
        article = record.kind.article.reference
        studioId = record.studioId
        year = record.year
        sourceApplicationId = record.sourceApplicationId
        amount = record.amount
        amountYuan = record.amount.yuanString
        decidedOn = record.decidedOn
        dueOn = record.dueOn
        status = record.status
        statusZh = record.status.nameZh
        dueState = record.dueState
        holdReason = record.holdReason
        payeeName = record.payeeName
        screeningBodyCode = record.screeningBodyCode
        approvedBy = record.approvedBy
        approvedAt = record.approvedAt.map(Millis.date)
        releasedBy = record.releasedBy
        paidBy = record.paidBy
        paidAt = record.paidAt.map(Millis.date)
        paidOn = record.paidOn
        paymentReference = record.paymentReference
        cancelledBy = record.cancelledBy
        cancelledAt = record.cancelledAt.map(Millis.date)
        cancelReason = record.cancelReason
        batchId = record.batchId
    }

}

extension GrantRecord {
    /// What `GET /grants` filters on; `payeeName` matches within the payee unit's name.
    struct Filter: Sendable {
        var status: String?
        var kind: String?
        var studioId: StudioID?
        var year: Int?
        var payeeName: String?
        var screeningBody: String?
    }

    /// Grants in creation order after `after`, at most `limit`, and how many match the filter in all.
    static func page(_ filter: Filter, after: (createdAt: Int64, id: String)?, limit: Int, in db: Database) throws -> ([GrantRecord], Int) {
        var request = GrantRecord.all()
        if let status = filter.status { request = request.filter(Columns.status == status) }
        if let kind = filter.kind { request = request.filter(Columns.kind == kind) }
        if let studio = filter.studioId { request = request.filter(Columns.studioId == studio.rawValue) }
        if let year = filter.year { request = request.filter(Columns.year == year) }
        if let name = filter.payeeName { request = request.filter(sql: "instr(payee_name, ?) > 0", arguments: [name]) }
        if let body = filter.screeningBody { request = request.filter(Columns.screeningBodyCode == body) }
        let total = try request.fetchCount(db)
        if let after { request = request.filter(sql: "(created_at, id) > (?, ?)", arguments: [after.createdAt, after.id]) }
        return (try request.order(Columns.createdAt, Columns.id).limit(limit).fetchAll(db), total)
    }
}
