import IntakeService
import ServiceKit

await ServiceCommand<IntakeProgram>.launch()
