import FundingService
import ServiceKit

await ServiceCommand<FundingProgram>.launch()
