import AssessmentService
import Foundation
import ServiceKit

// ASSESSMENT_WINDOW_DAYS (1…365, default 90): how long before a cycle ends its assessment opens (Art 17).
await ServiceCLI.main(module: AssessmentModule(settings: .from(environment: ProcessInfo.processInfo.environment)))
