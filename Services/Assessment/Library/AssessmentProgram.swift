import ArgumentParser
import ServiceKit

/// The `assessment` executable: the kit's command line over `AssessmentModule`.
public enum AssessmentProgram: ServiceProgram {
    public static var name: String { "assessment" }

    public static func module(_ options: AssessmentOptions, environment: SettingsEnvironment) throws -> AssessmentModule {
        AssessmentModule(settings: try options.settings(environment: environment))
    }
}

/// `AssessmentSettings` on the command line.
public struct AssessmentOptions: ParsableArguments {
    @Option(help: "Days before a cycle ends that its assessment opens, Art 17 (1…365, default $ASSESSMENT_WINDOW_DAYS or 90)")
    public var assessmentWindowDays: Int?
    @Option(help: "Days after a cycle ends unassessed that the studio keeps its title (1…3650, default $ASSESSMENT_EXPIRY_GRACE_DAYS or 90)")
    public var expiryGraceDays: Int?
    @OptionGroup public var reference: ReferenceDataOptions

    public init() {}

    public func settings(environment: SettingsEnvironment) throws -> AssessmentSettings {
        AssessmentSettings(
            assessmentWindowDays: try environment.integer(assessmentWindowDays, option: "assessment-window-days",
                                                          variable: "ASSESSMENT_WINDOW_DAYS", range: 1...365, default: 90),
            referenceData: try reference.load(environment: environment),
            expiryGraceDays: try environment.integer(expiryGraceDays, option: "expiry-grace-days", variable: "ASSESSMENT_EXPIRY_GRACE_DAYS",
                                                     range: AssessmentSettings.expiryGraceRange, default: 90))
    }
}
