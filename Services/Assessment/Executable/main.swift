import AssessmentService
import ServiceKit

await ServiceCLI.main(module: AssessmentModule())
