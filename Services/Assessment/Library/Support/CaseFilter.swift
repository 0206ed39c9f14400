import Foundation
import GRDB
import Hummingbird
import ServiceKit

/// What the department and the federation look their case lists up by (revocation cases, change reports,
/// demonstration acceptances): the status, the studio, the studio's name and unit (substrings), its county, the
/// year. Read strictly from the query: an unknown status or a bad year is a 400 naming the parameter.
struct CaseFilter: Sendable {
    var status: String?
    var studioId: String?
    var name: String?
    var unit: String?
    var screeningBody: String?
    var year: Int?

    init(_ request: Request, statuses: [String]) throws {
        func text(_ name: String) -> String? {
            request.uri.queryParameters[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        status = try QueryValues.oneOf(request, "status", statuses)
        studioId = text("studioId")
        name = text("name")
        unit = text("unit")
        screeningBody = text("screeningBody")
        year = try QueryValues.year(request)
    }

    /// One page of `table`'s rows matching the filter, in the order of `order` (ascending columns, the last one
    /// unique), keyset-paged over them (`PageRequest`, a cursor of as many parts as `order` has columns); `yearColumn`
    /// is a `YYYY-MM-DD` text column or, with `yearIsInteger`, an integer year. And how many match in all.
    func page<Item>(_ table: String, order: [(column: String, integer: Bool)], yearColumn: String, yearIsInteger: Bool = false,
                    page: PageRequest, in db: Database, as view: (Row) throws -> Item) throws -> (items: [Item], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status { conditions.append("status = ?"); arguments.append(status) }
        if let studioId { conditions.append("studio_id = ?"); arguments.append(studioId) }
        var studio: [String] = []
        if let name { studio.append("instr(studio_name, ?) > 0"); arguments.append(name) }
        if let unit { studio.append("instr(unit_name, ?) > 0"); arguments.append(unit) }
        if let screeningBody { studio.append("screening_body_code = ?"); arguments.append(screeningBody) }
        if !studio.isEmpty { conditions.append("studio_id IN (SELECT id FROM studio WHERE \(studio.joined(separator: " AND ")))") }
        if let year {
            if yearIsInteger { conditions.append("\(yearColumn) = ?"); arguments.append(year) } else {
                conditions.append("substr(\(yearColumn), 1, 4) = ?"); arguments.append(String(format: "%04d", year))
            }
        }
        let filtered = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)" + filtered, arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            var values: [(any DatabaseValueConvertible)?] = []
            for (part, key) in zip(after, order) {
                if key.integer {
                    guard let number = Int64(part) else { throw QueryValues.invalidCursor }
                    values.append(number)
                } else {
                    values.append(part)
                }
            }
            let columns = order.map(\.column).joined(separator: ", ")
            conditions.append("(\(columns)) > (\(Array(repeating: "?", count: order.count).joined(separator: ", ")))")
            arguments += values
        }
        let sql = "SELECT * FROM \(table)" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY " + order.map(\.column).joined(separator: ", ") + " LIMIT ?"
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + [page.limit + 1]))
        let (items, next) = page.page(rows) { row in order.map { key in key.integer ? String(row[key.column] as Int64) : row[key.column] as String } }
        return (try items.map(view), next, total)
    }
}

extension PageRequest {
    /// One page of a list already filtered and sorted in memory (one whose order or fields are derived, as the
    /// register's standing is): the items after the cursor's key, `key` giving each item's sort key as text parts
    /// that compare, part by part as text, in the list's order (dates as `YYYY-MM-DD`, the id last).
    func page<Item>(sorted items: [Item], key: (Item) -> [String]) -> (items: [Item], nextCursor: String?) {
        let rest = after.map { cursor in items.drop { !cursor.lexicographicallyPrecedes(key($0)) } } ?? items[...]
        return page(Array(rest.prefix(limit + 1)), key: key)
    }
}
