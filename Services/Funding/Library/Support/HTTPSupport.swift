import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

extension GrantView: ResponseEncodable {}
extension Budgets.Standing: ResponseEncodable {}

extension AppRequestContext {
    func grantID() throws -> GrantID { try identifier("id") }
    func studioID() throws -> StudioID { try identifier("studioId") }

    func pathYear() throws -> Int {
        let text = try parameters.require("year")
        guard let year = Int(text), (2016...9999).contains(year) else {
            throw Problem.invalid("year.invalid", field: "year", zh: "年度须为 2016 至 9999 之间的整数", en: "year must be an integer from 2016 to 9999")
        }
        return year
    }
}

/// Validates a date string field, collecting the issue.
func parseDate(_ text: String?, field: String, required: Bool = true, into issues: inout [DomainIssue]) -> LocalDate? {
    guard let text, !text.isEmpty else {
        if required { issues.append(DomainIssue(code: "field.missing", field: field, messageZh: "缺少日期 \(field)", messageEn: "\(field) is required")) }
        return nil
    }
    guard let date = LocalDate(text) else {
        issues.append(DomainIssue(code: "date.invalid", field: field, messageZh: "\(field) 须为 YYYY-MM-DD 格式的有效日期", messageEn: "\(field) must be a valid date YYYY-MM-DD"))
        return nil
    }
    return date
}
