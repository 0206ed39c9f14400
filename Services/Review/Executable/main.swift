import ReviewService
import ServiceKit

await ServiceCommand<ReviewProgram>.launch()
