import FundingService
import ServiceKit

await ServiceCLI.main(module: FundingModule())
