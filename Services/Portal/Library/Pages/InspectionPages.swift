import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// 经费检查 (Art 16): the biennial joint inspection of a studio's funds as a checklist with its three sign-offs
/// (经济工作部, 财务部, 经审办), each signed from that office's own account with its own token; findings (compliant, or
/// misuse with its amount and rectification deadline, which funding sends on to assessment); the close by the
/// department. Funding decides who may sign and when an inspection may close.
struct InspectionPages {
    let renderer: Renderer
    let gateway: ServiceGateway
    let database: PortalDatabase

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: FinancePages.deskRoles)
        routes.get("", use: list)
        routes.get(":id", use: show)
        routes.post(":id/sign-off", use: signOff)
        routes.post(":id/findings", use: addFinding)
        routes.post(":id/close", use: close)
        return routes
    }

    struct Inspection: Decodable {
        var id: String
        var studioId: String
        var dueOn: String
        var status: String
        var article: String
        var signOffs: [SignOff]
        var missingSignOffs: [String]
        var findings: [Finding]
        var closedBy: String?
        struct SignOff: Decodable { var role: String; var roleZh: String; var signedBy: String; var signedAt: Date; var note: String? }
        struct Finding: Decodable {
            var id: String; var kind: String; var grantId: String?; var amount: Money?; var description: String
            var rectificationDeadline: String?; var recordedBy: String; var status: String
        }
    }

    static let offices: [(role: Role, name: String)] = [(.department, "经济工作部"), (.finance, "财务部"), (.auditOffice, "经审办")]

    struct Row { var id: String; var studioId: String; var dueOn: String; var status: String; var signed: String }

    @Sendable func list(_ request: Request, context: PortalContext) async throws -> Response {
        let items = try await gateway.all(.funding, "/inspections", token: context.token(.funding), as: Inspection.self)
        let rows = items.map {
            Row(id: $0.id, studioId: $0.studioId, dueOn: $0.dueOn, status: $0.status == "closed" ? "已办结" : "进行中",
                signed: "\($0.signOffs.count)/3")
        }
        struct View { var rows: [Row]; var empty: Bool }
        return renderer.html("inspections", title: "经费检查", view: View(rows: rows, empty: rows.isEmpty), context: context)
    }

    struct CheckItem { var office: String; var signed: Bool; var by: String; var at: String; var note: String; var mine: Bool }
    struct FindingRow { var kind: String; var misuse: Bool; var amount: String; var grant: String; var description: String; var deadline: String; var by: String; var status: String }

    struct DetailView {
        var id: String
        var studioId: String
        var studioName: String
        var dueOn: String
        var article: String
        var closed: Bool
        var checklist: [CheckItem]
        var canSign: Bool
        var findings: [FindingRow]
        var noFindings: Bool
        var canClose: Bool
        var errors: [String: [IssueView]]
        var formErrors: [IssueView]
        var amount: String
        var description: String
        var deadline: String
        var misuseChosen: Bool
    }


    func detail(_ id: String, context: PortalContext, issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = try context.requireAccount()
        let inspection = try await gateway.fetch(.funding, "/inspections/\(PublicPages.pathComponent(id))", as: Inspection.self, context: context)
        // The payee's name for the studio (funding's grants carry it); the studio's id where it has none.
        let grants = try? await gateway.get(.funding, "/grants?studioId=\(PublicPages.pathComponent(inspection.studioId))", token: context.token(.funding))
            .orFail().decode(Listing<FinancePages.Grant>.self).items
        let names = try await database.fundingActorNames(inspection.signOffs.map(\.signedBy) + inspection.findings.map(\.recordedBy))
        let checklist = Self.offices.map { office -> CheckItem in
            let signed = inspection.signOffs.first { $0.role == office.role.rawValue }
            return CheckItem(office: office.name, signed: signed != nil, by: signed.map { names[$0.signedBy] ?? $0.signedBy } ?? "",
                             at: signed.map { Dates.instant($0.signedAt) } ?? "", note: signed?.note ?? "", mine: office.role == account.role)
        }
        let known: Set<String> = ["kind", "amount", "description", "rectificationDeadline", "grantId"]
        let (errors, formErrors) = FieldIssues.sorted(issues) { known.contains($0) ? $0 : nil }
        let view = DetailView(
            id: inspection.id, studioId: inspection.studioId, studioName: grants?.first?.payeeName ?? inspection.studioId, dueOn: inspection.dueOn,
            article: Bilingual.chinese(inspection.article), closed: inspection.status == "closed",
            checklist: checklist,
            canSign: inspection.status != "closed" && !inspection.signOffs.contains { $0.role == account.role.rawValue },
            findings: inspection.findings.map {
                FindingRow(kind: $0.kind == "misuse" ? "违规使用" : "合规", misuse: $0.kind == "misuse", amount: $0.amount.map(FinancePages.yuan) ?? "",
                           grant: $0.grantId ?? "", description: $0.description, deadline: $0.rectificationDeadline ?? "", by: names[$0.recordedBy] ?? $0.recordedBy,
                           status: $0.status == "withdrawn" ? "已撤回" : "有效")
            },
            noFindings: inspection.findings.isEmpty,
            canClose: account.role == .department && inspection.status != "closed",
            errors: errors, formErrors: formErrors,
            amount: context.form["amount"] ?? "", description: context.form["description"] ?? "", deadline: context.form["rectificationDeadline"] ?? "",
            misuseChosen: context.form["kind"] == "misuse")
        return renderer.html("inspection", title: "经费检查", view: view, context: context, status: status)
    }

    @Sendable func show(_ request: Request, context: PortalContext) async throws -> Response {
        try await detail(try context.parameters.require("id"), context: context)
    }

    /// The inspection's page again with a form's refusal.
    func detailAgain(_ id: String, context: PortalContext) -> ([DomainIssue]) async throws -> Response {
        { try await detail(id, context: context, issues: $0, status: .unprocessableContent) }
    }

    @Sendable func signOff(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        struct Body: Encodable { var note: String? }
        let note = context.form["note"].flatMap { $0.isEmpty ? nil : $0 }
        return try await gateway.post(.funding, "/inspections/\(PublicPages.pathComponent(id))/sign-offs", json: Body(note: note), context: context, orShow: detailAgain(id, context: context),
                                      then: "/funds/inspections/\(PublicPages.pathComponent(id))", flash: "已签字确认。")
    }

    @Sendable func addFinding(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = context.form
        var amount: Money?
        if let text = form["amount"], !text.isEmpty {
            guard let parsed = try? Money.parse(yuan: text.replacingOccurrences(of: ",", with: "")) else {
                return try await detail(id, context: context, issues: [DomainIssue(code: "amount.format", field: "amount", messageZh: "金额须为元，最多两位小数",
                                                                                   messageEn: "amount in yuan with at most two decimals")],
                                        status: .unprocessableContent)
            }
            amount = parsed
        }
        struct Body: Encodable { var kind: String; var grantId: String?; var amount: Money?; var description: String; var rectificationDeadline: String? }
        func optional(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        let body = Body(kind: form["kind"] ?? "", grantId: optional("grantId"), amount: amount, description: form["description"] ?? "",
                        rectificationDeadline: optional("rectificationDeadline"))
        return try await gateway.post(.funding, "/inspections/\(PublicPages.pathComponent(id))/findings", json: body, context: context, orShow: detailAgain(id, context: context),
                                      then: "/funds/inspections/\(PublicPages.pathComponent(id))", flash: body.kind == "misuse" ? "已记录违规使用，已通知考核管理跟进整改（第十六条）。" : "已记录检查结论。")
    }

    @Sendable func close(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await gateway.post(.funding, "/inspections/\(PublicPages.pathComponent(id))/close", json: [String: String](), context: context, orShow: detailAgain(id, context: context),
                                      then: "/funds/inspections/\(PublicPages.pathComponent(id))", flash: "检查已办结。")
    }
}
