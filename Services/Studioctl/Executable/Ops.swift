import ArgumentParser
import Foundation
import GRDB
import Messaging
import PlatformClient

/// `studioctl status`: each service's readiness and webhook queue.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Readiness and queue depth of the four services.",
        discussion: "Exits 1 when a service is not ready, holds dead letters or refuses the operator token; 2 when a service cannot be reached.")
    @OptionGroup var common: Common

    func run() throws {
        let session = try common.session()
        let token = try session.token(.operator)
        var rows: [[String: Any]] = []
        var healthy = true
        var reached = 0
        for service in Platform.Service.allCases {
            let url = session.platform.url(service)
            let readyReply = try? session.client.call("GET", url + "/ready", token: nil)
            if readyReply != nil { reached += 1 }
            let ready = readyReply?.status == 200
            let queueReply = try? session.client.call("GET", url + "/ops/queue", token: token)
            let queue = queueReply?.status == 200 ? queueReply?.object ?? [:] : [:]
            // Unhealthy: not ready, dead letters, or a queue that cannot be read (e.g. a refused token).
            healthy = healthy && ready && queue["dead"] as? Int == 0
            rows.append(["service": service.rawValue, "url": url, "ready": ready,
                         "pending": queue["pending"] as? Int ?? -1, "dead": queue["dead"] as? Int ?? -1])
        }
        if common.json {
            printJSON(rows)
        } else {
            var table = Table("service", "ready", "pending", "dead", "url", rightAligned: [2, 3])
            for row in rows { table.add(row["service"], row["ready"] as? Bool == true ? "yes" : "NO", row["pending"], row["dead"], row["url"]) }
            table.print()
        }
        if reached < rows.count { throw Unreachable(message: "\(rows.count - reached) of \(rows.count) services could not be reached") }
        if !healthy { throw ExitCode(Exit.refused) }
    }
}

/// `studioctl dead-letters`: dead-lettered deliveries of every service (or one).
struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "List dead-lettered deliveries.", discussion: Exit.help)
    @OptionGroup var common: Common
    @Option(help: "intake, review, funding or assessment; all when absent") var service: String?

    func run() throws {
        let session = try common.session()
        let token = try session.token(.operator)
        var all: [[String: Any]] = []
        for service in try services(service) {
            let reply = try session.call("GET", service, "/ops/dead-letters?limit=1000", token: token)
            all += reply.items.map { $0.merging(["service": service.rawValue]) { $1 } }
        }
        if common.json { return printJSON(all) }
        if all.isEmpty { return print("no dead letters") }
        var table = Table("service", "message", "aggregate", "subscription", "attempts", "last error", rightAligned: [4])
        for item in all {
            table.add(item["service"], item["messageId"], "\(item["aggregate"] ?? "")#\(item["sequence"] ?? "")", item["subscriptionId"],
                      item["attempts"], item["lastError"] ?? item["lastStatusCode"])
        }
        table.print()
    }
}

