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
        article = issue.article.map(Bilingual.chinese)
    }
}

/// A service's problems sorted for the form that caused them: each input takes the ones about its field, and what
/// no input took is shown above the form.
struct FieldIssues {
    private(set) var remaining: [DomainIssue]

    init(_ issues: [DomainIssue]) { remaining = issues }

    /// The problems about `field` or a part of it (`rubric.criteria[0]` takes `rubric.criteria[0].weight`,
    /// `relationships` takes `relationships[1]`), taken off the rest.
    mutating func take(_ field: String) -> [IssueView] {
        let belongs = { (issue: DomainIssue) in issue.field == field || issue.field.hasPrefix(field + ".") || issue.field.hasPrefix(field + "[") }
        let mine = remaining.filter(belongs)
        remaining.removeAll(where: belongs)
        return mine.map(IssueView.init)
    }

    /// What no input took, for above the form.
    var rest: [IssueView] { remaining.map(IssueView.init) }

    /// The problems by the input they go beside (`input` names it from the problem's field, nil for one that goes
    /// above the form), and those above the form.
    static func sorted(_ issues: [DomainIssue], input: (String) -> String?) -> (beside: [String: [IssueView]], above: [IssueView]) {
        var beside: [String: [IssueView]] = [:]
        var above: [IssueView] = []
        for issue in issues {
            if let key = input(issue.field) { beside[key, default: []].append(IssueView(issue)) } else { above.append(IssueView(issue)) }
        }
        return (beside, above)
    }
}

/// The services' bilingual texts ("第五条第（四）项 / Art. 5(4)", a reason "中文 / English") as the pages show them.
enum Bilingual {
    /// The Chinese half: the page is in Chinese.
    static func chinese(_ text: String) -> String { text.components(separatedBy: " / ").first ?? text }
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

/// One choice of a select list or a group of radio buttons.
struct SelectOption {
    var value: String
    var label: String
    var selected: Bool
}

/// An application's attachment as the county's, the department's and the expert's pages list it: its name, type and
/// size, linked by its hash; when it was added, where the page shows that.
struct AttachmentRow {
    var sha: String
    var name: String
    var type: String
    var size: String
    var addedAt: String?

    init(sha256: String, fileName: String, mediaType: String, size bytes: Int, addedAt: Date? = nil) {
        sha = sha256
        name = fileName
        type = Self.typeName(mediaType)
        size = Self.size(bytes)
        self.addedAt = addedAt.map(Dates.instant)
    }

    static func typeName(_ mediaType: String) -> String {
        switch mediaType {
        case "application/pdf": "PDF"
        case "image/png": "PNG"
        case "image/jpeg": "JPEG"
        default: mediaType
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : String(format: "%.0f KB", max(1, Double(bytes) / 1024))
    }
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
        let pager = page(min(max(1, asked), pages), total: items.count, link: link)
        let start = (pager.page - 1) * size
        return (Array(items[start..<pager.to]), pager)
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
