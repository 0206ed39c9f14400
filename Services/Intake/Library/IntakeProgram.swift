import ArgumentParser
import ServiceKit

/// The `intake` executable: the kit's command line over `IntakeModule`.
public enum IntakeProgram: ServiceProgram {
    public static var name: String { "intake" }

    public static func module(_ options: ReferenceDataOptions, environment: SettingsEnvironment) throws -> IntakeModule {
        IntakeModule(referenceData: try options.load(environment: environment))
    }
}
