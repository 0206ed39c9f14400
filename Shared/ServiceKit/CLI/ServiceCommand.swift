import ArgumentParser
import Foundation
import GRDB
import Logging
import Messaging
import StudioDomain
#if canImport(Glibc)
import Glibc
#endif

/// One service executable: the kit's command line (`ServiceCommand`) plus what the service itself needs to
/// be built, decoded from its own options. Each executable's `main.swift` is one line:
///
///     await ServiceCommand<IntakeProgram>.launch()
public protocol ServiceProgram {
    associatedtype Module: ServiceModule
    /// The service's own settings (`--reference-data`, `--payment-days` …), each defaulting to its documented
    /// environment variable through the `SettingsEnvironment` it is given. Every option must be optional or
    /// have a default: the administrator's subcommands build the module from no flags at all.
    associatedtype Options: ParsableArguments
    /// `intake`, `review`, `funding` or `assessment`.
    static var name: String { get }
    static func module(_ options: Options, environment: SettingsEnvironment) throws -> Module
}

/// The screening bodies (Art 10) as reference data: the built-in defaults, merged with a file when one is
/// named (new bodies or changed names without a code change). Intake, review and assessment read it.
public struct ReferenceDataOptions: ParsableArguments {
    @Option(help: "A JSON file of screening bodies merged with the built-in ones (default $STUDIO_REFERENCE_DATA)")
    public var referenceData: String?

    public init() {}

    public func load(environment: SettingsEnvironment) throws -> ReferenceData {
        guard let path = environment.text(referenceData, variable: "STUDIO_REFERENCE_DATA") else { return .defaults }
        // Named but not there is a typo, not a fresh installation (which names no file).
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--reference-data (STUDIO_REFERENCE_DATA) \(path): no such file")
        }
        do {
            return try ReferenceData.load(from: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("--reference-data (STUDIO_REFERENCE_DATA) \(path): \(error)")
        }
    }
}

