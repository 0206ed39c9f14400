import ArgumentParser
import ServiceKit

/// The `review` executable: the kit's command line over `ReviewModule`. The screening bodies' names (the
/// public notice's area) come from the same reference data as intake's.
public enum ReviewProgram: ServiceProgram {
    public static var name: String { "review" }

    public static func module(_ options: ReferenceDataOptions, environment: SettingsEnvironment) throws -> ReviewModule {
        ReviewModule(referenceData: try options.load(environment: environment))
    }
}
