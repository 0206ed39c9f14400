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
        guard !isSuccess else { return self }
        switch status {
        case 401, 403: throw PortalError.forbidden
        case 404: throw PortalError.notFound
        default: throw PortalError.refused(status: status, issues: problem?.errors ?? [])
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

    static func instant(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = BusinessCalendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

/// A value of a list page as the templates iterate it.
struct KeyValue {
    var key: String
    var value: String
}
