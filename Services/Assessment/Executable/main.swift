import AssessmentService
import ServiceKit

await ServiceCommand<AssessmentProgram>.launch()
