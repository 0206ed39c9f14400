import Foundation
import GRDB
import Messaging
import PlatformClient

/// The four real binaries in a temporary data folder, wired as `deploy/platform.sh` wires them (a
/// subscription with its own secret for each of the 12 sender → receiver pairs, one token per role on
/// every service), in demo-clock mode with the tests' fast retry schedule. Used by the crash and backup
/// tests; the end-to-end scenario test does the same inline.
final class LivePlatform {
    static let services = ["intake", "review", "funding", "assessment"]

    let root: String
    let processes: [String: ServiceProcess]
    private(set) var tokens: [Platform.Role: String] = [:]

    init(prefix: String) throws {
        root = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let arguments = ["--demo-clock", "--retry-schedule", WiredPair.testRetrySchedule]
        var processes: [String: ServiceProcess] = [:]
        for name in Self.services { processes[name] = ServiceProcess(name: name, dataDir: root, extraArguments: arguments) }
        self.processes = processes
        for sender in Self.services {
            for receiver in Self.services where receiver != sender {
                let secret = WebhookSecret.generate().encoded
                try processes[sender]!.admin(["subscription", "wire", "--peer", receiver, "--url", processes[receiver]!.baseURL + "/events", "--secret", secret])
                try processes[receiver]!.admin(["inbound-secret", "add", "--source", sender, "--secret", secret])
            }
        }
        for role in Platform.Role.allCases {
            let token = "qzs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "") + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            for name in Self.services {
                try processes[name]!.admin(["token", "add", "--role", role.rawValue, "--token", token, "--label", "live \(role.rawValue)"])
            }
            tokens[role] = token
        }
    }

    func start() throws { for name in Self.services { try processes[name]!.start() } }
    func stop() { for name in Self.services { processes[name]!.stop() } }

    var platform: Platform {
        Platform(baseURLs: [.intake: processes["intake"]!.baseURL, .review: processes["review"]!.baseURL,
                            .funding: processes["funding"]!.baseURL, .assessment: processes["assessment"]!.baseURL],
                 tokens: tokens)
    }

    func databasePath(_ name: String, in folder: String? = nil) -> String {
        ((folder ?? root) as NSString).appendingPathComponent("\(name).sqlite")
    }

    /// Waits until every outbox is empty and nothing is dead, twice in a row (an event caused by a delivery
    /// between two reads is not missed). Returns the last snapshot; throws after the timeout.
    @discardableResult
    func drain(timeout: TimeInterval) throws -> [String: [String: Any]] {
        let client = PlatformClient()
        let deadline = Date().addingTimeInterval(timeout)
        var queues: [String: [String: Any]] = [:]
        var quiet = 0
        while true {
            var complete = true
            for name in Self.services {
                if let reply = try? client.call("GET", processes[name]!.baseURL + "/ops/queue", token: tokens[.operator]), reply.status == 200 {
                    queues[name] = reply.object
                } else {
                    complete = false
                }
            }
            let pending = queues.values.reduce(0) { $0 + ($1["pending"] as? Int ?? 1) }
            let dead = queues.values.reduce(0) { $0 + ($1["dead"] as? Int ?? 1) }
            quiet = complete && pending == 0 && dead == 0 ? quiet + 1 : 0
            if quiet == 2 { return queues }
            if dead > 0 { throw HarnessError("dead letters: \(queues)") }
            if Date() > deadline { throw HarnessError("queues did not drain in \(Int(timeout)) s (pending \(pending)): \(queues)") }
            usleep(200_000)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Read-only checks on the four SQLite files of a platform (or of a restored backup).
enum PlatformChecks {
    static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    struct MessagingTally {
        var delivered = 0
        /// Deliveries not succeeded, or succeeded but absent from the receiver's inbox.
        var lost = 0
        /// The same (source, aggregate, sequence) in a receiver's inbox more than once, or inbox rows the sender never sent there.
        var duplicated = 0
        var dead = 0
        var problems: [String] = []
    }

    /// For every sender and subscription: each delivery succeeded and its message is exactly once in the
    /// receiver's inbox; each (source, aggregate) in the receiver's inbox holds exactly the sequences the
    /// sender delivered to it (no gap, nothing extra), and `inbox_aggregate` points at the last one.
    static func messaging(databases: [String: DatabaseQueue], ports: [String: Int]) throws -> MessagingTally {
        var tally = MessagingTally()
        let serviceByPort = Dictionary(uniqueKeysWithValues: ports.map { ($0.value, $0.key) })
        struct Sent { var messageID: String; var aggregate: String; var sequence: Int64; var status: String }
        // receiver → source → deliveries
        var sentTo: [String: [String: [Sent]]] = [:]
        for (sender, database) in databases {
            try database.read { db in
                let subscriptions = try Row.fetchAll(db, sql: "SELECT id, name, url FROM subscription")
                for subscription in subscriptions {
                    let url: String = subscription["url"]
                    guard let port = URLComponents(string: url)?.port, let receiver = serviceByPort[port] else {
                        tally.problems.append("\(sender): subscription \(subscription["name"] as String) points at \(url), no service there"); continue
                    }
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT d.message_id, d.aggregate, d.sequence, d.status, m.id AS message FROM delivery d
                        LEFT JOIN outbox_message m ON m.id = d.message_id WHERE d.subscription_id = ?
                        """, arguments: [subscription["id"] as String])
                    for row in rows {
                        if (row["message"] as String?) == nil { tally.problems.append("\(sender): delivery of a missing message \(row["message_id"] as String)") }
                        sentTo[receiver, default: [:]][sender, default: []].append(
                            Sent(messageID: row["message_id"], aggregate: row["aggregate"], sequence: row["sequence"], status: row["status"]))
                    }
                    let perMessage = try Int.fetchOne(db, sql: """
                        SELECT COUNT(*) FROM (SELECT message_id FROM delivery WHERE subscription_id = ? GROUP BY message_id HAVING COUNT(*) > 1)
                        """, arguments: [subscription["id"] as String]) ?? 0
                    if perMessage > 0 { tally.problems.append("\(sender)→\(receiver): \(perMessage) messages with two deliveries") }
                }
            }
        }
        for (receiver, database) in databases {
            try database.read { db in
                let inbox = try Row.fetchAll(db, sql: "SELECT webhook_id, source, aggregate, sequence FROM inbox_message")
                var ids: [String: Set<String>] = [:]
                var sequences: [String: [String: [Int64]]] = [:]
                for row in inbox {
                    let source: String = row["source"]
                    ids[source, default: []].insert(row["webhook_id"])
                    sequences[source, default: [:]][row["aggregate"], default: []].append(row["sequence"])
                }
                let lastApplied = Dictionary(try Row.fetchAll(db, sql: "SELECT source, aggregate, last_sequence FROM inbox_aggregate").map {
                    ("\($0["source"] as String)|\($0["aggregate"] as String)", $0["last_sequence"] as Int64)
                }, uniquingKeysWith: max)
                for source in Set(sentTo[receiver]?.keys.map { $0 } ?? []).union(ids.keys) {
                    let sent = sentTo[receiver]?[source] ?? []
                    let sentIDs = Set(sent.map(\.messageID))
                    for delivery in sent {
                        switch delivery.status {
                        case "succeeded":
                            tally.delivered += 1
                            if !(ids[source]?.contains(delivery.messageID) ?? false) {
                                tally.lost += 1
                                if tally.problems.count < 20 { tally.problems.append("\(source)→\(receiver): \(delivery.messageID) succeeded but is not in the inbox") }
                            }
                        case "dead": tally.dead += 1
                        default:
                            tally.lost += 1
                            if tally.problems.count < 20 { tally.problems.append("\(source)→\(receiver): \(delivery.messageID) still \(delivery.status)") }
                        }
                    }
                    let extra = (ids[source] ?? []).subtracting(sentIDs)
                    tally.duplicated += extra.count
                    if !extra.isEmpty { tally.problems.append("\(receiver) holds \(extra.count) messages from \(source) that \(source) never sent it") }
                    var expected: [String: [Int64]] = [:]
                    for delivery in sent { expected[delivery.aggregate, default: []].append(delivery.sequence) }
                    for (aggregate, got) in sequences[source] ?? [:] {
                        let unique = Set(got)
                        if unique.count != got.count { tally.duplicated += got.count - unique.count }
                        if unique != Set(expected[aggregate] ?? []) {
                            tally.problems.append("\(source)→\(receiver) \(aggregate): inbox sequences \(got.sorted()) vs delivered \((expected[aggregate] ?? []).sorted())")
                        }
                        if lastApplied["\(source)|\(aggregate)"] != got.max() {
                            tally.problems.append("\(source)→\(receiver) \(aggregate): inbox_aggregate says \(lastApplied["\(source)|\(aggregate)"] ?? -1), inbox max \(got.max() ?? -1)")
                        }
                    }
                }
            }
        }
        return tally
    }

    /// The cross-service agreement after a naming year (as in the end-to-end test): named ≤ quota; every
    /// named studio in assessment's register, active, with a plaque; exactly one paid 10,000-yuan naming
    /// grant per named studio and no other; intake's status = review's for every application; intake's
    /// replica of the register = the named studios. Returns what does not hold.
    static func crossService(intake: DatabaseQueue, review: DatabaseQueue, funding: DatabaseQueue, assessment: DatabaseQueue) throws -> [String] {
        var problems: [String] = []
        struct Outcome: Decodable { var applicationId: String; var status: String; var studioId: String? }
        let (decisions, quotas, reviewStatus) = try review.read { db -> ([String: [Outcome]], [String: Int], [String: String]) in
            var decisions: [String: [Outcome]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT round_id, outcomes FROM round_decision") {
                decisions[row["round_id"]] = try JSONDecoder().decode([Outcome].self, from: Data((row["outcomes"] as String).utf8))
            }
            let quotas = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, quota FROM review_round").map { ($0["id"] as String, $0["quota"] as Int) })
            let statuses = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM review_application").map { ($0["id"] as String, $0["status"] as String) })
            return (decisions, quotas, statuses)
        }
        let named = decisions.values.flatMap { $0 }.filter { $0.status == "named" }
        if named.isEmpty { problems.append("nobody was named") }
        for (round, outcomes) in decisions where outcomes.filter({ $0.status == "named" }).count > quotas[round] ?? 0 {
            problems.append("round \(round) named \(outcomes.filter { $0.status == "named" }.count) over its quota \(quotas[round] ?? 0)")
        }
        let register = try assessment.read { db in try Row.fetchAll(db, sql: "SELECT id, application_id, status, plaque_number, origin FROM studio") }
        let registerByID = Dictionary(register.map { ($0["id"] as String, $0) }, uniquingKeysWith: { a, _ in a })
        for outcome in named {
            guard let studio = outcome.studioId, let row = registerByID[studio] else { problems.append("named \(outcome.applicationId) is not in the register"); continue }
            if row["application_id"] as String? != outcome.applicationId { problems.append("register \(studio) has another application") }
            if row["status"] as String != "active" { problems.append("register \(studio) is \(row["status"] as String)") }
            if (row["plaque_number"] as String?) == nil { problems.append("register \(studio) has no plaque") }
        }
        let registered = register.filter { ($0["origin"] as String) == "naming" }.count
        if registered != named.count { problems.append("assessment registered \(registered) named studios, review named \(named.count)") }
        let grants = try funding.read { db in try Row.fetchAll(db, sql: "SELECT studio_id, kind, amount_fen, status, source_application_id FROM funding_grant") }
        for outcome in named {
            let mine = grants.filter { ($0["studio_id"] as String) == outcome.studioId && ($0["kind"] as String) == "naming" }
            guard mine.count == 1, let grant = mine.first else { problems.append("studio \(outcome.studioId ?? "-") has \(mine.count) naming grants"); continue }
            if grant["amount_fen"] as Int != 1_000_000 { problems.append("studio \(outcome.studioId ?? "-") grant of \(grant["amount_fen"] as Int) fen") }
            if grant["status"] as String != "paid" { problems.append("studio \(outcome.studioId ?? "-") grant is \(grant["status"] as String)") }
            if grant["source_application_id"] as String != outcome.applicationId { problems.append("studio \(outcome.studioId ?? "-") grant for another application") }
        }
        if grants.count != named.count { problems.append("funding holds \(grants.count) grants for \(named.count) named studios") }
        let paidLedger = try funding.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'paid'") ?? 0 }
        if paidLedger != named.count { problems.append("\(paidLedger) paid ledger entries for \(named.count) named studios") }
        problems += try ledger(funding)
        let intakeStatus = try intake.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM intake_application").map { ($0["id"] as String, $0["status"] as String) })
        }
        if Set(intakeStatus.keys) != Set(reviewStatus.keys) { problems.append("intake holds \(intakeStatus.count) applications, review \(reviewStatus.count)") }
        let disagreeing = reviewStatus.filter { intakeStatus[$0.key] != $0.value }
        if !disagreeing.isEmpty { problems.append("\(disagreeing.count) applications where intake's status differs from review's, e.g. \(disagreeing.first!)") }
        for outcome in decisions.values.flatMap({ $0 }) where intakeStatus[outcome.applicationId] != outcome.status {
            problems.append("application \(outcome.applicationId): intake \(intakeStatus[outcome.applicationId] ?? "-"), decision \(outcome.status)")
        }
        let replica = try intake.read { db in Set(try String.fetchAll(db, sql: "SELECT studio_id FROM intake_studio")) }
        if replica != Set(named.compactMap(\.studioId)) { problems.append("intake's studio replica (\(replica.count)) differs from the named studios (\(named.count))") }
        return problems
    }

    /// Funding's books on their own: per grant, granted (minus cancelled) and paid agree with its status;
    /// paid never exceeds granted; amounts are positive.
    static func ledger(_ funding: DatabaseQueue) throws -> [String] {
        try funding.read { db in
            var problems: [String] = []
            let rows = try Row.fetchAll(db, sql: """
                SELECT g.id, g.status, g.amount_fen,
                  COALESCE(SUM(CASE l.kind WHEN 'granted' THEN l.amount_fen WHEN 'cancelled' THEN -l.amount_fen ELSE 0 END), 0) AS granted,
                  COALESCE(SUM(CASE l.kind WHEN 'paid' THEN l.amount_fen ELSE 0 END), 0) AS paid,
                  COALESCE(SUM(CASE WHEN l.amount_fen <= 0 THEN 1 ELSE 0 END), 0) AS nonpositive
                FROM funding_grant g LEFT JOIN ledger_entry l ON l.grant_id = g.id GROUP BY g.id
                """)
            for row in rows {
                let id: String = row["id"], status: String = row["status"], amount: Int = row["amount_fen"]
                let granted: Int = row["granted"], paid: Int = row["paid"]
                let expected: (Int, Int) = switch status {
                case "held", "cancelled": (0, 0)
                case "scheduled", "approved": (amount, 0)
                case "paid": (amount, amount)
                default: (-1, -1)
                }
                if (granted, paid) != expected { problems.append("grant \(id) (\(status), \(amount) fen): ledger granted \(granted), paid \(paid)") }
                if (row["nonpositive"] as Int) > 0 { problems.append("grant \(id) has a ledger entry of zero or less") }
            }
            let orphans = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE grant_id NOT IN (SELECT id FROM funding_grant)") ?? 0
            if orphans > 0 { problems.append("\(orphans) ledger entries of no grant") }
            return problems
        }
    }
}