/// `studioctl replay`: one message, or every dead letter of a time range, sent again; a range replay then
/// follows the redeliveries with a progress bar until the queues drain (or `--wait` runs out).
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay one message, or the dead letters of a time range.",
        discussion: "A range replay on every service when --service is absent. " + Exit.help)
    @OptionGroup var common: Common
    @Option(help: "The service that sent the message(s); for a range, all when absent") var service: String?
    @Option(help: "A message id (msg_…)") var message: String?
    @Option(help: "Start of the range, RFC 3339 (with --to)") var from: String?
    @Option(help: "End of the range, RFC 3339") var to: String?
    @Flag(help: "Replay every delivery of the range, not only the dead ones") var all = false
    @Option(help: "Seconds to follow the redeliveries of a range (0: do not wait)") var wait: Int = 30

    func validate() throws {
        if message == nil && (from == nil || to == nil) { throw ValidationError("give --message, or --from and --to") }
        if message != nil && service == nil { throw ValidationError("--message needs --service") }
        if let service { _ = try serviceNamed(service) }
    }

    func run() throws {
        let session = try common.session()
        let token = try session.token(.operator)
        if let message, let service {
            let reply = try session.call("POST", try serviceNamed(service), "/ops/messages/\(message)/replay", token: token)
            if common.json { return session.printReply(reply) }
            return print("replayed \(reply.object["replayed"] ?? 0) deliveries")
        }
        guard let from, let to else { return }
        var replayed: [Platform.Service: Int] = [:]
        for target in try services(service) {
            let reply = try session.call("POST", target, "/ops/replay", token: token, body: ["from": from, "to": to, "onlyDead": !all])
            replayed[target] = reply.object["replayed"] as? Int ?? 0
        }
        let total = replayed.values.reduce(0, +)
        var remaining = 0
        if total > 0 && wait > 0 {
            // The replayed deliveries are pending again; follow the queues back down to empty.
            let progress = Progress("redelivering", total: total)
            let deadline = Date().addingTimeInterval(TimeInterval(wait))
            repeat {
                remaining = 0
                for target in replayed.keys where replayed[target]! > 0 {
                    let queue = try session.call("GET", target, "/ops/queue", token: token).object
                    remaining += queue["pending"] as? Int ?? 0
                }
                progress.update(total - min(remaining, total))
                if remaining == 0 { break }
                usleep(200_000)
            } while Date() < deadline
            progress.finish(remaining == 0 ? "queues empty" : "\(remaining) still pending")
        }
        if common.json {
            return printJSON(["replayed": Dictionary(uniqueKeysWithValues: replayed.map { ($0.key.rawValue, $0.value) }), "total": total, "pending": remaining])
        }
        var table = Table("service", "replayed", rightAligned: [1])
        for target in Platform.Service.allCases where replayed[target] != nil { table.add(target.rawValue, replayed[target]) }
        table.print()
        print("replayed \(total) deliveries\(remaining > 0 ? ", \(remaining) still pending" : "")")
    }
}

/// `studioctl demo`: plays a naming year against a platform started in demo mode
/// (`deploy/platform.sh demo`): business time moves, so never against production.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play the scenario against a demo-mode platform: a naming year, or three years (project grants, demonstration, inspection, revocation, end-of-cycle assessments).",
        discussion: "Business time moves (the services' demo clocks), so never run it against production. " + Exit.help)
    @OptionGroup var common: Common
    @Option(help: "How many studios the naming round may name") var quota = 5
    @Option(help: "1: the naming year only; 3: all three years") var years = 3

    func validate() throws {
        guard years == 1 || years == 3 else { throw ValidationError("--years: 1 or 3") }
    }

    func run() throws {
        let platform = try common.platform()
        let started = Date()
        func seconds() -> String { String(format: "%.1f", Date().timeIntervalSince(started)) }
        do {
            if years == 1 {
                let summary = try NamingYearScenario(platform: platform, quota: quota, log: { print("  \($0)") }).run()
                print("""
                    demo done in \(seconds()) s: round \(summary.roundId) (\(summary.year)), \
                    \(summary.applications.count) applications accepted, \(summary.refusedAtIntake.count) refused at intake, \
                    \(summary.named.count) studios named, \(summary.grants.count) grants paid
                    """)
            } else {
                let summary = try StudioYearsScenario(platform: platform, quota: quota, log: { print("  \($0)") }).run()
                let one = summary.yearOne
                print("""
                    demo done in \(seconds()) s:
                      year 1: \(one.applications.count) applications accepted, \(one.refusedAtIntake.count) refused at intake, \(one.named.count) studios named, \(one.grants.count) naming grants paid
                      years 2-3: project grants \(summary.projectRounds.map { "\($0.year): \($0.chosen.count) of \($0.applications.count)" }.joined(separator: ", ")); \
                    demonstration studio \(summary.demonstrationStudio) accepted; \(summary.inspections.count) inspections, misuse at \(summary.misuseStudio)
                      revoked for fraud: \(summary.revokedForFraud) (unpaid grant \(summary.cancelledGrant) cancelled); \
                    end-of-cycle: \(summary.cycleAssessments.values.filter { $0 == "pass" }.count) passed, \(summary.failedAssessment) failed
                    """)
            }
        } catch {
            throw CheckFailed(message: "demo failed: \(error)")
        }
    }
}