/// The command line of every service executable:
///
///     intake [serve] [--host H] [--port P] [--data-dir D] …   run the service (the default)
///     intake token issue --role R [--subject S] [--label L]    issue a token straight into the database
///     intake token add | list | revoke ID
///     intake subscription add | wire | list
///     intake inbound-secret add --source S --secret X
///     intake backup --to FILE
///     intake audit verify [--against HEADFILE]
///
/// The local subcommands write to the service's own SQLite file: they are for the machine's administrator
/// (the launcher uses them to issue the first tokens and wire the services). Flags win over the environment
/// variables named in each option's help; `SettingsEnvironment` is the one place either is read.
public struct ServiceCommand<Program: ServiceProgram>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Program.name,
            abstract: "The \(Program.name) service of the Quzhou innovation-studio platform.",
            subcommands: [Serve.self, Token.self, Subscription.self, InboundSecret.self, Backup.self, Audit.self],
            defaultSubcommand: Serve.self)
    }

    public init() {}

    /// Parses the process's arguments and runs the subcommand (the executable's one line). ArgumentParser's
    /// asynchronous `main()`, named so that top-level code cannot pick its synchronous twin.
    public static func launch() async {
        await main()
    }

    /// The module as the administrator's subcommands need it (its name and migrations), from the environment.
    static func module() throws -> Program.Module {
        try Program.module(try Program.Options.parse([]), environment: .process)
    }

    static func open(_ common: CommonOptions) throws -> (any DatabaseWriter, Program.Module) {
        let module = try module()
        return (try ServiceDatabase.open(path: common.databasePath(for: module.name, environment: .process), module: module), module)
    }

    // MARK: serve

    struct Serve: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "serve", abstract: "Run the service (the default).") }

        @OptionGroup var common: CommonOptions
        @OptionGroup var settings: Program.Options
        @Option(help: "Address to listen on (default $STUDIO_HOST or 127.0.0.1)") var host: String?
        @Option(help: "Port (default $<SERVICE>_PORT or the service's default)") var port: Int?
        @Option(help: "Retry delays, e.g. 0,5s,5m,30m,2h,5h,10h,10h (default $STUDIO_RETRY_SCHEDULE or that)") var retrySchedule: String?
        @Option(help: "Deliveries on the wire at once") var maxInFlight: Int = 32
        @Option(help: "Largest request body in bytes") var maxBodyBytes: Int = 1 << 20
        @Option(help: "trace, debug, info, notice, warning, error, critical (default $STUDIO_LOG_LEVEL or info)") var logLevel: String?
        @Option(help: "json or text (default $STUDIO_LOG_FORMAT or json)") var logFormat: String?
        @Flag(help: "Demo and test mode: business time can be moved with POST /ops/clock, never in production (or $STUDIO_DEMO_CLOCK=1)") var demoClock = false

        /// The kit's configuration, from the flags and else the environment.
        func configuration(serviceName: String, defaultPort: Int, environment: SettingsEnvironment) throws -> ServiceConfiguration {
            var policy = RetryPolicy.standard
            if let scheduleText = environment.text(retrySchedule, variable: "STUDIO_RETRY_SCHEDULE") {
                guard let parsed = RetryPolicy(schedule: scheduleText) else { throw ValidationError("--retry-schedule (STUDIO_RETRY_SCHEDULE): cannot read \(scheduleText)") }
                policy = parsed
            }
            let portValue = try environment.integer(port, option: "port", variable: "\(serviceName.uppercased())_PORT", range: 1...65535, default: defaultPort)
            let levelText = environment.text(logLevel, variable: "STUDIO_LOG_LEVEL") ?? "info"
            guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("--log-level (STUDIO_LOG_LEVEL): unknown level \(levelText)") }
            guard (1...4096).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…4096") }
            guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
            return ServiceConfiguration(
                serviceName: serviceName, host: environment.text(host, variable: "STUDIO_HOST") ?? "127.0.0.1", port: portValue,
                databasePath: common.databasePath(for: serviceName, environment: environment), retryPolicy: policy,
                maxInFlight: maxInFlight, maxBodyBytes: maxBodyBytes, logLevel: level,
                demoClock: demoClock || environment["STUDIO_DEMO_CLOCK"] == "1")
        }

        func run() async throws {
            let environment = SettingsEnvironment.process
            let module = try Program.module(settings, environment: environment)
            let configuration = try configuration(serviceName: module.name, defaultPort: module.defaultPort, environment: environment)
            let format = environment.text(logFormat, variable: "STUDIO_LOG_FORMAT") ?? "json"
            guard ["json", "text"].contains(format) else { throw ValidationError("--log-format (STUDIO_LOG_FORMAT) must be json or text; got \(format)") }
            #if canImport(Glibc)
            // At most two malloc arenas (glibc's default is up to 8 per core, one per busy thread): with the
            // libcurl workers of the time, NIO and GRDB threads the default took the resident memory under load from about
            // 60 to about 77 MB (BENCHMARKS.md). `MALLOC_ARENA_MAX` in the environment still decides if set.
            // (`mallopt` is in <malloc.h>, which the Glibc module does not export: looked up by name; M_ARENA_MAX = -8.)
            if environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
                typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
                _ = unsafeBitCast(symbol, to: MallOpt.self)(-8, 2)
            }
            #endif
            LoggingSystem.bootstrap { label in
                format == "text" ? StreamLogHandler.standardError(label: label) as any LogHandler : JSONLogHandler(label: label)
            }
            let built = try buildApplication(configuration, module: module)
            built.environment.logger.info("starting", metadata: ["database": "\(configuration.databasePath)", "port": "\(configuration.port)"])
            try await built.application.runService()
            built.environment.logger.info("stopped")
        }
    }

    // MARK: token

    struct Token: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "token", abstract: "The service's bearer tokens.", subcommands: [Issue.self, Add.self, List.self, Revoke.self])
        }

        struct Issue: AsyncParsableCommand {
            static var configuration: CommandConfiguration { CommandConfiguration(abstract: "Issue a token straight into the database and print it.") }
            @OptionGroup var common: CommonOptions
            @Option(help: "One of the roles (screening_body, department, expert, …)") var role: String
            @Option(help: "The screening body's code or the expert's id") var subject: String?
            @Option var label: String?

            func run() async throws {
                let role = try Role.parse(role)
                if role.needsSubject, subject == nil { throw ValidationError("--subject is required for \(role.rawValue)") }
                let (database, _) = try ServiceCommand.open(common)
                let issued = try await database.write { db in try Tokens.issue(role: role, subject: subject, label: label, nowMillis: Millis.now(), in: db) }
                print(issued.token)
            }
        }

        /// Stores the hash of a token made elsewhere, so one token per role can work on every service.
        struct Add: AsyncParsableCommand {
            static var configuration: CommandConfiguration { CommandConfiguration(abstract: "Store the hash of a token made elsewhere.") }
            @OptionGroup var common: CommonOptions
            @Option var role: String
            @Option var token: String
            @Option var subject: String?
            @Option var label: String?

            func run() async throws {
                let role = try Role.parse(role)
                guard token.count >= 32 else { throw ValidationError("--token must be at least 32 characters of random text") }
                let (database, _) = try ServiceCommand.open(common)
                let (token, subject, label) = (token, subject, label)
                let added = try await database.write { db in
                    try Tokens.add(token: token, role: role, subject: subject, label: label, nowMillis: Millis.now(), in: db)
                }
                print(added ? "token added" : "token already present")
            }
        }

        struct List: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions

            func run() async throws {
                let (database, _) = try ServiceCommand.open(common)
                for token in try await database.read({ db in try Tokens.list(in: db) }) {
                    print([token.id, token.role.rawValue, token.subject ?? "-", token.label ?? "-", token.revokedAt == nil ? "active" : "revoked"].joined(separator: "\t"))
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            @Argument(help: "The token's id (from `token list`)") var id: String
            @OptionGroup var common: CommonOptions

            func run() async throws {
                let (database, _) = try ServiceCommand.open(common)
                let id = id
                let done = try await database.write { db in try Tokens.revoke(id: id, nowMillis: Millis.now(), in: db) }
                print(done ? "revoked \(id)" : "no active token \(id)")
                if !done { throw ExitCode(1) }
            }
        }
    }

    // MARK: subscription

    struct Subscription: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "subscription", abstract: "Who this service sends its events to.", subcommands: [Add.self, Wire.self, List.self])
        }

        struct Add: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions
            @Option var name: String
            @Option var url: String
            @Option(help: "Comma-separated event types, or *") var events: String
            @Option var secret: String?

            func run() async throws {
                let (database, _) = try ServiceCommand.open(common)
                let types = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let (name, url, secret) = (name, url, secret)
                let record = try await database.write { db in
                    try Subscriptions.create(name: name, url: url, eventTypes: types, secret: secret, nowMillis: Millis.now(), in: db)
                }
                print("\(record.id)\t\(record.name)\t\(record.url)\t\(record.secret)")
            }
        }

        /// The launcher's wiring: a subscription to `peer` for every event type this service sends and the
        /// peer receives (from the shared catalog), plus webhook.test. Idempotent.
        struct Wire: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions
            @Option(help: "intake, review, funding, assessment or portal") var peer: String
            @Option(help: "The peer's /events URL") var url: String
            @Option(help: "whsec_… shared with the peer (used only when the subscription is created)") var secret: String

            func run() async throws {
                let (database, module) = try ServiceCommand.open(common)
                guard let me = PlatformService(rawValue: module.name) else { throw ValidationError("not a platform service") }
                let types: [String]
                if let receiver = PlatformService(rawValue: peer) {
                    types = EventTypes.catalog.filter { $0.senders.contains(me) && $0.receivers.contains(receiver) }.map(\.type)
                } else if peer == PortalFeed.name {
                    // The portal's to-do lists (PortalFeed).
                    types = PortalFeed.sent(by: me)
                } else {
                    throw ValidationError("--peer must be one of \(PlatformService.allCases.map(\.rawValue).joined(separator: ", ")) or portal")
                }
                let (peer, url, secret) = (peer, url, secret)
                let record = try await database.write { db -> SubscriptionRecord in
                    if let existing = try? Subscriptions.find(peer, in: db) {
                        return try Subscriptions.update(existing.id, url: url, eventTypes: types, active: nil, nowMillis: Millis.now(), in: db)
                    }
                    return try Subscriptions.create(name: peer, url: url, eventTypes: types, secret: secret, nowMillis: Millis.now(), in: db)
                }
                print("\(record.name)\t\(record.url)\t\(types.joined(separator: ","))")
            }
        }

        struct List: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions

            func run() async throws {
                let (database, _) = try ServiceCommand.open(common)
                for record in try await database.read({ db in try SubscriptionRecord.fetchAll(db) }) {
                    print([record.id, record.name, record.url, record.status.rawValue, record.eventTypeList.joined(separator: ",")].joined(separator: "\t"))
                }
            }
        }
    }

    // MARK: inbound-secret

    struct InboundSecret: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "inbound-secret", abstract: "The secrets this service checks incoming events with.", subcommands: [Add.self])
        }

        struct Add: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions
            @Option(help: "The sending service") var source: String
            @Option(help: "whsec_…") var secret: String

            func run() async throws {
                let (database, _) = try ServiceCommand.open(common)
                let (source, secretText) = (source, secret)
                let secret = try await database.write { db in try InboundSecrets.add(source: source, secret: secretText, expiresAt: nil, nowMillis: Millis.now(), in: db) }
                print("inbound secret \(secret.id) for \(secret.source) added")
            }
        }
    }

    // MARK: backup

    struct Backup: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(abstract: "An online copy of the database, with the audit chain's head beside it.") }
        @OptionGroup var common: CommonOptions
        @Option(help: "The backup file to write (SQLite online backup; safe while the service runs)") var to: String

        func run() async throws {
            let (database, module) = try ServiceCommand.open(common)
            try ServiceDatabase.backup(database, to: to)
            // The audit chain's head beside the copy, read from the copy itself (0600).
            let headPath = AuditChainHead.path(besideBackup: to)
            let copy = try DatabaseQueue(path: to, configuration: { var c = Configuration(); c.readonly = true; return c }())
            let head = try await copy.read { db in try AuditChainHead.read(service: module.name, in: db) }
            try copy.close()
            try head.write(to: headPath)
            print("backed up \(module.name) to \(to), audit head (\(head.entries) entries) to \(headPath)")
        }
    }

    // MARK: audit

    struct Audit: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "audit", abstract: "The hash-chained audit log.", subcommands: [Verify.self])
        }

        /// Walks the hash chain; exit 1 and the first broken entry if it is not intact. With `--against HEADFILE`
        /// (written beside a backup) the chain must also still extend that head: a database rewritten and
        /// re-hashed consistently since the export shows here.
        struct Verify: AsyncParsableCommand {
            @OptionGroup var common: CommonOptions
            @Option(help: "A head file written beside a backup (<service>.audit-head.json): the chain must still extend it") var against: String?

            func run() async throws {
                let head = try against.map { try AuditChainHead.load(from: $0) }
                let (database, module) = try ServiceCommand.open(common)
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
            }
        }
    }
}

/// Where the service's SQLite file is: every subcommand takes these.
struct CommonOptions: ParsableArguments {
    @Option(help: "Folder of the SQLite files (default $STUDIO_DATA_DIR or ./data)") var dataDir: String?
    @Option(help: "The SQLite file (default <data-dir>/<service>.sqlite)") var database: String?

    func databasePath(for serviceName: String, environment: SettingsEnvironment) -> String {
        if let database { return database }
        let folder = environment.text(dataDir, variable: "STUDIO_DATA_DIR") ?? "data"
        return (folder as NSString).appendingPathComponent("\(serviceName).sqlite")
    }
}

/// The options of a service without settings of its own.
public struct NoOptions: ParsableArguments {
    public init() {}
}

extension Role {
    static func parse(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else {
            throw ValidationError("unknown role \(text); one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}
