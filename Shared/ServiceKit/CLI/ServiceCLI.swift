import ArgumentParser
import Foundation
import GRDB
import Logging
import Messaging
import StudioDomain
#if canImport(Glibc)
import Glibc
#endif

/// The command line of every service executable:
///
///     intake serve [--host H] [--port P] [--data-dir D] …     run the service (the default)
///     intake token issue --role R [--subject S] [--label L]    issue a token straight into the database
///     intake token list | intake token revoke ID
///     intake subscription add --name N --url U --events a,b [--secret S]
///     intake subscription list
///     intake inbound-secret add --source S --secret X
///
/// The local subcommands write to the service's own SQLite file: they are for the machine's
/// administrator (the launcher uses them to issue the first tokens and wire the services).
public enum ServiceCLI {
    public static func main(module: some ServiceModule, arguments: [String] = Array(CommandLine.arguments.dropFirst())) async {
        var arguments = arguments
        let command = arguments.first.map { $0.hasPrefix("-") ? "serve" : arguments.removeFirst() } ?? "serve"
        do {
            switch command {
            case "serve":
                let options = try ServeOptions.parse(arguments)
                try await serve(module: module, options: options)
            case "token":
                try await tokenCommand(module: module, arguments: arguments)
            case "subscription":
                try await subscriptionCommand(module: module, arguments: arguments)
            case "audit":
                // `audit verify`: walks the hash chain; exit 1 and the first broken entry if it is not intact.
                // With `--against HEADFILE` (written beside a backup) the chain must also still extend that head:
                // a database rewritten and re-hashed consistently since the export shows here.
                guard arguments.first == "verify" else { throw ValidationError("usage: \(module.name) audit verify [--against HEADFILE] [--data-dir D]") }
                let options = try AuditVerifyOptions.parse(Array(arguments.dropFirst()))
                let head = try options.against.map { try AuditChainHead.load(from: $0) }
                let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
                let (result, problems) = try await database.read { db in (try AuditLog.verify(in: db), try head?.problems(in: db) ?? []) }
                if !result.intact {
                    print("\(module.name): audit log BROKEN at entry \(result.firstBroken ?? 0): \(result.problem ?? "")")
                    throw ExitCode(1)
                }
                if !problems.isEmpty {
                    print("\(module.name): audit log does NOT extend the exported head: \(problems.joined(separator: "; "))")
                    throw ExitCode(1)
                }
                print("\(module.name): audit log intact, \(result.entries) entries\(head.map { ", extends the head of \($0.entries) exported \($0.exportedAt)" } ?? "")")
            case "backup":
                let options = try BackupOptions.parse(arguments)
                let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
                try ServiceDatabase.backup(database, to: options.to)
                // The audit chain's head beside the copy, read from the copy itself (0600).
                let headPath = AuditChainHead.path(besideBackup: options.to)
                let copy = try DatabaseQueue(path: options.to, configuration: { var c = Configuration(); c.readonly = true; return c }())
                let head = try await copy.read { db in try AuditChainHead.read(service: module.name, in: db) }
                try copy.close()
                try head.write(to: headPath)
                print("backed up \(module.name) to \(options.to), audit head (\(head.entries) entries) to \(headPath)")
            case "inbound-secret":
                guard arguments.first == "add" else { throw ValidationError("usage: \(module.name) inbound-secret add --source S --secret X") }
                let options = try InboundSecretOptions.parse(Array(arguments.dropFirst()))
                let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
                let secret = try await database.write { db in try InboundSecrets.add(source: options.source, secret: options.secret, expiresAt: nil, nowMillis: Millis.now(), in: db) }
                print("inbound secret \(secret.id) for \(secret.source) added")
            case "help", "--help", "-h":
                print(usage(module))
            default:
                throw ValidationError("unknown command \(command)\n\n\(usage(module))")
            }
        } catch {
            ServeOptions.exit(withError: error)
        }
    }

    static func usage(_ module: some ServiceModule) -> String {
        """
        usage: \(module.name) [serve] [--host H] [--port P] [--data-dir D] [--database FILE] [--retry-schedule S] [--log-level L]
               \(module.name) token issue --role ROLE [--subject S] [--label L] [--data-dir D]
               \(module.name) token add --role ROLE --token T [--subject S] [--label L] [--data-dir D]
               \(module.name) token list [--data-dir D]
               \(module.name) token revoke ID [--data-dir D]
               \(module.name) subscription add --name N --url U --events T1,T2 [--secret whsec_…] [--data-dir D]
               \(module.name) subscription wire --peer SERVICE --url U --secret whsec_… [--data-dir D]
               \(module.name) subscription list [--data-dir D]
               \(module.name) backup --to FILE [--data-dir D]
               \(module.name) audit verify [--against HEADFILE] [--data-dir D]
               \(module.name) inbound-secret add --source SERVICE --secret whsec_… [--data-dir D]
        Environment: STUDIO_DATA_DIR, STUDIO_HOST, \(module.name.uppercased())_PORT, STUDIO_RETRY_SCHEDULE, STUDIO_LOG_LEVEL, STUDIO_LOG_FORMAT (json|text)
        """
    }

