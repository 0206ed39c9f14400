import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Finance's payment batches: export the approved grants as CSV, import the bank's confirmations.
struct PaymentsController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("payment-batches", use: create)
            .get("payment-batches/:id/csv", use: download)
            .post("payment-confirmations", use: importConfirmations)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PaymentBatches.Created> {
        let actor = Agent(try context.require(.finance))
        let created = try await database.createBatch(by: actor, at: environment.moment())
        return EditedResponse(status: created.batchId == nil ? .ok : .created, response: created)
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.finance)
        let id: PaymentBatchID = try context.identifier("id")
        guard let csv = try await database.batchCSV(id) else {
            throw Problem.notFound("payment batch", zh: "支付批次", id: id.rawValue)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(id).csv\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: csv)))
    }

    /// Body: the CSV. `?mode=all` (default) applies every row or none; `?mode=good-only` applies the good rows.
    /// A file refused in mode `all` is answered with the problem document every 422 is, the report inside it.
    @Sendable func importConfirmations(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ConfirmationImport.Report> {
        let actor = Agent(try context.require(.finance))
        // A bad query value is the kit's 400 naming it, as everywhere.
        let mode = ConfirmationImport.Mode(rawValue: try QueryValues.oneOf(request, "mode", ["all", "good-only"]) ?? "all") ?? .all
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let rows = try ConfirmationImport.parse(Array(buffer.readableBytesView))
        let report = try await database.confirmPayments(rows, mode: mode, by: actor, at: environment.moment())
        if report.rejected > 0 && mode == .all {
            throw Problem(.unprocessableContent, titleZh: "确认文件中有不符的行，未确认任何拨付",
                          titleEn: "rows of the file do not match their grants; no payment was confirmed",
                          issues: report.rows.flatMap(\.issues), extensionMember: .init(name: "report", value: report))
        }
        return EditedResponse(status: .ok, response: report)
    }
}
