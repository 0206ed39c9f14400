import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// `POST /rounds/{id}/import`: a screening body uploads its round's applications as CSV.
struct ImportController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds/:id/import", use: importCSV)
        router.get("import-template.csv", use: template)
    }

    /// The import sheet's header row (UTF-8 with a BOM, so Excel and WPS open it as Chinese text), for a
    /// screening body to fill in.
    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Caller.screeningBody(context, referenceData: referenceData)
        let header = ImportColumns.all.map(\.header).joined(separator: ",") + "\r\n"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"],
                        body: .init(byteBuffer: ByteBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array(header.utf8))))
    }

    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try Caller.screeningBody(context, referenceData: referenceData)
        let roundID = RoundID(try context.parameters.require("id"))
        let query = request.uri.queryParameters
        let goodRowsOnly = query["goodRowsOnly"].map { $0 == "true" || $0 == "1" } ?? false
        var declared: TextDecoding.Encoding?
        if let name = query["encoding"].map({ String($0).lowercased() }) {
            switch name {
            case "utf-8", "utf8": declared = .utf8
            case "gb18030", "gbk", "gb2312": declared = .gb18030
            default: throw Problem.validation([DomainIssue(code: "encoding_unknown", field: "encoding", messageZh: "编码须为 utf-8 或 gb18030", messageEn: "encoding must be utf-8 or gb18030")])
            }
        }
        let bytes = try await JSONBody.bytes(request, context: context)
        guard let (text, encoding) = TextDecoding.decode(bytes, declared: declared) else {
            throw Problem.validation([DomainIssue(code: "csv_encoding", field: "body", messageZh: "文件既不是 UTF-8 也不是 GB18030 编码", messageEn: "the file is neither UTF-8 nor GB18030")])
        }
        let records: [CSVRecord]
        do {
            records = try CSVParser.parse(text)
        } catch {
            let line = switch error { case .unterminatedQuote(let line), .strayQuote(let line): line }
            throw Problem.validation([DomainIssue(code: "csv_syntax", field: "body", messageZh: "第\(line)行的引号不成对，文件不是有效的 CSV", messageEn: "unbalanced quotes on line \(line): the file is not valid CSV")])
        }
        let now = environment.now()
        let today = LocalDate(now)
        let importer = RoundImport(workflow: ApplicationWorkflow(outbox: environment.outbox))
        do {
            return try await IdempotencyStore.run(request: request, caller: Caller.screeningBody(body).idempotencyScope, body: bytes + Array(request.uri.description.utf8),
                                                  database: environment.database, now: Millis.from(now)) { db in
                guard let round = try RoundStore.find(roundID, in: db) else { throw Problem.notFound("round", zh: "批次", id: roundID.rawValue) }
                if let issue = round.windowIssue(on: today) { throw Problem.validation([issue]) }
                let report = try importer.run(records, encoding: encoding, round: round, body: body.code, goodRowsOnly: goodRowsOnly,
                                              today: today, now: Millis.from(now), in: db)
                return StoredResponse(status: 200, body: try JSONBody.encode(report))
            }
        } catch let rejected as ImportRejected {
            return try Self.problem(rejected.report)
        }
    }

    /// A 422 problem document whose `errors` name each bad cell as `rows[5].leader.skillLevel`, with the full
    /// report (row, column, reason) as the extension member `report`.
    static func problem(_ report: ImportReport) throws -> Response {
        struct Body: Encodable {
            var type = "https://qz-studios.invalid/problems/csv_import_rejected"
            var title = "导入未通过校验，未导入任何数据 / the import failed validation; nothing was imported"
            var status = 422
            var detail: String
            var errors: [DomainIssue]
            var report: ImportReport
        }
        let issues = report.errors.map { row in
            DomainIssue(code: row.code, field: "rows[\(row.row)]" + (row.field.map { ".\($0)" } ?? ""), article: row.article,
                        messageZh: "第\(row.row)行" + (row.column.map { "“\($0)”列" } ?? "") + "：" + row.messageZh,
                        messageEn: "row \(row.row)" + (row.column.map { ", column \($0)" } ?? "") + ": " + row.messageEn)
        }
        let body = Body(detail: "\(report.rejectedRows.count) of \(report.rows) rows have problems", errors: issues, report: report)
        return Response(status: .unprocessableContent, headers: [.contentType: "application/problem+json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(data: try DomainJSON.encoder().encode(body))))
    }
}
