import Foundation
import Hummingbird
import ServiceKit
import Spreadsheet
import StudioDomain

/// `POST /rounds/{id}/import`: a screening body uploads its round's applications as CSV or as an Excel workbook
/// (`.xlsx`, its first sheet), recognised by content.
struct ImportController {
    let environment: ServiceEnvironment
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("rounds/:id/import", use: importCSV)
            .get("import-template.csv", use: template)
            .get("import-template.xlsx", use: workbookTemplate)
    }

    /// Columns typed into as long digit strings, text-formatted in the template so Excel keeps every digit.
    static let textColumns: Set<String> = ImportColumns.identifierFields.union(["leader.phone", "leader.certificateNumber"])

    /// The import sheet as a workbook: the header row, and the ID-number, credit-code, phone and certificate
    /// columns formatted as text (`@`), so Excel does not turn an 18-digit number into `3.30802E+17`.
    @Sendable func workbookTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Caller.screeningBody(context, referenceData: referenceData)
        let columns = ImportColumns.all.map { column in
            XLSXColumn(column.header, width: Self.textColumns.contains(column.field) ? 22 : max(10, Double(column.header.count) * 2.2),
                       text: Self.textColumns.contains(column.field))
        }
        let bytes = try XLSXWriter.write([XLSXSheet(name: "申报导入", columns: columns, rows: [])])
        return Response(status: .ok, headers: [.contentType: XLSXWriter.contentType,
                                               .contentDisposition: "attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
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
        let records: [SheetRow]
        let encoding: String
        if XLSXReader.looksLikeXLSX(bytes) {
            switch Result(catching: { () throws(XLSXError) -> [SheetRow] in try XLSXReader.sheets(bytes).first?.rows ?? [] }) {
            case .success(let rows): records = rows
            case .failure(let error):
                throw Problem.validation([DomainIssue(code: "xlsx_unreadable", field: "body", messageZh: error.messageZh, messageEn: error.messageEn)])
            }
            encoding = "xlsx"
        } else {
            guard let (text, detected) = TextDecoding.decode(bytes, declared: declared) else {
                throw Problem.validation([DomainIssue(code: "csv_encoding", field: "body", messageZh: "文件既不是 UTF-8 也不是 GB18030 编码", messageEn: "the file is neither UTF-8 nor GB18030")])
            }
            // A quoting problem spoils its row only: the importer reports it with the row's number.
            records = CSVReader.records(text).map(SheetRow.init)
            encoding = detected.rawValue
        }
        let idempotent = try IdempotentRequest(request, caller: Caller.screeningBody(body).idempotencyScope, body: bytes + Array(request.uri.description.utf8))
        do {
            return try await database.importApplications(records, encoding: encoding, into: roundID, by: body, goodRowsOnly: goodRowsOnly,
                                                         request: idempotent, at: environment.moment()).response
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
