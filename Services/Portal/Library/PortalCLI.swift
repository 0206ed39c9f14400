import ArgumentParser
import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import ServiceKit
import StudioDomain

/// `portal serve` and `portal account add`: the portal's command line, read once into a `PortalConfiguration`.
public enum PortalCLI {
    public static func main() async {
        await PortalCommand.main()
    }
}

struct PortalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "The platform's web portal (门户): pages for every role over the four services' HTTP APIs.",
        subcommands: [Serve.self, AccountCommand.self, Backup.self, InboundSecretCommand.self],
        defaultSubcommand: Serve.self)
}

struct PortalOptions: ParsableArguments {
    @Option(help: "The data folder; the portal keeps portal.sqlite there and reads the operator token from tokens.env.")
    var dataDir = "data"
    @Option(help: "intake's base URL") var intakeURL = "http://127.0.0.1:8081"
    @Option(help: "review's base URL") var reviewURL = "http://127.0.0.1:8082"
    @Option(help: "funding's base URL") var fundingURL = "http://127.0.0.1:8083"
    @Option(help: "assessment's base URL") var assessmentURL = "http://127.0.0.1:8084"
    @Option(help: "The operator token that issues new accounts' service tokens (default: STUDIO_TOKEN_OPERATOR in <data-dir>/tokens.env).")
    var operatorToken: String?

    func configuration() -> PortalConfiguration {
        var configuration = PortalConfiguration(dataDir: dataDir, services: ServiceEndpoints(baseURLs: [
            .intake: intakeURL, .review: reviewURL, .funding: fundingURL, .assessment: assessmentURL]))
        configuration.operatorToken = operatorToken ?? PortalConfiguration.operatorToken(inDataDir: dataDir)
        return configuration
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal (default).")
    @OptionGroup var options: PortalOptions
    @Option(help: "Address to bind; keep 127.0.0.1 behind nginx.") var host = "127.0.0.1"
    @Option(help: "Port") var port = 8080
    @Option(help: "Failed sign-ins in a row that lock an account") var lockAfter = 5
    @Option(help: "Minutes an account stays locked") var lockMinutes = 30
    @Option(help: "Folder with templates/ and static/ (default: the bundled copies)") var resources: String?
    @Option(help: "Log level") var logLevel = "info"

    func run() async throws {
        var configuration = options.configuration()
        configuration.host = host
        configuration.port = port
        configuration.lockAfterFailures = lockAfter
        configuration.lockDuration = TimeInterval(lockMinutes * 60)
        configuration.resourcesPath = resources
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let portal = try await buildPortal(configuration)
        try await portal.application.runService()
    }
}

/// SQLite's online backup of `portal.sqlite` (accounts, their service tokens, sessions, the audit log) while
/// the portal runs; the copy holds tokens, so it is the owner's alone (0600 in a 0700 folder).
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy portal.sqlite consistently while the portal runs.")
    @Option(help: "The data folder") var dataDir = "data"
    @Option(help: "The file to write") var to: String

    func run() async throws {
        let database = try PortalDatabase(path: PortalConfiguration(dataDir: dataDir).databasePath)
        let folder = (to as NSString).deletingLastPathComponent
        if !folder.isEmpty { try PrivateFiles.makeFolder(folder) }
        try PrivateFiles.createEmptyFile(to)
        let target = try DatabaseQueue(path: to)
        try database.writer.backup(to: target)
        try target.close()
        try PrivateFiles.restrict(to)
        print("portal.sqlite backed up to \(to)")
    }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Portal accounts.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account: its own token on each service is issued with the operator token, and its first password is printed once.")
        @OptionGroup var options: PortalOptions
        @Option(help: "screening_body, department, expert, federation, finance, audit_office or operator") var role: String
        @Option(help: "The screening body's code (330802) or the expert's id; the tokens carry it") var subject: String?
        @Option(help: "The name shown in the portal (柯城区总工会)") var name: String
        @Option(help: "The sign-in name (default: the subject, else the role)") var username: String?
        @Option(help: "The first password (default: a random one); it must be changed at the first sign-in") var password: String?
        @Flag(help: "Print only the password") var quiet = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")) / 角色无效")
            }
            let configuration = options.configuration()
            let database = try PortalDatabase(path: configuration.databasePath)
            let accounts = Accounts(database: database, gateway: ServiceGateway(endpoints: configuration.services, workers: 2),
                                    operatorToken: configuration.operatorToken)
            do {
                let created = try await accounts.add(username: username, role: role, subject: subject, displayName: name, password: password)
                if quiet {
                    print(created.oneTimePassword)
                } else {
                    print("account \(created.account.username) (\(role.nameZh)) created; first password, shown once: \(created.oneTimePassword)")
                }
            } catch let failure as Accounts.Failure {
                FileHandle.standardError.write(Data("portal: \(failure.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let database = try PortalDatabase(path: options.configuration().databasePath)
            for account in try await database.accounts() {
                print([account.username, account.role.rawValue, account.subject ?? "-", account.displayName,
                       account.mustChangePassword ? "first-password" : "active"].joined(separator: "\t"))
            }
        }
    }
}

/// `portal inbound-secret add --source SERVICE --secret whsec_…`: a secret the portal's webhook receiver accepts
/// from one service, as every service's `inbound-secret add` (the launcher's wiring, `deploy/platform.sh`).
struct InboundSecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inbound-secret", abstract: "Secrets the webhook receiver accepts.",
                                                    subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept events signed with this secret from one service.")
        @Option(help: "The data folder") var dataDir = "data"
        @Option(help: "intake, review, funding or assessment") var source: String
        @Option(help: "whsec_… (the service's subscription secret)") var secret: String

        func run() async throws {
            guard PlatformService(rawValue: source) != nil else {
                throw ValidationError("--source must be one of \(PlatformService.allCases.map(\.rawValue).joined(separator: ", ")) / 来源服务无效")
            }
            let database = try PortalDatabase(path: PortalConfiguration(dataDir: dataDir).databasePath)
            do {
                let added = try await database.writer.write { [source, secret] db in
                    try InboundSecrets.add(source: source, secret: secret, expiresAt: nil, nowMillis: Millis.now(), in: db)
                }
                print("inbound secret \(added.id) for \(source) added")
            } catch is SubscriptionError {
                throw ValidationError("--secret must be whsec_ followed by base64 of 16 to 64 bytes / 密钥格式无效")
            }
        }
    }
}
