import Foundation
import XCTest

/// One house (issue 14): a controller decodes, calls its service's database type and encodes; SQL lives in the
/// database types and records (`ReviewDatabase+*.swift`, `*Store`, `GrantRecord`), never in a controller.
final class NoSQLInControllersTests: XCTestCase {
    /// An SQL statement's keywords as the code writes them, or a GRDB call taking raw SQL.
    static let sql = try! NSRegularExpression(pattern: #"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b|\bsql\s*:"#)

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every `*Controller*.swift` of the services' libraries and of the shared kit (the operations API).
    static func controllers() throws -> [URL] {
        var found: [URL] = []
        for folder in ["Services", "Shared"] {
            guard let walker = FileManager.default.enumerator(at: repository.appendingPathComponent(folder), includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "swift" && url.lastPathComponent.contains("Controller")
                && (folder == "Shared" || url.path.contains("/Library/")) {
                found.append(url)
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    static func hits(in text: String) -> [Int] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let line = String(line)
            return sql.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) == nil ? nil : number + 1
        }
    }

    func testNoControllerOfAnyServiceContainsSQL() throws {
        // Given every controller of every service
        let files = try Self.controllers()
        XCTAssertGreaterThan(files.count, 20, "found the controllers under \(Self.repository.path)/Services")
        XCTAssertTrue(files.contains { $0.lastPathComponent == "DecisionController.swift" })
        XCTAssertTrue(files.contains { $0.lastPathComponent == "TokensController.swift" })
        // Then none holds an SQL statement
        var offending: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in Self.hits(in: text) {
                offending.append("\(file.path.replacingOccurrences(of: Self.repository.path + "/", with: "")):\(line)")
            }
        }
        XCTAssertEqual(offending, [], "SQL belongs in the service's database type or a record, not in a controller")
    }

    func testTheCheckRecognisesSQL() {
        // The check itself: statements and raw-SQL calls are found, ordinary words are not.
        XCTAssertEqual(Self.hits(in: #"try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM expert")"#), [1])
        XCTAssertEqual(Self.hits(in: "a\ntry db.execute(sql: q)\nDELETE FROM assignment"), [2, 3])
        XCTAssertEqual(Self.hits(in: "UPDATE objection SET upheld = ?"), [1])
        XCTAssertEqual(Self.hits(in: "/// Select the experts; update the panel and delete nothing.\nlet selected = 1"), [])
    }
}
