import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// An error a client sees: RFC 9457 `application/problem+json` with the list of issues, each naming its
/// field, the article of the regulation where one applies, and a message in Chinese and in English.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var titleZh: String
    public var titleEn: String
    public var issues: [DomainIssue]
    /// An RFC 9457 extension member beside `errors`, e.g. an import's report of every row, so that a refusal
    /// is still the problem document the OpenAPI declares and keeps the details a client needs.
    public var extensionMember: ExtensionMember?

    public struct ExtensionMember: Sendable {
        public var name: String
        public var value: any Encodable & Sendable

        public init(name: String, value: any Encodable & Sendable) {
            self.name = name
            self.value = value
        }
    }

    public init(_ status: HTTPResponse.Status, titleZh: String, titleEn: String, issues: [DomainIssue] = [],
                extensionMember: ExtensionMember? = nil) {
        self.status = status
        self.titleZh = titleZh
        self.titleEn = titleEn
        self.issues = issues
        self.extensionMember = extensionMember
    }

    /// One issue, the common case.
    public init(_ status: HTTPResponse.Status, code: String, field: String, article: String? = nil, zh: String, en: String) {
        self.init(status, titleZh: zh, titleEn: en, issues: [DomainIssue(code: code, field: field, article: article, messageZh: zh, messageEn: en)])
    }

    /// A state-machine refusal (409): the code, the field and the article the rule rests on, where one does.
    public static func conflict(_ code: String, field: String = "-", article: Article? = nil, zh: String, en: String) -> Problem {
        Problem(.conflict, code: code, field: field, article: article?.reference, zh: zh, en: en)
    }

    /// One bad field (422), with the article where one applies.
    public static func invalid(_ code: String, field: String, article: Article? = nil, zh: String, en: String) -> Problem {
        .validation([DomainIssue(code: code, field: field, article: article?.reference, messageZh: zh, messageEn: en)])
    }

    public static func validation(_ issues: [DomainIssue]) -> Problem {
        Problem(.unprocessableContent, titleZh: "请求未通过校验", titleEn: "the request failed validation", issues: issues)
    }

    /// `what` names the thing in English (also the problem's field), `zh` in Chinese, so neither message mixes the two.
    public static func notFound(_ what: String, zh whatZh: String, id: String) -> Problem {
        Problem(.notFound, code: "not_found", field: what, zh: "未找到\(whatZh)：\(id)", en: "no \(what) with id \(id)")
    }

    /// The same for a typed identifier (`RoundID`, `ExpertID` …).
    public static func notFound(_ what: String, zh whatZh: String, id: some DomainIdentifier) -> Problem {
        notFound(what, zh: whatZh, id: id.rawValue)
    }

    /// A text field that must not be blank (spaces only count as blank): the 422 `required` naming it, in both languages.
    public static func requireText(_ text: String, field: String, nameZh: String, nameEn: String) throws {
        guard text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        throw Problem.validation([.required(field, nameZh: nameZh, nameEn: nameEn)])
    }

    public static func badRequest(field: String, zh: String, en: String) -> Problem {
        Problem(.badRequest, code: "bad_request", field: field, zh: zh, en: en)
    }

    public static let unauthorized = Problem(.unauthorized, code: "auth.missing_or_invalid_token", field: "Authorization",
                                             zh: "缺少或无效的访问令牌", en: "missing or invalid bearer token")

    public static func forbidden(roles: [Role]) -> Problem {
        Problem(.forbidden, code: "auth.forbidden", field: "Authorization",
                zh: "无权执行此操作，需要角色：\(roles.map(\.nameZh).joined(separator: "、"))",
                en: "not allowed; this needs the role \(roles.map(\.rawValue).joined(separator: " or "))")
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var errors: [DomainIssue]
        var extensionMember: ExtensionMember?

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(type, forKey: Key("type"))
            try container.encode(title, forKey: Key("title"))
            try container.encode(status, forKey: Key("status"))
            try container.encode(detail, forKey: Key("detail"))
            try container.encode(errors, forKey: Key("errors"))
            if let extensionMember { try container.encode(extensionMember.value, forKey: Key(extensionMember.name)) }
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(type: "https://qz-studios.invalid/problems/\(issues.first?.code ?? "error")",
                        title: "\(titleZh) / \(titleEn)", status: Int(status.code),
                        detail: issues.map { "\($0.field): \($0.messageEn)" }.joined(separator: "; "), errors: issues,
                        extensionMember: extensionMember)
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let data = try DomainJSON.encoder().encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into a problem response: constraint violations become 409, a stored value the service cannot
/// read back is logged and answered 500 `storage.bad_value`, and anything unexpected is logged and answered 500
/// without internals. (A client's undecodable body is a problem naming its field before it gets here.)
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.problem(for: error).response(from: request, context: context)
        } catch let error as DecodingError {
            // A client's body is decoded by `JSONNumberFields.decode`, which turns its errors into problems: this one
            // comes from a value the service stored (a JSON column, a `Codable` record).
            return try Self.badStoredValue("\(error)", request: request, context: context)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            return try Problem(.conflict, code: "conflict", field: "-", zh: "记录已存在", en: "the record already exists")
                .response(from: request, context: context)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return try Problem(.serviceUnavailable, code: "storage.unavailable", field: "-", zh: "存储暂不可用，请稍后重试", en: "storage is unavailable, try again later")
                .response(from: request, context: context)
        } catch let error as StoredValueError {
            return try Self.badStoredValue("\(error)", request: request, context: context)
        } catch let error as RowDecodingError {
            return try Self.badStoredValue("\(error)", request: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try Problem(.internalServerError, code: "internal", field: "-", zh: "服务器内部错误", en: "internal server error")
                .response(from: request, context: context)
        }
    }

    /// A value in the service's own database that it cannot read back (`StoredValueError`, or GRDB's for a record):
    /// logged as an error, answered 500 without the value.
    static func badStoredValue(_ description: String, request: Request, context: Context) throws -> Response {
        context.logger.error("stored value unreadable", metadata: ["error": "\(description)", "path": "\(request.uri.path)"])
        return try Problem(.internalServerError, code: "storage.bad_value", field: "-", zh: "数据库中有无法读取的记录，请联系运维人员",
                           en: "a stored record cannot be read; tell the operator").response(from: request, context: context)
    }

    static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .contentTooLarge:
            return Problem(.contentTooLarge, code: "request.too_large", field: "body", zh: "请求体过大", en: "the request body is too large")
        case .notFound:
            return Problem(.notFound, code: "route.not_found", field: "path", zh: "没有这个接口", en: "no such endpoint")
        case .methodNotAllowed:
            return Problem(.methodNotAllowed, code: "route.method_not_allowed", field: "method", zh: "该接口不支持此方法", en: "method not allowed on this endpoint")
        case .badRequest:
            return Problem(.badRequest, code: "request.bad", field: "body", zh: "请求格式错误：\(error.body ?? "")", en: "bad request: \(error.body ?? "")")
        case .unauthorized:
            return .unauthorized
        default:
            return Problem(error.status, code: "http.\(error.status.code)", field: "-", zh: error.body ?? error.status.reasonPhrase, en: error.body ?? error.status.reasonPhrase)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return .validation([DomainIssue(code: "field.missing", field: field, messageZh: "缺少必填字段 \(field)", messageEn: "the field \(field) is required")])
        case .typeMismatch(let type, let context):
            let field = path(context)
            return .validation([DomainIssue(code: "field.type", field: field, messageZh: "字段 \(field) 类型错误，应为 \(type)", messageEn: "the field \(field) must be of type \(type)")])
        case .valueNotFound(let type, let context):
            let field = path(context)
            return .validation([DomainIssue(code: "field.null", field: field, messageZh: "字段 \(field) 不能为空，应为 \(type)", messageEn: "the field \(field) must not be null (\(type))")])
        case .dataCorrupted(let context):
            let field = path(context)
            if context.codingPath.isEmpty {
                return Problem(.badRequest, code: "body.invalid_json", field: "body", zh: "请求体不是有效的 JSON", en: "the body is not valid JSON")
            }
            return .validation([DomainIssue(code: "field.invalid", field: field, messageZh: "字段 \(field) 的值无效：\(context.debugDescription)", messageEn: "the field \(field) is invalid: \(context.debugDescription)")])
        @unknown default:
            return Problem(.badRequest, code: "body.invalid", field: "body", zh: "请求体无效", en: "the body is invalid")
        }
    }
}
