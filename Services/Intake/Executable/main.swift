import Foundation
import IntakeService
import ServiceKit
import StudioDomain

// The screening bodies (Art 10) are reference data: the built-in defaults, merged with the file named
// by STUDIO_REFERENCE_DATA when set (new bodies or changed names without a code change).
let referenceData: ReferenceData
if let path = ProcessInfo.processInfo.environment["STUDIO_REFERENCE_DATA"] {
    do {
        referenceData = try ReferenceData.load(from: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("cannot read STUDIO_REFERENCE_DATA \(path): \(error)\n".utf8))
        exit(2)
    }
} else {
    referenceData = .defaults
}
await ServiceCLI.main(module: IntakeModule(referenceData: referenceData))