    static func serve(module: some ServiceModule, options: ServeOptions) async throws {
        #if canImport(Glibc)
        // At most two malloc arenas (glibc's default is up to 8 per core, one per busy thread): with the
        // libcurl workers, NIO and GRDB threads the default took the resident memory under load from about
        // 60 to about 77 MB (BENCHMARKS.md). `MALLOC_ARENA_MAX` in the environment still decides if set.
        // (`mallopt` is in <malloc.h>, which the Glibc module does not export: looked up by name; M_ARENA_MAX = -8.)
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: MallOpt.self)(-8, 2)
        }
        #endif
        let configuration = try options.configuration(for: module)
        let format = ProcessInfo.processInfo.environment["STUDIO_LOG_FORMAT"] ?? "json"
        LoggingSystem.bootstrap { label in
            format == "text" ? StreamLogHandler.standardError(label: label) as any LogHandler : JSONLogHandler(label: label)
        }
        let built = try buildApplication(configuration, module: module)
        built.environment.logger.info("starting", metadata: ["database": "\(configuration.databasePath)", "port": "\(configuration.port)"])
        try await built.application.runService()
        built.environment.logger.info("stopped")
    }

    static func tokenCommand(module: some ServiceModule, arguments: [String]) async throws {
        guard let sub = arguments.first else { throw ValidationError("usage: \(module.name) token issue|list|revoke") }
        let rest = Array(arguments.dropFirst())
        switch sub {
        case "issue":
            let options = try TokenIssueOptions.parse(rest)
            guard let role = Role(rawValue: options.role) else {
                throw ValidationError("unknown role \(options.role); one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if role.needsSubject, options.subject == nil { throw ValidationError("--subject is required for \(role.rawValue)") }
            let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
            let issued = try await database.write { db in try Tokens.issue(role: role, subject: options.subject, label: options.label, nowMillis: Millis.now(), in: db) }
            print(issued.token)
        case "add":
            // Stores the hash of a token made elsewhere, so one token per role can work on every service.
            let options = try TokenAddOptions.parse(rest)
            guard let role = Role(rawValue: options.role) else { throw ValidationError("unknown role \(options.role)") }
            guard options.token.count >= 32 else { throw ValidationError("--token must be at least 32 characters of random text") }
            let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
            let added = try await database.write { db in
                try Tokens.add(token: options.token, role: role, subject: options.subject, label: options.label, nowMillis: Millis.now(), in: db)
            }
            print(added ? "token added" : "token already present")
        case "list":
            let options = try CommonOptions.parse(rest)
            let database = try ServiceDatabase.open(path: options.databasePath(for: module), module: module)
            for token in try await database.read({ db in try Tokens.list(in: db) }) {
                print([token.id, token.role.rawValue, token.subject ?? "-", token.label ?? "-", token.revokedAt == nil ? "active" : "revoked"].joined(separator: "\t"))
            }
        case "revoke":
            guard let id = rest.first else { throw ValidationError("usage: \(module.name) token revoke ID") }
            let options = try CommonOptions.parse(Array(rest.dropFirst()))
            let database = try ServiceDatabase.open(path: options.databasePath(for: module), module: module)
            let done = try await database.write { db in try Tokens.revoke(id: id, nowMillis: Millis.now(), in: db) }
            print(done ? "revoked \(id)" : "no active token \(id)")
            if !done { throw ExitCode(1) }
        default:
            throw ValidationError("usage: \(module.name) token issue|list|revoke")
        }
    }

    static func subscriptionCommand(module: some ServiceModule, arguments: [String]) async throws {
        guard let sub = arguments.first else { throw ValidationError("usage: \(module.name) subscription add|list") }
        let rest = Array(arguments.dropFirst())
        switch sub {
        case "add":
            let options = try SubscriptionAddOptions.parse(rest)
            let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
            let events = options.events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let record = try await database.write { db in
                try Subscriptions.create(name: options.name, url: options.url, eventTypes: events, secret: options.secret, nowMillis: Millis.now(), in: db)
            }
            print("\(record.id)\t\(record.name)\t\(record.url)\t\(record.secret)")
        case "list":
            let options = try CommonOptions.parse(rest)
            let database = try ServiceDatabase.open(path: options.databasePath(for: module), module: module)
            for record in try await database.read({ db in try SubscriptionRecord.fetchAll(db) }) {
                print([record.id, record.name, record.url, record.status.rawValue, record.eventTypeList.joined(separator: ",")].joined(separator: "\t"))
            }
        case "wire":
            // The launcher's wiring: a subscription to `peer` for every event type this service sends
            // and the peer receives (from the shared catalog), plus webhook.test. Idempotent.
            let options = try SubscriptionWireOptions.parse(rest)
            guard let me = PlatformService(rawValue: module.name) else { throw ValidationError("not a platform service") }
            let types: [String]
            if let peer = PlatformService(rawValue: options.peer) {
                types = EventTypes.catalog.filter { $0.senders.contains(me) && $0.receivers.contains(peer) }.map(\.type)
            } else if options.peer == PortalFeed.name {
                // The portal's to-do lists (PortalFeed).
                types = PortalFeed.sent(by: me)
            } else {
                throw ValidationError("--peer must be one of \(PlatformService.allCases.map(\.rawValue).joined(separator: ", ")) or portal")
            }
            let database = try ServiceDatabase.open(path: options.common.databasePath(for: module), module: module)
            let record = try await database.write { db -> SubscriptionRecord in
                if let existing = try? Subscriptions.find(options.peer, in: db) {
                    return try Subscriptions.update(existing.id, url: options.url, eventTypes: types, active: nil, nowMillis: Millis.now(), in: db)
                }
                return try Subscriptions.create(name: options.peer, url: options.url, eventTypes: types, secret: options.secret, nowMillis: Millis.now(), in: db)
            }
            print("\(record.name)\t\(record.url)\t\(types.joined(separator: ","))")
        default:
            throw ValidationError("usage: \(module.name) subscription add|wire|list")
        }
    }
}

struct CommonOptions: ParsableArguments {
    @Option(help: "Folder of the SQLite files (default $STUDIO_DATA_DIR or ./data)") var dataDir: String?
    @Option(help: "The SQLite file (default <data-dir>/<service>.sqlite)") var database: String?

    func databasePath(for module: some ServiceModule) -> String {
        if let database { return database }
        let folder = dataDir ?? ProcessInfo.processInfo.environment["STUDIO_DATA_DIR"] ?? "data"
        return (folder as NSString).appendingPathComponent("\(module.name).sqlite")
    }
}

struct ServeOptions: ParsableCommand {
    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on (default $STUDIO_HOST or 127.0.0.1)") var host: String?
    @Option(help: "Port (default $<SERVICE>_PORT or the service's default)") var port: Int?
    @Option(help: "Retry delays, e.g. 0,5s,5m,30m,2h,5h,10h,10h (default $STUDIO_RETRY_SCHEDULE or that)") var retrySchedule: String?
    @Option(help: "Deliveries on the wire at once") var maxInFlight: Int = 32
    @Option(help: "Largest request body in bytes") var maxBodyBytes: Int = 1 << 20
    @Option(help: "trace, debug, info, notice, warning, error, critical") var logLevel: String?
    @Flag(help: "Demo and test mode: business time can be moved with POST /ops/clock (never in production)") var demoClock = false

    func configuration(for module: some ServiceModule) throws -> ServiceConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let scheduleText = retrySchedule ?? environment["STUDIO_RETRY_SCHEDULE"]
        var policy = RetryPolicy.standard
        if let scheduleText {
            guard let parsed = RetryPolicy(schedule: scheduleText) else { throw ValidationError("--retry-schedule: cannot read \(scheduleText)") }
            policy = parsed
        }
        let portValue = port ?? environment["\(module.name.uppercased())_PORT"].flatMap(Int.init) ?? module.defaultPort
        guard (1...65535).contains(portValue) else { throw ValidationError("--port must be 1–65535") }
        let levelText = logLevel ?? environment["STUDIO_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("--log-level: unknown level \(levelText)") }
        return ServiceConfiguration(
            serviceName: module.name, host: host ?? environment["STUDIO_HOST"] ?? "127.0.0.1", port: portValue,
            databasePath: common.databasePath(for: module), retryPolicy: policy, maxInFlight: maxInFlight,
            maxBodyBytes: maxBodyBytes, logLevel: level,
            demoClock: demoClock || environment["STUDIO_DEMO_CLOCK"] == "1")
    }
}

struct TokenIssueOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option var role: String
    @Option var subject: String?
    @Option var label: String?
}

struct SubscriptionAddOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option var name: String
    @Option var url: String
    @Option(help: "Comma-separated event types, or *") var events: String
    @Option var secret: String?
}

struct TokenAddOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option var role: String
    @Option var token: String
    @Option var subject: String?
    @Option var label: String?
}

struct SubscriptionWireOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option(help: "intake, review, funding, assessment or portal") var peer: String
    @Option(help: "The peer's /events URL") var url: String
    @Option(help: "whsec_… shared with the peer (used only when the subscription is created)") var secret: String
}

struct BackupOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option(help: "The backup file to write (SQLite online backup; safe while the service runs)") var to: String
}

struct AuditVerifyOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option(help: "A head file written beside a backup (<service>.audit-head.json): the chain must still extend it") var against: String?
}

struct InboundSecretOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @Option var source: String
    @Option var secret: String
}
