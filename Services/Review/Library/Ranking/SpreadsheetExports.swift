import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Spreadsheet
import StudioDomain

/// The ranking and the 公示 list as `.xlsx` workbooks for the department's staff (Excel, WPS): the same data and
/// the same role checks as the JSON endpoints they are built from.
struct SpreadsheetExports {
    let environment: ServiceEnvironment
    let database: ReviewDatabase
    let ranking: RankingController
    let decision: DecisionController

    /// Mounted at `rounds`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(":round/ranking.xlsx", use: rankingWorkbook)
            .get(":round/notice.xlsx", use: noticeWorkbook)
    }

    static func number(_ text: String?) -> XLSXValue {
        guard let text else { return .empty }
        return Double(text).map(XLSXValue.decimal) ?? .text(text)
    }

    static func day(_ date: LocalDate) -> XLSXValue {
        let parts = date.description.split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 ? .date(year: parts[0], month: parts[1], day: parts[2]) : .text(date.description)
    }

    static func response(_ bytes: [UInt8], filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: XLSXWriter.contentType,
                                        .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func rankingWorkbook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let view = try await ranking.ranking(request, context: context)
        let columns = [XLSXColumn("名次", width: 6), XLSXColumn("申报编号", width: 30, text: true), XLSXColumn("工作室名称", width: 36),
                       XLSXColumn("评分表数", width: 8), XLSXColumn("平均分", width: 10), XLSXColumn("去掉最高最低分后平均", width: 12),
                       XLSXColumn("标准化平均分", width: 12), XLSXColumn("最终得分", width: 10), XLSXColumn("拟推荐", width: 8),
                       XLSXColumn("说明", width: 40)]
        let rows: [[XLSXValue]] = view.lines.map { line in
            [.integer(Int64(line.rank)), .text(line.applicationId.rawValue), .text(line.studioName), .integer(Int64(line.sheets)),
             Self.number(line.mean), Self.number(line.trimmedMean), Self.number(line.normalisedMean), Self.number(line.final),
             .text(line.proposed ? "是" : "否"), line.reason.map(XLSXValue.text) ?? .empty]
        }
        let bytes = try XLSXWriter.write([XLSXSheet(name: "评审排名", columns: columns, rows: rows)])
        return Self.response(bytes, filename: "ranking-\(view.roundId).xlsx")
    }

    @Sendable func noticeWorkbook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let notice = try await decision.show(request, context: context)
        let applications = try await database.applications(notice.applicationIds)
        let bodies = ReferenceData.defaults
        let columns = [XLSXColumn("序号", width: 6), XLSXColumn("工作室名称", width: 36), XLSXColumn("申报单位", width: 36),
                       XLSXColumn("初审单位", width: 20), XLSXColumn("申报编号", width: 30, text: true),
                       XLSXColumn("公示开始", width: 12), XLSXColumn("公示结束", width: 12)]
        let rows: [[XLSXValue]] = zip(notice.applicationIds, applications).enumerated().map { index, pair in
            let (id, application) = pair
            let content = application?.content
            return [.integer(Int64(index + 1)), .text(content?.studio.name ?? ""), .text(content?.applicantUnit.name ?? ""),
                    .text(content.map { bodies.screeningBody(code: $0.screeningBodyCode)?.nameZh ?? $0.screeningBodyCode } ?? ""),
                    .text(id.rawValue), Self.day(notice.startsOn), Self.day(notice.endsOn)]
        }
        let bytes = try XLSXWriter.write([XLSXSheet(name: "公示名单", columns: columns, rows: rows)])
        return Self.response(bytes, filename: "notice-\(notice.roundId).xlsx")
    }
}
