import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// 公示 is public (Art 11, 13, 14): a published proposed list is readable without a token (studio, unit, area,
/// screening body and the period; no personal data), and anyone may lodge an objection (异议) during the period.
/// The objector's name and contact are kept for the department and never returned by a public endpoint.
struct PublicNoticeController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase
    let referenceData: ReferenceData

    /// Mounted at `public`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("notices", use: list)
            .get("rounds/:round/notice", use: show)
            .post("rounds/:round/objections", use: object)
    }

    var today: LocalDate { LocalDate(environment.now()) }

    /// Published notices, newest first, one page (`offset`, `limit`; `total` counts them all).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PublicProposedListPage {
        let offset = try QueryValues.integer(request, "offset", fallback: 0, in: 0...1_000_000)
        let limit = try QueryValues.integer(request, "limit", fallback: 20, in: 1...100)
        let today = self.today, referenceData = self.referenceData
        return try await database.publicNotices(offset: offset, limit: limit, today: today, referenceData: referenceData)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> PublicProposedList {
        let roundID = try context.roundID()
        let today = self.today, referenceData = self.referenceData
        guard let view = try await database.publicNotice(round: roundID, today: today, referenceData: referenceData) else {
            throw Problem.notFound("public notice", zh: "公示", id: roundID)
        }
        return view
    }

    /// The fields' rules, as sent: present, within their bounds, the application on the list.
    static func issues(_ input: PublicObjectionInput) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        func bounded(_ value: String, _ field: String, zh: String, en: String, limit: Int) {
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                issues.append(.required(field, nameZh: zh, nameEn: en))
            } else if value.count > limit {
                issues.append(DomainIssue(code: "objection.\(field)_too_long", field: field, messageZh: "\(zh)不超过\(limit)个字符", messageEn: "\(en) is at most \(limit) characters"))
            }
        }
        bounded(input.applicationId, "applicationId", zh: "异议对象", en: "The application", limit: 100)
        bounded(input.name, "name", zh: "姓名或单位", en: "The name", limit: PublicObjectionInput.nameLimit)
        bounded(input.contact, "contact", zh: "联系方式", en: "The contact", limit: PublicObjectionInput.contactLimit)
        bounded(input.text, "text", zh: "异议内容", en: "The reasons", limit: PublicObjectionInput.textLimit)
        return issues
    }

    @Sendable func object(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PublicObjectionReceipt> {
        let roundID = try context.roundID()
        let input = try await request.decodeJSON(PublicObjectionInput.self, context: context)
        let moment = environment.moment()
        let receipt = try await database.lodgeObjection(round: roundID, input, fieldIssues: Self.issues(input), receivedOn: moment.today, at: moment.millis)
        return EditedResponse(status: .created, response: receipt)
    }
}

extension PublicProposedList: ResponseEncodable {}
extension PublicProposedListPage: ResponseEncodable {}
extension PublicObjectionReceipt: ResponseEncodable {}
