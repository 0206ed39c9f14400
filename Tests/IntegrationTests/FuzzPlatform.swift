import Foundation
import PlatformClient
import GRDB
import Messaging

/// The four real binaries, not wired to each other, in a temporary folder, with one token per role valid
/// on all four (a screening body as 330802 柯城区, an expert as E1): what the hostile-input and
/// schemathesis tests aim at.
final class FuzzPlatform {
    static let services = ["intake", "review", "funding", "assessment"]
    static let roles = ["screening_body", "department", "expert", "federation", "finance", "audit_office", "operator"]

    let root: String
    let processes: [String: ServiceProcess]
    private(set) var tokens: [String: String] = [:]

    init(prefix: String) throws {
        root = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var processes: [String: ServiceProcess] = [:]
        // Demo and test mode: /ops/clock, which the documents describe, is routed (the operations passes run last).
        for name in Self.services { processes[name] = ServiceProcess(name: name, dataDir: root, extraArguments: ["--demo-clock"]) }
        self.processes = processes
        for role in Self.roles {
            let token = "qzs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "") + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let subject: [String] = role == "screening_body" ? ["--subject", "330802"] : role == "expert" ? ["--subject", "E1"] : []
            for name in Self.services {
                try processes[name]!.admin(["token", "add", "--role", role, "--token", token, "--label", "fuzz \(role)"] + subject)
            }
            tokens[role] = token
        }
    }

    func start() throws { for name in Self.services { try processes[name]!.start() } }

    func stop() { for name in Self.services { processes[name]!.stop() } }

    func url(_ service: String) -> String { processes[service]!.baseURL }

    /// Rows of `table` in the service's SQLite file, read while the service runs (WAL).
    func count(_ service: String, _ table: String) throws -> Int {
        let queue = try DatabaseQueue(path: (root as NSString).appendingPathComponent("\(service).sqlite"), configuration: {
            var configuration = Configuration()
            configuration.readonly = true
            return configuration
        }())
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// Whether `table` exists in the service's database.
    func tableExists(_ service: String, _ table: String) throws -> Bool {
        let queue = try DatabaseQueue(path: (root as NSString).appendingPathComponent("\(service).sqlite"), configuration: {
            var configuration = Configuration()
            configuration.readonly = true
            return configuration
        }())
        return try queue.read { db in try db.tableExists(table) }
    }

    /// Every file under the data folder, relative to it.
    func files() -> Set<String> {
        Set(FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
    }

    func cleanUp(keep: Bool) {
        stop()
        if keep { print("fuzz data and logs kept in \(root)") } else { try? FileManager.default.removeItem(atPath: root) }
    }
}
