import IntakeService
import ServiceKit

await ServiceCLI.main(module: IntakeModule())