// MARK: Tokens

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Issue, list and revoke API tokens (operator).",
        discussion: "A token is valid on the service that issued it. " + Exit.help,
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token; it is shown once.")
        @OptionGroup var common: Common
        @Option(help: "operator, screening_body, department, expert, federation, finance, audit_office") var role: String
        @Option(help: "The screening body code or expert id (needed for those roles)") var subject: String?
        @Option(help: "A label to recognise it by") var label: String?
        @Option(help: "The service that issues it (default: intake for screening_body, review for expert, else intake)") var service: String?

        func run() throws {
            let session = try common.session()
            let target = try service.map(serviceNamed) ?? (role == "expert" ? .review : .intake)
            var body: [String: Any] = ["role": role, "label": label ?? "studioctl"]
            if let subject { body["subject"] = subject }
            let reply = try session.call("POST", target, "/ops/tokens", token: try session.token(.operator), body: body)
            if common.json { return session.printReply(reply) }
            let info = reply.object["info"] as? [String: Any] ?? [:]
            var table = Table("service", "id", "role", "subject", "token")
            table.add(target.rawValue, info["id"], info["role"], info["subject"], reply.object["token"])
            table.print()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
        @OptionGroup var common: Common
        @Option(help: "intake, review, funding or assessment; all when absent") var service: String?
        @Flag(help: "Include revoked tokens") var revoked = false

        func run() throws {
            let session = try common.session()
            var all: [[String: Any]] = []
            for target in try services(service) {
                let reply = try session.call("GET", target, "/ops/tokens", token: try session.token(.operator))
                all += reply.items.filter { revoked || $0["revokedAt"] == nil || $0["revokedAt"] is NSNull }.map { $0.merging(["service": target.rawValue]) { $1 } }
            }
            if common.json { return printJSON(all) }
            var table = Table("service", "id", "role", "subject", "label", "created", "revoked")
            for item in all { table.add(item["service"], item["id"], item["role"], item["subject"], item["label"], item["createdAt"], item["revokedAt"]) }
            table.print()
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id (on the service that holds it; every service is asked when --service is absent).")
        @OptionGroup var common: Common
        @Argument(help: "The token id") var id: String
        @Option(help: "The service that holds it") var service: String?

        func run() throws {
            let session = try common.session()
            let token = try session.token(.operator)
            var revokedOn: [String] = []
            var lastRefusal: Refused?
            for target in try services(service) {
                do {
                    try session.call("DELETE", target, "/ops/tokens/\(id)", token: token)
                    revokedOn.append(target.rawValue)
                } catch let refused as Refused where refused.reply.status == 404 && service == nil {
                    lastRefusal = refused
                }
            }
            if revokedOn.isEmpty, let lastRefusal { throw lastRefusal }
            if common.json { return printJSON(["id": id, "revokedOn": revokedOn]) }
            print("revoked \(id) on \(revokedOn.joined(separator: ", "))")
        }
    }
}

// MARK: Backup

