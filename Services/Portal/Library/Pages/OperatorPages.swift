import Foundation
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The operator's (运维) pages: the console (the four services' health, queue depth and dead letters at a glance,
/// a replay of one message or a time range, the audit logs and their verification) and the accounts (create,
/// disable, reset a password, revoke a service token). Every service call goes with the operator account's own
/// token; the services decide.
struct OperatorPages {
    let renderer: Renderer
    let accounts: Accounts
    var gateway: ServiceGateway { accounts.gateway }

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.operator])
        routes.get("accounts", use: list)
        routes.post("accounts", use: create)
        routes.get("", use: console)
        routes.post("services/:service/messages/:id/replay", use: replayOne)
        routes.post("services/:service/replay", use: replayRange)
        routes.get("audit/:service", use: audit)
        routes.post("accounts/:id/disable", use: disable)
        routes.post("accounts/:id/enable", use: enable)
        routes.post("accounts/:id/reset-password", use: resetPassword)
        routes.post("accounts/:id/tokens/:service/revoke", use: revokeToken)
        return routes
    }

    struct AccountsView {
        struct Row {
            var id: String; var username: String; var name: String; var role: String; var subject: String; var state: String
            var disabled: Bool; var tokens: [TokenCell]
        }
        struct TokenCell { var service: String; var label: String; var held: Bool }
        struct RoleOption { var value: String; var label: String; var selected: Bool }
        var rows: [Row]
        var roles: [RoleOption]
        var errors: [KeyValue]
        var username: String
        var name: String
        var subject: String
        var created: KeyValue?
        /// The password shown is a reset, not a new account's.
        var reset: Bool
    }

    func page(_ context: PortalContext, errors: [KeyValue] = [], created: KeyValue? = nil, resetFor: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let all = try await accounts.database.accounts()
        let now = Date()
        var rows: [AccountsView.Row] = []
        for account in all {
            let held = try await accounts.database.tokenIDs(accountID: account.id)
            rows.append(AccountsView.Row(
                id: account.id, username: account.username, name: account.displayName, role: account.role.nameZh, subject: account.subject ?? "",
                state: account.disabled ? "已停用" : (account.lockedUntil.map { $0 > now } == true ? "已锁定" : (account.mustChangePassword ? "待首次登录" : "正常")),
                disabled: account.disabled,
                tokens: PlatformService.allCases.map { .init(service: $0.rawValue, label: $0.nameZh, held: held[$0] != nil) }))
        }
        let chosen = created == nil ? context.form["role"] : nil
        let view = AccountsView(rows: rows, roles: Role.allCases.map { .init(value: $0.rawValue, label: $0.nameZh, selected: $0.rawValue == chosen) },
                                errors: errors, username: created == nil ? context.form["username"] ?? "" : "",
                                name: created == nil ? context.form["name"] ?? "" : "", subject: created == nil ? context.form["subject"] ?? "" : "",
                                created: created, reset: resetFor != nil)
        return renderer.html("operator_accounts", title: "账户管理", view: view, context: context, status: status)
    }

    @Sendable func list(_ request: Request, context: PortalContext) async throws -> Response { try await page(context) }

    @Sendable func create(_ request: Request, context: PortalContext) async throws -> Response {
        guard let role = Role(rawValue: context.form["role"] ?? "") else {
            return try await page(context, errors: [KeyValue(key: "role", value: "请选择角色。")], status: .unprocessableContent)
        }
        do {
            let created = try await accounts.add(username: context.form["username"], role: role, subject: context.form["subject"],
                                                 displayName: context.form["name"] ?? "")
            return try await page(context, created: KeyValue(key: created.account.username, value: created.oneTimePassword))
        } catch let failure as Accounts.Failure {
            switch failure {
            case .invalid(let field, let zh, _):
                return try await page(context, errors: [KeyValue(key: field, value: zh)], status: .unprocessableContent)
            case .unavailable(let service, _):
                throw PortalError.unavailable(service)
            case .noOperatorToken, .serviceRefused:
                return try await page(context, errors: [KeyValue(key: "", value: failure.description)], status: .unprocessableContent)
            }
        }
    }

    // MARK: Accounts: disable, enable, reset a password, revoke a service token

    func target(_ context: PortalContext) async throws -> Account {
        guard let account = try await accounts.database.account(id: try context.parameters.require("id")) else { throw PortalError.notFound }
        return account
    }

    @Sendable func disable(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try await target(context)
        let me = try context.requireAccount()
        guard account.id != me.id else { return Redirect.to("/operator/accounts", flash: "\u{1}不能停用当前登录的账户。", context: context) }
        try await accounts.database.setDisabled(accountID: account.id, disabled: true, by: me.username, at: Date())
        return Redirect.to("/operator/accounts", flash: "已停用账户 \(account.username)，其登录会话随即失效。", context: context)
    }

    @Sendable func enable(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try await target(context)
        try await accounts.database.setDisabled(accountID: account.id, disabled: false, by: try context.requireAccount().username, at: Date())
        return Redirect.to("/operator/accounts", flash: "已启用账户 \(account.username)。", context: context)
    }

    @Sendable func resetPassword(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try await target(context)
        let password = Accounts.oneTimePassword()
        try await accounts.database.setPassword(accountID: account.id, hash: await Accounts.hash(password, cost: accounts.bcryptCost), mustChange: true, at: Date())
        return try await page(context, created: KeyValue(key: account.username, value: password), resetFor: account.username)
    }

    @Sendable func revokeToken(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try await target(context)
        guard let service = PlatformService(rawValue: try context.parameters.require("service")) else { throw PortalError.notFound }
        let ids = try await accounts.database.tokenIDs(accountID: account.id)
        guard let held = ids[service] else { return Redirect.to("/operator/accounts", flash: "\u{1}该账户在\(service.nameZh)没有令牌。", context: context) }
        if let tokenID = held {
            let reply = try await gateway.send(service, "DELETE", "/ops/tokens/\(PublicPages.pathComponent(tokenID))", token: context.token(service), body: [], headers: [])
            // 404: the service no longer has it (revoked there already); the portal forgets it too.
            if !reply.isSuccess && reply.status != 404 { _ = try reply.orFail() }
        }
        try await accounts.database.removeToken(accountID: account.id, service: service, by: try context.requireAccount().username, at: Date())
        return Redirect.to("/operator/accounts", flash: "已吊销账户 \(account.username) 在\(service.nameZh)的访问令牌。", context: context)
    }

    // MARK: The console

    struct ServiceCard {
        var service: String
        var name: String
        var healthy: Bool
        var ready: Bool
        var state: String
        var pending: Int
        var dead: Int
        var subscriptions: [SubscriptionRow]
        var deadLetters: [DeadRow]
        var hasDeadLetters: Bool
        var audit: String
        var auditIntact: Bool
    }

    struct SubscriptionRow { var name: String; var status: String; var ready: Int; var queued: Int; var dead: Int; var oldest: String }
    struct DeadRow { var messageID: String; var aggregate: String; var attempts: Int; var error: String; var created: String }

    struct ConsoleView {
        var cards: [ServiceCard]
        var portalAudit: String
        var portalAuditIntact: Bool
        var portalInbox: Int
        var defaultFrom: String
        var defaultTo: String
        var issues: [IssueView]
    }

    struct Verification: Decodable { var entries: Int; var intact: Bool; var firstBroken: Int64?; var problem: String? }
    struct DeadLetters: Decodable { var items: [DeliveryView] }

    func card(_ service: PlatformService, token: String?) async -> ServiceCard {
        var card = ServiceCard(service: service.rawValue, name: service.nameZh, healthy: false, ready: false, state: "无法连接", pending: 0, dead: 0,
                               subscriptions: [], deadLetters: [], hasDeadLetters: false, audit: "—", auditIntact: false)
        do {
            card.healthy = try await gateway.get(service, "/health", token: nil).isSuccess
            card.ready = try await gateway.get(service, "/ready", token: nil).isSuccess
            card.state = card.ready ? "正常" : (card.healthy ? "未就绪" : "异常")
            if let queue = try? await gateway.get(service, "/ops/queue", token: token).orFail().decode(QueueDepthView.self) {
                card.pending = queue.pending
                card.dead = queue.dead
                card.subscriptions = queue.subscriptions.map {
                    SubscriptionRow(name: $0.name, status: $0.status == "active" ? "启用" : "停用", ready: $0.ready, queued: $0.queued, dead: $0.dead,
                                    oldest: $0.oldestPendingAt.map(Dates.instant) ?? "")
                }
            }
            if let dead = try? await gateway.get(service, "/ops/dead-letters?limit=20", token: token).orFail().decode(DeadLetters.self) {
                card.deadLetters = dead.items.map {
                    DeadRow(messageID: $0.messageId, aggregate: $0.aggregate, attempts: $0.attempts,
                            error: $0.lastError ?? $0.lastStatusCode.map { "HTTP \($0)" } ?? "", created: Dates.instant($0.createdAt))
                }
                card.hasDeadLetters = !card.deadLetters.isEmpty
            }
            if let verification = try? await gateway.get(service, "/ops/audit/verify", token: token).orFail().decode(Verification.self) {
                card.auditIntact = verification.intact
                card.audit = verification.intact ? "完整（\(verification.entries) 条）" : "第 \(verification.firstBroken ?? 0) 条起不一致：\(verification.problem ?? "")"
            }
        } catch {
            card.state = "无法连接"
        }
        return card
    }

    func consolePage(_ context: PortalContext, issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        var cards: [ServiceCard] = []
        await withTaskGroup(of: (Int, ServiceCard).self) { group in
            for (index, service) in PlatformService.allCases.enumerated() {
                let token = context.token(service)
                group.addTask { (index, await card(service, token: token)) }
            }
            var collected: [(Int, ServiceCard)] = []
            for await item in group { collected.append(item) }
            cards = collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let verification = try await accounts.database.auditVerification()
        let inbox = try await accounts.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_message") ?? 0 }
        let now = Date()
        let view = ConsoleView(cards: cards,
                               portalAudit: verification.intact ? "完整（\(verification.entries) 条）" : "第 \(verification.firstBroken ?? 0) 条起不一致：\(verification.problem ?? "")",
                               portalAuditIntact: verification.intact, portalInbox: inbox,
                               defaultFrom: Self.localInput(now.addingTimeInterval(-86_400)), defaultTo: Self.localInput(now.addingTimeInterval(60)),
                               issues: issues.map(IssueView.init))
        return renderer.html("operator_console", title: "运维控制台", view: view, context: context, status: status)
    }

    @Sendable func console(_ request: Request, context: PortalContext) async throws -> Response { try await consolePage(context) }

    /// `2026-12-01T17:58` in Asia/Shanghai, as a `datetime-local` input shows it.
    static func localInput(_ date: Date) -> String { Dates.instant(date).replacingOccurrences(of: " ", with: "T") }

    /// A `datetime-local` value read as Asia/Shanghai.
    static func parseLocal(_ text: String?) -> Date? {
        guard let text else { return nil }
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard parts.count >= 5, parts.allSatisfy({ $0 != nil }), let day = LocalDate(year: parts[0]!, month: parts[1]!, day: parts[2]!),
              (0..<24).contains(parts[3]!), (0..<60).contains(parts[4]!) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BusinessCalendar.timeZone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: parts[3]!, minute: parts[4]!))
    }

    func service(_ context: PortalContext) throws -> PlatformService {
        guard let service = PlatformService(rawValue: try context.parameters.require("service")) else { throw PortalError.notFound }
        return service
    }

    struct Replayed: Decodable { var replayed: Int }

    /// The console again with a replay's refusal.
    func consoleAgain(_ context: PortalContext) -> ([DomainIssue]) async throws -> Response {
        { try await consolePage(context, issues: $0, status: .unprocessableContent) }
    }

    @Sendable func replayOne(_ request: Request, context: PortalContext) async throws -> Response {
        let service = try service(context)
        let id = try context.parameters.require("id")
        return try await gateway.post(service, "/ops/messages/\(PublicPages.pathComponent(id))/replay", json: [String: String](), refusable: [400, 404, 409, 422],
                                      context: context, orShow: consoleAgain(context)) { reply in
            let count = try reply.decode(Replayed.self).replayed
            return ("/operator", "\(service.nameZh)：消息 \(id) 已重新排队投递（\(count) 个订阅）；下方待投递数即为进度。")
        }
    }

    @Sendable func replayRange(_ request: Request, context: PortalContext) async throws -> Response {
        let service = try service(context)
        var issues: [DomainIssue] = []
        let from = Self.parseLocal(context.form["from"]), to = Self.parseLocal(context.form["to"])
        if from == nil { issues.append(DomainIssue(code: "replay.from", field: "from", messageZh: "请填写开始时间", messageEn: "from is required")) }
        if to == nil { issues.append(DomainIssue(code: "replay.to", field: "to", messageZh: "请填写结束时间", messageEn: "to is required")) }
        guard let from, let to else { return try await consolePage(context, issues: issues, status: .unprocessableContent) }
        struct Body: Encodable { var from: Date; var to: Date; var onlyDead: Bool; var subscriptionId: String? }
        let onlyDead = context.form["onlyDead"] == "on"
        return try await gateway.post(service, "/ops/replay", json: Body(from: from, to: to, onlyDead: onlyDead, subscriptionId: nil), context: context,
                                      orShow: consoleAgain(context)) { reply in
            let count = try reply.decode(Replayed.self).replayed
            return ("/operator", "\(service.nameZh)：\(Dates.instant(from)) 至 \(Dates.instant(to)) 的\(onlyDead ? "死信" : "全部消息")已重新排队 \(count) 次投递；下方待投递数即为进度，接收方按消息编号去重。")
        }
    }

    struct AuditEntries: Decodable { var items: [AuditLog.Entry] }
    struct AuditRow { var seq: Int64; var at: String; var actor: String; var action: String; var subject: String; var details: String }
    struct AuditView { var name: String; var verification: String; var intact: Bool; var rows: [AuditRow]; var empty: Bool }

    @Sendable func audit(_ request: Request, context: PortalContext) async throws -> Response {
        let which = try context.parameters.require("service")
        let entries: [AuditLog.Entry]
        let verification: Verification
        let name: String
        if which == "portal" {
            name = "门户"
            entries = try await accounts.database.auditEntries(limit: 200)
            let checked = try await accounts.database.auditVerification()
            verification = Verification(entries: checked.entries, intact: checked.intact, firstBroken: checked.firstBroken, problem: checked.problem)
        } else {
            let service = try service(context)
            name = service.nameZh
            let token = context.token(service)
            verification = try await gateway.get(service, "/ops/audit/verify", token: token).orFail().decode(Verification.self)
            let after = max(0, verification.entries - 200)
            entries = try await gateway.get(service, "/ops/audit?after=\(after)&limit=200", token: token).orFail().decode(AuditEntries.self).items
        }
        let rows = entries.reversed().map {
            AuditRow(seq: $0.seq, at: Dates.instant($0.at), actor: $0.actorRole + ($0.actorSubject.map { " \($0)" } ?? ""), action: $0.action, subject: $0.subject, details: $0.details)
        }
        let view = AuditView(name: name, verification: verification.intact ? "哈希链完整，共 \(verification.entries) 条" : "第 \(verification.firstBroken ?? 0) 条起不一致：\(verification.problem ?? "")",
                             intact: verification.intact, rows: rows, empty: rows.isEmpty)
        return renderer.html("operator_audit", title: "审计日志 · \(name)", view: view, context: context)
    }
}
