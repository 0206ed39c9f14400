import ArgumentParser
import ServiceKit
import StudioDomain

/// The `funding` executable: the kit's command line over `FundingModule`.
public enum FundingProgram: ServiceProgram {
    public static var name: String { "funding" }

    public static func module(_ options: FundingOptions, environment: SettingsEnvironment) throws -> FundingModule {
        FundingModule(settings: try options.settings(environment: environment))
    }
}

/// `FundingSettings` on the command line: what the regulation leaves to the department.
public struct FundingOptions: ParsableArguments {
    @Option(help: "The naming grant in fen, Art 12 (default $FUNDING_NAMING_GRANT_FEN or 1000000)") public var namingGrantFen: Int?
    @Option(help: "The project grant in fen, Art 13 (default $FUNDING_PROJECT_GRANT_FEN or 2000000)") public var projectGrantFen: Int?
    @Option(help: "The demonstration grant in fen, Art 14 (default $FUNDING_DEMONSTRATION_GRANT_FEN or 5000000)") public var demonstrationGrantFen: Int?
    @Option(help: "Days from a grant's decision to its payment date (0…365, default $FUNDING_PAYMENT_DAYS or 30)") public var paymentDays: Int?
    @Option(help: "Days before its payment date that a grant counts as due (0…365, default $FUNDING_DUE_NOTICE_DAYS or 7)") public var dueNoticeDays: Int?
    @Option(help: "Spending beyond a grant's balance: refuse or flag (default $FUNDING_OVERSPEND or refuse)") public var overspend: String?

    public init() {}

    /// The largest grant one may configure: 10 million yuan.
    static let grantRange = 1...1_000_000_000

    public func settings(environment: SettingsEnvironment) throws -> FundingSettings {
        var settings = FundingSettings()
        let amounts: [(GrantKind, Int?, String, String)] = [
            (.naming, namingGrantFen, "naming-grant-fen", "FUNDING_NAMING_GRANT_FEN"),
            (.projectGrant, projectGrantFen, "project-grant-fen", "FUNDING_PROJECT_GRANT_FEN"),
            (.demonstration, demonstrationGrantFen, "demonstration-grant-fen", "FUNDING_DEMONSTRATION_GRANT_FEN"),
        ]
        for (kind, flag, option, variable) in amounts {
            let fen = try environment.integer(flag, option: option, variable: variable, range: Self.grantRange, default: Int(kind.defaultAmount.fen))
            settings.amounts[kind] = Money(fen: Int64(fen))
        }
        settings.paymentDays = try environment.integer(paymentDays, option: "payment-days", variable: "FUNDING_PAYMENT_DAYS", range: 0...365, default: settings.paymentDays)
        settings.dueNoticeDays = try environment.integer(dueNoticeDays, option: "due-notice-days", variable: "FUNDING_DUE_NOTICE_DAYS", range: 0...365, default: settings.dueNoticeDays)
        settings.overspend = try environment.choice(overspend, option: "overspend", variable: "FUNDING_OVERSPEND", default: settings.overspend)
        return settings
    }
}
