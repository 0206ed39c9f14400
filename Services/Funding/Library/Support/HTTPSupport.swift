import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

extension GrantView: ResponseEncodable {}
extension Budgets.Standing: ResponseEncodable {}

/// The pieces every funding controller shares.
struct FundingContext: Sendable {
    let environment: ServiceEnvironment
    let settings: FundingSettings

    var database: any DatabaseWriter { environment.database }
    var moment: Moment { Moment(environment.now()) }

    /// Brings due/overdue marks and inspection schedules up to date before a write that depends on them (a payment
    /// batch). Reads never call it: `FundingSchedulerService` keeps the marks current, and `POST /ops/clock` runs it
    /// after moving business time (`FundingModule.clockMovedHooks`).
    func runScheduler() async throws {
        let moment = self.moment
        let settings = self.settings
        try await database.write { db in
            _ = try FundingScheduler.run(today: moment.today, settings: settings, at: moment.millis, in: db)
        }
    }
}

extension AppRequestContext {
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

extension Request {
    /// Like `decodeJSON`, but an empty body is nil (for endpoints whose body is optional).
    func decodeOptionalJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T? {
        var request = self
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try await request.decodeJSON(T.self, context: context)
    }
}
