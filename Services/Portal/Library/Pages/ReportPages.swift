import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// 统计报表: what a leader asks the department for, per year and per county (screening body): applications
/// submitted, studios named, grants and money paid, end-of-cycle assessments passed and failed. Read with the
/// department's own tokens from the three services that own the figures (intake's applications, assessment's
/// register and notices, funding's grant report); shown as tables and as bar charts drawn on the server (SVG, no
/// script), and downloadable as CSV. The portal counts what the services list; it decides nothing.
///
/// An assessment passed is counted in the year its next cycle began (`cycle.number` ≥ 2 on the register); one failed
/// in the year of its public notice (通报, reason `assessmentFailed`), the only place the register publishes it.
struct ReportPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.department])
        routes.get("", use: page)
        routes.get("report.csv", use: csv)
        return routes
    }

    struct Application: Decodable { var screeningBodyCode: String; var submittedOn: LocalDate? }
    struct Studio: Decodable {
        var id: String; var namedOn: LocalDate; var level: String; var cycle: StudioCycle; var screeningBody: Body
        struct Body: Decodable { var code: String; var nameZh: String? }
    }
    struct Notice: Decodable { var studioId: String; var kind: String; var reason: String; var publishedOn: LocalDate }
    struct GrantLine: Decodable { var key: String; var label: String; var grantCount: Int; var granted: Money; var paid: Money }
    struct GrantReport: Decodable { var lines: [GrantLine] }

    /// One row of either table.
    struct Line {
        var key: String
        var label: String
        var applications = 0
        var named = 0
        var grants = 0
        var granted = Money.zero
        var paid = Money.zero
        var passed = 0
        var failed = 0
    }

    struct Tables { var byYear: [Line]; var byCounty: [Line] }

    func tables(_ context: PortalContext) async throws -> Tables {
        // Every page of the paged lists: the tables count them all.
        async let applicationsReply = gateway.all(.intake, "/applications", token: context.token(.intake), as: Application.self)
        async let studiosReply = gateway.all(.assessment, "/studios", token: context.token(.assessment), as: Studio.self)
        async let noticesReply = gateway.all(.assessment, "/public/notices", token: nil, as: Notice.self)
        async let yearsReply = gateway.get(.funding, "/reports/grants?by=year", token: context.token(.funding))
        async let countiesReply = gateway.get(.funding, "/reports/grants?by=screening_body", token: context.token(.funding))
        let applications = try await applicationsReply.filter { $0.submittedOn != nil }
        let studios = try await studiosReply
        let notices = try await noticesReply
        let grantYears = try await yearsReply.orFail().decode(GrantReport.self).lines
        let grantCounties = try await countiesReply.orFail().decode(GrantReport.self).lines

        var years: [String: Line] = [:], counties: [String: Line] = [:]
        var countyNames: [String: String] = [:]
        for studio in studios { if let name = studio.screeningBody.nameZh { countyNames[studio.screeningBody.code] = name } }
        func year(_ key: String, _ change: (inout Line) -> Void) { change(&years[key, default: Line(key: key, label: "\(key)年")]) }
        func county(_ key: String, _ change: (inout Line) -> Void) { change(&counties[key, default: Line(key: key, label: countyNames[key] ?? key)]) }
        for application in applications {
            year(String(application.submittedOn!.year)) { $0.applications += 1 }
            county(application.screeningBodyCode) { $0.applications += 1 }
        }
        let bodyOf = Dictionary(studios.map { ($0.id, $0.screeningBody.code) }, uniquingKeysWith: { first, _ in first })
        for studio in studios where studio.level == "city" {
            year(String(studio.namedOn.year)) { $0.named += 1 }
            county(studio.screeningBody.code) { $0.named += 1 }
        }
        for studio in studios where studio.cycle.number >= 2 {
            year(String(studio.cycle.start.year)) { $0.passed += Int(1) }
            county(studio.screeningBody.code) { $0.passed += 1 }
        }
        for notice in notices where notice.kind == "revocation" && notice.reason == RevocationReason.assessmentFailed.rawValue {
            year(String(notice.publishedOn.year)) { $0.failed += 1 }
            if let body = bodyOf[notice.studioId] { county(body) { $0.failed += 1 } }
        }
        for line in grantYears { year(line.key) { $0.grants = line.grantCount; $0.granted = line.granted; $0.paid = line.paid } }
        for line in grantCounties { county(line.key) { $0.grants = line.grantCount; $0.granted = line.granted; $0.paid = line.paid } }
        return Tables(byYear: years.values.sorted { $0.key < $1.key }, byCounty: counties.values.sorted { $0.key < $1.key })
    }

    struct Row { var label: String; var applications: Int; var named: Int; var grants: Int; var granted: String; var paid: String; var passed: Int; var failed: Int }

    struct Chart {
        var title: String
        var width: Int
        var height: Int
        var bars: [Bar]
        var empty: Bool
        struct Bar { var x: Int; var y: Int; var width: Int; var height: Int; var label: String; var value: String; var labelX: Int; var labelY: Int; var valueY: Int }
    }

    /// A bar chart drawn on the server: one bar per line, scaled to the largest value.
    static func chart(_ title: String, _ lines: [Line], value: (Line) -> Int64, format: (Int64) -> String) -> Chart {
        let barWidth = 56, gap = 22, top = 24, plot = 180
        let largest = max(1, lines.map(value).max() ?? 1)
        let bars = lines.enumerated().map { index, line -> Chart.Bar in
            let height = Int(Double(value(line)) / Double(largest) * Double(plot))
            let x = 40 + index * (barWidth + gap)
            return Chart.Bar(x: x, y: top + plot - height, width: barWidth, height: max(height, value(line) > 0 ? 2 : 0),
                             label: line.label.count > 7 ? String(line.label.prefix(6)) + "…" : line.label, value: format(value(line)),
                             labelX: x + barWidth / 2, labelY: top + plot + 18, valueY: max(14, top + plot - height - 6))
        }
        return Chart(title: title, width: max(320, 40 + lines.count * (barWidth + gap) + 20), height: top + plot + 32, bars: bars, empty: lines.isEmpty)
    }

    struct View { var byYear: [Row]; var byCounty: [Row]; var charts: [Chart] }

    @Sendable func page(_ request: Request, context: PortalContext) async throws -> Response {
        let tables = try await tables(context)
        func rows(_ lines: [Line]) -> [Row] {
            lines.map { Row(label: $0.label, applications: $0.applications, named: $0.named, grants: $0.grants, granted: FinancePages.yuan($0.granted),
                            paid: FinancePages.yuan($0.paid), passed: $0.passed, failed: $0.failed) }
        }
        let wan: (Int64) -> String = { fen in fen % 1_000_000 == 0 ? "\(fen / 1_000_000)万" : String(format: "%.1f万", Double(fen) / 1_000_000) }
        let charts = [
            Self.chart("各年度拨付金额（元）", tables.byYear, value: { $0.paid.fen }, format: wan),
            Self.chart("各年度命名工作室数", tables.byYear, value: { Int64($0.named) }, format: { "\($0)" }),
            Self.chart("各初审单位申报数", tables.byCounty, value: { Int64($0.applications) }, format: { "\($0)" }),
        ]
        return renderer.html("reports", title: "统计报表", view: View(byYear: rows(tables.byYear), byCounty: rows(tables.byCounty), charts: charts), context: context)
    }

    @Sendable func csv(_ request: Request, context: PortalContext) async throws -> Response {
        let tables = try await tables(context)
        let byCounty = request.uri.queryParameters["by"] == "county"
        func cell(_ text: String) -> String { text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text }
        var text = "\u{FEFF}" + [byCounty ? "初审单位" : "年度", "申报数", "命名数", "补助笔数", "补助金额（元）", "已拨付（元）", "考核合格", "考核不合格"].joined(separator: ",") + "\r\n"
        for line in byCounty ? tables.byCounty : tables.byYear {
            text += [cell(byCounty ? line.label : line.key), "\(line.applications)", "\(line.named)", "\(line.grants)", line.granted.yuanString,
                     line.paid.yuanString, "\(line.passed)", "\(line.failed)"].joined(separator: ",") + "\r\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"report-by-\(byCounty ? "county" : "year").csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
