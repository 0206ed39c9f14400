import Foundation
import Spreadsheet
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Granted, paid and outstanding money by year, by screening body or by grant kind, derived from the ledger.
enum GrantReport {
    enum Dimension: String, Sendable, CaseIterable {
        case year
        case screeningBody = "screening_body"
        case kind

        var column: String {
            switch self {
            case .year: "g.year"
            case .screeningBody: "g.screening_body_code"
            case .kind: "g.kind"
            }
        }

        var headerZh: String {
            switch self {
            case .year: "年度"
            case .screeningBody: "初审单位"
            case .kind: "补助类型"
            }
        }
    }

    struct Line: Codable, Sendable {
        var key: String
        var label: String
        var grantCount: Int
        var granted: Money
        var paid: Money
        var outstanding: Money
        var held: Money
        var cancelledCount: Int
    }

    struct Report: Codable, ResponseEncodable, Sendable {
        var by: String
        var lines: [Line]
        var total: Line
    }

    static func build(by dimension: Dimension, year: Int?, in db: Database) throws -> Report {
        let filter = year == nil ? "" : " WHERE g.year = \(year!)"
        let money = try Row.fetchAll(db, sql: """
            SELECT CAST(\(dimension.column) AS TEXT) AS key,
                   COALESCE(SUM(CASE l.kind WHEN 'granted' THEN l.amount_fen WHEN 'cancelled' THEN -l.amount_fen ELSE 0 END), 0) AS granted,
                   COALESCE(SUM(CASE l.kind WHEN 'paid' THEN l.amount_fen ELSE 0 END), 0) AS paid
            FROM funding_grant g LEFT JOIN ledger_entry l ON l.grant_id = g.id\(filter)
            GROUP BY key ORDER BY key
            """)
        let counts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
            SELECT CAST(\(dimension.column) AS TEXT) AS key,
                   SUM(g.status <> 'cancelled') AS live, SUM(g.status = 'cancelled') AS cancelled,
                   COALESCE(SUM(CASE WHEN g.status = 'held' THEN g.amount_fen ELSE 0 END), 0) AS held
            FROM funding_grant g\(filter) GROUP BY key
            """).map { ($0["key"] as String, $0) })
        let bodies = ReferenceData.defaults
        let lines = money.map { row -> Line in
            let key: String = row["key"]
            let granted = Money(fen: row["granted"]), paid = Money(fen: row["paid"])
            let label: String = switch dimension {
            case .year: "\(key)年"
            case .screeningBody: bodies.screeningBody(code: key)?.nameZh ?? key
            case .kind: GrantKind(rawValue: key)?.nameZh ?? key
            }
            let count = counts[key]
            return Line(key: key, label: label, grantCount: count?["live"] ?? 0, granted: granted, paid: paid, outstanding: granted - paid,
                        held: Money(fen: count?["held"] ?? 0), cancelledCount: count?["cancelled"] ?? 0)
        }
        let total = lines.reduce(Line(key: "total", label: "合计", grantCount: 0, granted: .zero, paid: .zero, outstanding: .zero, held: .zero, cancelledCount: 0)) {
            Line(key: "total", label: "合计", grantCount: $0.grantCount + $1.grantCount, granted: $0.granted + $1.granted, paid: $0.paid + $1.paid,
                 outstanding: $0.outstanding + $1.outstanding, held: $0.held + $1.held, cancelledCount: $0.cancelledCount + $1.cancelledCount)
        }
        return Report(by: dimension.rawValue, lines: lines, total: total)
    }

    static func csv(_ report: Report, dimension: Dimension) -> [UInt8] {
        let header = [dimension.headerZh, "补助笔数", "已承诺（元）", "已拨付（元）", "未拨付（元）", "暂缓（元）", "已取消笔数"]
        let rows = (report.lines + [report.total]).map { line -> [CSV.Field] in
            [.text(line.label), .raw(String(line.grantCount)), .raw(line.granted.yuanString), .raw(line.paid.yuanString),
             .raw(line.outstanding.yuanString), .raw(line.held.yuanString), .raw(String(line.cancelledCount))]
        }
        return CSV.write(header: header, rows: rows)
    }

    /// The same table as a workbook: counts as integers, yuan as numbers with two decimals.
    static func xlsx(_ report: Report, dimension: Dimension) throws -> [UInt8] {
        let columns = [dimension.headerZh, "补助笔数", "已承诺（元）", "已拨付（元）", "未拨付（元）", "暂缓（元）", "已取消笔数"]
            .enumerated().map { XLSXColumn($1, width: $0 == 0 ? 24 : 14) }
        func yuan(_ money: Money) -> XLSXValue { .decimal(Double(money.fen) / 100) }
        let rows = (report.lines + [report.total]).map { line -> [XLSXValue] in
            [.text(line.label), .integer(Int64(line.grantCount)), yuan(line.granted), yuan(line.paid), yuan(line.outstanding), yuan(line.held),
             .integer(Int64(line.cancelledCount))]
        }
        return try XLSXWriter.write([XLSXSheet(name: "补助统计", columns: columns, rows: rows)])
    }
}
