import Foundation
import ReviewService
import ServiceKit
import StudioDomain

// The screening bodies' names (the public notice's area) come from the same reference data as intake's:
// the built-in defaults, merged with the file named by STUDIO_REFERENCE_DATA when set.
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
await ServiceCLI.main(module: ReviewModule(referenceData: referenceData))
