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

    /// The services whose controllers call a database type (`ReviewDatabase`, `FundingDatabase`, `AssessmentDatabase`,
    /// `IntakeDatabase`): a transaction is one of its methods, so no controller opens one (`{ db in`) or reaches for the writer.
    static let servicesWithADatabaseType = ["Review", "Funding", "Assessment", "Intake"]

    func testNoControllerOfAServiceWithADatabaseTypeOpensATransaction() throws {
        // Given the controllers of the services that have a database type
        let files = try Self.controllers().filter { url in Self.servicesWithADatabaseType.contains { url.path.contains("/Services/\($0)/") } }
        XCTAssertTrue(files.contains { $0.lastPathComponent == "GrantsController.swift" })
        XCTAssertTrue(files.contains { $0.lastPathComponent == "RevocationController.swift" })
        XCTAssertTrue(files.contains { $0.lastPathComponent == "ApplicationsController.swift" })
        // Then none opens a transaction or touches the environment's writer itself
        let transaction = try NSRegularExpression(pattern: #"\bdb\s+in\b|environment\.database\b|\.writer\.(read|write)\b"#)
        var offending: [String] = []
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where transaction.firstMatch(in: String(line), range: NSRange(line.startIndex..., in: line)) != nil {
                offending.append("\(file.lastPathComponent):\(number + 1)")
            }
        }
        XCTAssertEqual(offending, [], "a transaction is a method of the service's database type, not a closure in a controller")
    }

    /// Funding and assessment mount their routes only from controllers: no route list hides in a file the checks above do not read.
    func testFundingAndAssessmentMountRoutesOnlyFromControllers() throws {
        var mounting: [String] = []
        for service in ["Funding", "Assessment"] {
            let folder = Self.repository.appendingPathComponent("Services/\(service)/Library")
            guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { XCTFail("no \(folder.path)"); continue }
            for case let url as URL in walker where url.pathExtension == "swift" && !url.lastPathComponent.contains("Controller") {
                let text = try String(contentsOf: url, encoding: .utf8)
                if text.contains("RouteCollection(") || text.contains("router.get(") || text.contains("router.post(") { mounting.append(url.lastPathComponent) }
            }
        }
        XCTAssertEqual(mounting, [])
    }

    func testTheCheckRecognisesSQL() {
        // The check itself: statements and raw-SQL calls are found, ordinary words are not.
        XCTAssertEqual(Self.hits(in: #"try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM expert")"#), [1])
        XCTAssertEqual(Self.hits(in: "a\ntry db.execute(sql: q)\nDELETE FROM assignment"), [2, 3])
        XCTAssertEqual(Self.hits(in: "UPDATE objection SET upheld = ?"), [1])
        XCTAssertEqual(Self.hits(in: "/// Select the experts; update the panel and delete nothing.\nlet selected = 1"), [])
    }
}
