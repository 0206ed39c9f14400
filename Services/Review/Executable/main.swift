import ReviewService
import ServiceKit

await ServiceCLI.main(module: ReviewModule())
