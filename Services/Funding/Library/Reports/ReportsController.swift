import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Spreadsheet
import StudioDomain

/// `GET /reports/grants?by=year|screening_body|kind[&year=2027][&format=csv|xlsx]`.
struct ReportsController {
    let database: FundingDatabase

    /// Mounted at `reports`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).get("grants", use: grants)
    }

    @Sendable func grants(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.department, .finance, .auditOffice)
        // Present means checked, even when empty
        let byText = request.uri.queryParameters["by"].map(String.init) ?? "year"
        guard let dimension = GrantReport.Dimension(rawValue: byText) else {
            throw Problem.invalid("report.dimension", field: "by", zh: "by 须为 year、screening_body 或 kind", en: "by must be year, screening_body or kind")
        }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" || format == "xlsx" else {
            throw Problem.invalid("report.format", field: "format", zh: "format 须为 json、csv 或 xlsx", en: "format must be json, csv or xlsx")
        }
        let year = try request.integerQuery("year")
        let report = try await database.grantReport(by: dimension, year: year)
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"grants-by-\(dimension.rawValue).csv\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: GrantReport.csv(report, dimension: dimension))))
        }
        if format == "xlsx" {
            return Response(status: .ok, headers: [.contentType: XLSXWriter.contentType,
                                                   .contentDisposition: "attachment; filename=\"grants-by-\(dimension.rawValue).xlsx\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: try GrantReport.xlsx(report, dimension: dimension))))
        }
        return try report.response(from: request, context: context)
    }
}
