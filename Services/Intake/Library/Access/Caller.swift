import Foundation
import ServiceKit
import StudioDomain

/// Who is asking, as intake sees it: a screening body (初审单位, Art 10) acting for itself, or the department
/// (经济工作部, Art 8) seeing everything. A screening body token whose code is not in the reference data, or
/// belongs to a body that no longer takes applications, is refused.
enum Caller: Sendable, Equatable {
    case screeningBody(ScreeningBody)
    case department

    /// The screening body's code, nil for the department.
    var bodyCode: String? {
        if case .screeningBody(let body) = self { return body.code }
        return nil
    }

    /// The key idempotency records are kept under.
    var idempotencyScope: String {
        switch self {
        case .screeningBody(let body): "screening_body:\(body.code)"
        case .department: "department"
        }
    }

    /// May this caller see an application pushed by `body`? Others get a 404, so existence does not leak.
    func sees(body: String) -> Bool {
        switch self {
        case .department: true
        case .screeningBody(let own): own.code == body
        }
    }

    /// Reading lets the department and bodies that no longer take applications in; acting (`forReading: false`) does not.
    static func resolve(_ context: AppRequestContext, referenceData: ReferenceData, forReading: Bool = true) throws -> Caller {
        let identity = forReading ? try context.require(.screeningBody, .department) : try context.require(.screeningBody)
        if identity.role == .department { return .department }
        guard let code = identity.subject, let body = referenceData.screeningBody(code: code) else {
            throw Problem(.forbidden, code: "screening_body.unknown", field: "Authorization",
                          zh: "令牌所属的初审单位不在参考数据中", en: "the token's screening body is not in the reference data")
        }
        // A merged or dissolved body still reads its old applications, but pushes no new ones.
        guard body.active || forReading else {
            throw Problem(.forbidden, code: "screening_body.inactive", field: "Authorization",
                          zh: "\(body.nameZh)已停止受理申报", en: "the screening body \(body.code) no longer takes applications")
        }
        return .screeningBody(body)
    }

    /// A screening body only: the acts of Art 10 (create, amend, withdraw, import).
    static func screeningBody(_ context: AppRequestContext, referenceData: ReferenceData) throws -> ScreeningBody {
        guard case .screeningBody(let body) = try resolve(context, referenceData: referenceData, forReading: false) else {
            throw Problem.forbidden(roles: [.screeningBody])
        }
        return body
    }
}
