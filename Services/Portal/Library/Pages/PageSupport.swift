import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// A service's problem as a page shows it: the Chinese message and the article, beside the field it names.
struct IssueView {
    var field: String
    var code: String
    var message: String
    var article: String?

    init(_ issue: DomainIssue) {
        field = issue.field
        code = issue.code
        message = issue.messageZh
        // "第五条第（四）项 / Art. 5(4)": the page is in Chinese.
        article = issue.article.map { $0.components(separatedBy: " / ").first ?? $0 }
    }
}

extension ServiceReply {
    /// The reply if it is a success; otherwise the page for its failure (404 stays 404, so another body's
    /// application is as absent in the portal as in the service).
    func orFail() throws -> ServiceReply {
        guard isSuccess else { throw failure }
        return self
    }

    /// nil for a success; for a refusal the form can show (`statuses`), the problems to put beside its fields;
    /// any other failure throws its page.
    func refusal(_ statuses: Set<Int> = [400, 409, 422]) throws -> [DomainIssue]? {
        guard !isSuccess else { return nil }
        guard statuses.contains(status) else { throw failure }
        return issues
    }

    private var failure: PortalError {
        switch status {
        case 401, 403: .forbidden
        case 404: .notFound
        default: .refused(status: status, issues: problem?.errors ?? [])
        }
    }

    /// The problem's issues, or one naming the status when the service sent none.
    var issues: [DomainIssue] {
        if let errors = problem?.errors, !errors.isEmpty { return errors }
        return [DomainIssue(code: "service_status_\(status)", field: "", messageZh: "服务拒绝了该操作（状态 \(status)）。", messageEn: "the service refused (status \(status))")]
    }
}

enum Redirect {
    /// POST, then redirect (303), with a one-time message for the next page.
    static func to(_ location: String, flash: String? = nil, context: PortalContext) -> Response {
        if let flash { context.setFlash(flash) }
        return Response.redirect(to: location, type: .normal)
    }
}

enum Dates {
    /// Today in Asia/Shanghai.
    static func today(_ now: Date = Date()) -> LocalDate { LocalDate(now) }

    static func chinese(_ date: LocalDate?) -> String { date.map { "\($0.year)年\($0.month)月\($0.day)日" } ?? "" }

    /// `2026-12-01 17:58`, in Asia/Shanghai.
    static func instant(_ date: Date) -> String {
        let parts = shanghai.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    private static let shanghai: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BusinessCalendar.timeZone
        return calendar
    }()
}

/// A value of a list page as the templates iterate it.
struct KeyValue {
    var key: String
    var value: String
}

/// One page of a long list (50 rows), and the links to its neighbours; drawn by `partials/pager`.
struct Pager {
    var page: Int
    var pages: Int
    var total: Int
    var from: Int
    var to: Int
    var previous: String?
    var next: String?
    var several: Bool

    static let size = 50

    /// The pager of page `page` of `total` rows that a service has paged itself.
    static func page(_ page: Int, total: Int, link: (Int) -> String) -> Pager {
        let pages = max(1, (total + size - 1) / size)
        let start = (page - 1) * size
        return Pager(page: page, pages: pages, total: total, from: total == 0 ? 0 : start + 1, to: min(start + size, total),
                     previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil, several: pages > 1)
    }

    /// The page `?page=` asks for (clamped), the rows on it, and the pager; `link` makes a page's URL.
    static func slice<Item>(_ items: [Item], request: Request, link: (Int) -> String) -> (items: [Item], pager: Pager) {
        let pages = max(1, (items.count + size - 1) / size)
        let asked = request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1
        let page = min(max(1, asked), pages)
        let start = (page - 1) * size
        let end = min(start + size, items.count)
        let pager = Pager(page: page, pages: pages, total: items.count, from: items.isEmpty ? 0 : start + 1, to: end,
                          previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil, several: pages > 1)
        return (Array(items[start..<end]), pager)
    }
}

/// The colour of an application's status tag.
enum ApplicationStatusStyle {
    static func cssClass(_ status: String) -> String {
        switch status {
        case "draft": "draft"
        case "withdrawn", "qualificationFailed", "notNamed", "notAwarded", "notSelected": "closed"
        case "returnedForAmendment": "attention"
        case "named", "awarded", "selected", "qualificationPassed": "good"
        default: "open"
        }
    }
}

/// An application's attachment, fetched from intake with the caller's own token (so intake decides who may
/// have it) and handed on as a download with the type intake checked on upload.
enum AttachmentDownload {
    static func pass(_ id: String, _ sha: String, gateway: ServiceGateway, context: PortalContext) async throws -> Response {
        let reply = try await gateway.get(.intake, "/applications/\(PublicPages.pathComponent(id))/attachments/\(PublicPages.pathComponent(sha))",
                                          token: context.token(.intake)).orFail()
        let type = ["application/pdf", "image/png", "image/jpeg"].first { reply.contentType?.hasPrefix($0) == true } ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: reply.contentDisposition ?? "attachment"],
                        body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
