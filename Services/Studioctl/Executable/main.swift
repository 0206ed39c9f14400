import ArgumentParser
import Foundation
import PlatformClient

/// `studioctl`: the command-line client of the platform, over HTTP with libcurl. It reads the ports from
/// INTAKE_PORT … and the tokens from the environment or `<data-dir>/tokens.env`, as the launcher writes them.
/// Exit codes: 0 done, 1 the platform refused or failed, 64 a usage error.
@main
struct Studioctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studioctl",
        abstract: "The Quzhou innovation studios platform from the command line.",
        subcommands: [Status.self, DeadLetters.self, Replay.self, Demo.self])
}

struct Common: ParsableArguments {
    @Option(help: "The launcher's data folder (for tokens.env); default $STUDIO_DATA_DIR or ./data") var dataDir: String?
    @Flag(help: "Print JSON for scripts instead of tables") var json = false

    func platform() throws -> Platform { try Platform.local(dataDir: dataDir) }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(1)
}

func printJSON(_ value: Any) {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]) else { return }
    print(String(decoding: data, as: UTF8.self))
}

/// `studioctl status`: each service's readiness and webhook queue.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Readiness and queue depth of the four services.")
    @OptionGroup var common: Common

    func run() throws {
        let platform = try common.platform()
        let client = PlatformClient()
        let token = try platform.token(.operator)
        var rows: [[String: Any]] = []
        var healthy = true
        for service in Platform.Service.allCases {
            let url = platform.url(service)
            let ready = (try? client.call("GET", url + "/ready", token: nil))?.status == 200
            let queue = (try? client.call("GET", url + "/ops/queue", token: token))?.object ?? [:]
            healthy = healthy && ready && (queue["dead"] as? Int ?? 0) == 0
            rows.append(["service": service.rawValue, "url": url, "ready": ready,
                         "pending": queue["pending"] as? Int ?? -1, "dead": queue["dead"] as? Int ?? -1])
        }
        if common.json {
            printJSON(rows)
        } else {
            func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
                let padding = String(repeating: " ", count: max(0, width - text.count))
                return right ? padding + text : text + padding
            }
            print("service      ready  pending  dead  url")
            for row in rows {
                let service = row["service"] as? String ?? "", url = row["url"] as? String ?? ""
                let ready = row["ready"] as? Bool == true ? "yes" : "NO"
                print(pad(service, 12) + " " + pad(ready, 6) + " " + pad(String(row["pending"] as? Int ?? -1), 7, right: true)
                      + " " + pad(String(row["dead"] as? Int ?? -1), 5, right: true) + "  " + url)
            }
        }
        if !healthy { throw ExitCode(1) }
    }
}

/// `studioctl dead-letters`: dead-lettered deliveries of every service (or one).
struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "List dead-lettered deliveries.")
    @OptionGroup var common: Common
    @Option(help: "intake, review, funding or assessment; all when absent") var service: String?

    func run() throws {
        let platform = try common.platform()
        let client = PlatformClient()
        let token = try platform.token(.operator)
        var all: [[String: Any]] = []
        for service in try services(service) {
            let reply = try client.call("GET", platform.url(service) + "/ops/dead-letters?limit=1000", token: token)
            guard reply.status == 200 else { fail("\(service.rawValue): \(reply.status) \(reply.text)") }
            all += reply.items.map { $0.merging(["service": service.rawValue]) { $1 } }
        }
        if common.json { return printJSON(all) }
        if all.isEmpty { return print("no dead letters") }
        for item in all {
            print("\(item["service"] ?? "")  \(item["messageId"] ?? "")  \(item["aggregate"] ?? "")#\(item["sequence"] ?? "")  attempts \(item["attempts"] ?? "")  \(item["lastError"] ?? item["lastStatusCode"] ?? "")")
        }
    }
}

/// `studioctl replay`: one message, or every dead letter of a time range, sent again.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Replay one message, or the dead letters of a time range.")
    @OptionGroup var common: Common
    @Option(help: "The service that sent the message(s)") var service: String
    @Option(help: "A message id (msg_…)") var message: String?
    @Option(help: "Start of the range, RFC 3339 (with --to)") var from: String?
    @Option(help: "End of the range, RFC 3339") var to: String?

    func run() throws {
        let platform = try common.platform()
        guard let target = Platform.Service(rawValue: service) else { throw ValidationError("--service: intake, review, funding or assessment") }
        let client = PlatformClient()
        let url = platform.url(target)
        let reply: PlatformClient.Reply
        if let message {
            reply = try client.call("POST", url + "/ops/messages/\(message)/replay", token: try platform.token(.operator))
        } else if let from, let to {
            reply = try client.call("POST", url + "/ops/replay", token: try platform.token(.operator), json: ["from": from, "to": to, "onlyDead": true])
        } else {
            throw ValidationError("give --message, or --from and --to")
        }
        guard reply.status == 200 else { fail("\(reply.status) \(reply.text)") }
        if common.json { return printJSON(reply.object) }
        print("replayed \(reply.object["replayed"] ?? 0) deliveries")
    }
}

/// `studioctl demo`: plays a naming year against a platform started in demo mode
/// (`deploy/platform.sh demo`): business time moves, so never against production.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Play a naming year (applications to paid grants) against a demo-mode platform.")
    @OptionGroup var common: Common
    @Option(help: "How many studios the round may name") var quota = 5

    func run() throws {
        let platform = try common.platform()
        let started = Date()
        do {
            let summary = try NamingYearScenario(platform: platform, quota: quota, log: { print("  \($0)") }).run()
            print("""
                demo done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: round \(summary.roundId) (\(summary.year)), \
                \(summary.applications.count) applications accepted, \(summary.refusedAtIntake.count) refused at intake, \
                \(summary.named.count) studios named, \(summary.grants.count) grants paid
                """)
        } catch {
            fail("demo failed: \(error)")
        }
    }
}

func services(_ name: String?) throws -> [Platform.Service] {
    guard let name else { return Platform.Service.allCases }
    guard let service = Platform.Service(rawValue: name) else { throw ValidationError("--service: intake, review, funding or assessment") }
    return [service]
}
