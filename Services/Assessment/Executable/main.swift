import AssessmentService
import Foundation
import ServiceKit

// ASSESSMENT_WINDOW_DAYS (1…365, default 90): how long before a cycle ends its assessment opens (Art 17).
// ASSESSMENT_EXPIRY_GRACE_DAYS (1…3650, default 90): how long after a cycle ends unassessed the studio keeps its title.
await ServiceCLI.main(module: AssessmentModule(settings: .from(environment: ProcessInfo.processInfo.environment)))