/// `studioctl backup --to DIR`: SQLite's online backup of every service database while the services run,
/// then `PRAGMA integrity_check` on each copy.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Back up every service database (SQLite online backup) and check each copy.",
        discussion: """
            Reads <data-dir>/<service>.sqlite read-only while the services run and writes DIR/<service>.sqlite \
            (a single file, rollback journal), then runs PRAGMA integrity_check on each copy. Exits 1 when a copy \
            fails its check, 2 when a database cannot be opened.
            """)
    @OptionGroup var common: Common
    @Option(help: "The folder to write the copies to (created when missing)") var to: String
    @Option(help: "intake, review, funding or assessment; all when absent") var service: String?
    @Option(help: "Pages copied per step (smaller steps let writers in between)") var pagesPerStep: Int32 = 64

    func run() throws {
        let folder = common.dataDir ?? ProcessInfo.processInfo.environment["STUDIO_DATA_DIR"] ?? "data"
        // The copies hold ID numbers and phone numbers: 0600 files in folders created 0700.
        try PrivateFiles.makeFolder(to)
        var results: [[String: Any]] = []
        var allGood = true
        for target in try services(service) {
            let source = (folder as NSString).appendingPathComponent("\(target.rawValue).sqlite")
            let destination = (to as NSString).appendingPathComponent("\(target.rawValue).sqlite")
            guard FileManager.default.fileExists(atPath: source) else { throw Unreachable(message: "no database \(source) (give --data-dir)") }
            let started = Date()
            let pages: Int
            do {
                var configuration = Configuration()
                configuration.readonly = true
                configuration.busyMode = .timeout(10)
                let reader = try DatabaseQueue(path: source, configuration: configuration)
                try PrivateFiles.createEmptyFile(destination)
                let copy = try DatabaseQueue(path: destination)
                let progress = Progress(target.rawValue, total: 0)
                var copied = 0
                try reader.backup(to: copy, pagesPerStep: pagesPerStep) { step in
                    copied = step.totalPageCount
                    progress.update(step.completedPageCount, total: step.totalPageCount)
                }
                progress.finish()
                pages = copied
                // A backup is one file: the copy leaves WAL mode.
                _ = try copy.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
                try copy.close()
                try reader.close()
                try PrivateFiles.restrict(destination)
            } catch let error as DatabaseError {
                throw Unreachable(message: "\(target.rawValue): \(error)")
            }
            let check = try DatabaseQueue(path: destination, configuration: { var c = Configuration(); c.readonly = true; return c }())
            let integrity = try check.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            defer { try? check.close() }
            let ok = integrity == ["ok"]
            allGood = allGood && ok
            // The audit chain's head beside the copy (0600), read from the copy: `studioctl audit verify --against`
            // later shows a database whose chain was rewritten since.
            let head = try check.read { db in try AuditChainHead.read(service: target.rawValue, in: db) }
            try head.write(to: AuditChainHead.path(besideBackup: destination))
            let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
            results.append(["service": target.rawValue, "file": destination, "pages": pages, "bytes": size, "auditEntries": head.entries,
                            "integrity": ok ? "ok" : integrity.prefix(5).joined(separator: "; "),
                            "seconds": (Date().timeIntervalSince(started) * 1000).rounded() / 1000])
        }
        if common.json {
            printJSON(results)
        } else {
            var table = Table("service", "pages", "bytes", "integrity", "file", rightAligned: [1, 2])
            for row in results { table.add(row["service"], row["pages"], row["bytes"], row["integrity"], row["file"]) }
            table.print()
        }
        if !allGood { throw CheckFailed(message: "a copy failed its integrity check") }
    }
}

// MARK: Audit

/// `studioctl audit verify --against DIR/<service>.audit-head.json`: the service's audit chain (read-only from
/// the data folder) must still extend the head exported beside a backup; a database rewritten since, even with
/// a consistent chain, does not. (`<service> audit verify` walks the whole chain's hashes as well.)
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check audit chains against exported heads.",
                                                    subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a service's audit chain still extends the head exported beside a backup.",
            discussion: "Exits 1 when the chain is shorter than the head or its entry at the head has another hash.")
        @OptionGroup var common: Common
        @Option(help: "The head file written by `studioctl backup` or `<service> backup` (<service>.audit-head.json)") var against: String

        func run() throws {
            let head = try AuditChainHead.load(from: against)
            let service = try serviceNamed(head.service)
            let folder = common.dataDir ?? ProcessInfo.processInfo.environment["STUDIO_DATA_DIR"] ?? "data"
            let source = (folder as NSString).appendingPathComponent("\(service.rawValue).sqlite")
            guard FileManager.default.fileExists(atPath: source) else { throw Unreachable(message: "no database \(source) (give --data-dir)") }
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(10)
            let database = try DatabaseQueue(path: source, configuration: configuration)
            let (problems, now) = try database.read { db in (try head.problems(in: db), try AuditChainHead.read(service: service.rawValue, in: db)) }
            try database.close()
            if common.json {
                printJSON(["service": service.rawValue, "extends": problems.isEmpty, "problems": problems, "headEntries": head.entries, "entries": now.entries] as [String: Any])
            } else if problems.isEmpty {
                print("\(service.rawValue): the audit log (\(now.entries) entries) extends the head of \(head.entries) entries exported \(head.exportedAt)")
            }
            if !problems.isEmpty {
                if !common.json { print("\(service.rawValue): \(problems.joined(separator: "; "))") }
                throw CheckFailed(message: "the audit log of \(service.rawValue) does not extend the exported head")
            }
        }
    }
}
