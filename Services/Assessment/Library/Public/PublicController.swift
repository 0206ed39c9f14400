import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The public pages of the register: unauthenticated and read-only. They show studios and units, never a
/// person: no leader's name, no ID number, no phone number (the register holds neither of the last two).
struct PublicController {
    let database: AssessmentDatabase

    /// Mounted at `public`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("studios", use: studios)
            .get("studios/:id", use: studio)
            .get("notices", use: notices)
            .get("notices/:id", use: notice)
    }

    var settings: AssessmentSettings { database.settings }

    /// The studios that hold the title today (Art 17, 20: a revoked or expired one comes off the list; its
    /// notice stays under /public/notices).
    /// In the register's order (year named, area, name); `q` finds a studio, unit or area by part of its name, and
    /// `offset`/`limit` give one page of it (`total` counts them all), so a page of 50 costs the same with 2,000.
    @Sendable func studios(_ request: Request, context: AppRequestContext) async throws -> PublicStudioPageList {
        let referenceData = settings.referenceData
        let query = request.uri.queryParameters
        if let raw = query["q"], raw.count > 100 {
            throw Problem.validation([DomainIssue(code: "query_q", field: "q", messageZh: "查找内容不超过100个字符", messageEn: "q is at most 100 characters")])
        }
        let search = query["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let offset = try Self.count(query["offset"].map(String.init), field: "offset", default: 0, range: 0...1_000_000)
        let limit = try Self.count(query["limit"].map(String.init), field: "limit", default: 5000, range: 1...5000)
        let rows = try await database.studios().filter(\.status.holdsTitle)
            .map { Self.row($0, referenceData: referenceData) }
            .filter { search.isEmpty || $0.name.contains(search) || $0.unit.contains(search) || $0.area.contains(search) }
            .sorted { ($0.yearNamed, $0.area, $0.name, $0.id.rawValue) < ($1.yearNamed, $1.area, $1.name, $1.id.rawValue) }
        let page = offset >= rows.count ? [] : Array(rows[offset..<min(rows.count, offset + limit)])
        return PublicStudioPageList(items: page, total: rows.count)
    }

    struct PublicStudioPageList: Encodable, ResponseEncodable, Sendable {
        var items: [PublicStudio]
        var total: Int
    }

    static func count(_ text: String?, field: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem.validation([DomainIssue(code: "query_\(field)", field: field, messageZh: "\(field) 须为 \(range.lowerBound) 至 \(range.upperBound) 的整数",
                                                  messageEn: "\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)")])
        }
        return number
    }

    /// Exactly the columns the public list shows; built field by field so nothing else can slip in.
    static func row(_ studio: RegisteredStudio, referenceData: ReferenceData) -> PublicStudio {
        PublicStudio(id: studio.id, name: studio.studioName, unit: studio.unitName,
                     area: referenceData.screeningBody(code: studio.screeningBodyCode)?.nameZh ?? studio.screeningBodyCode,
                     level: studio.level, yearNamed: studio.namedOn.year, status: studio.status)
    }

    /// One studio's page, revoked ones included (their history stays public).
    @Sendable func studio(_ request: Request, context: AppRequestContext) async throws -> PublicStudioPage {
        let id: StudioID = try context.identifier("id")
        let referenceData = settings.referenceData
        guard let (studio, history) = try await database.studioWithHistory(id) else { throw Problem.notFound("studio", zh: "工作室", id: id.rawValue) }
        return PublicStudioPage(studio: Self.row(studio, referenceData: referenceData), namedOn: studio.namedOn, plaqueNumber: studio.plaqueNumber,
                                history: history.map { PublicTitleEvent(kind: $0.kind, toStatus: $0.toStatus, effectiveOn: $0.effectiveOn) })
    }

    /// Newest first, a page at a time (over published_at descending, then id), filtered by kind and year published.
    @Sendable func notices(_ request: Request, context: AppRequestContext) async throws -> Listing<PublicNoticeView> {
        let kind = try QueryValues.oneOf(request, "kind", ["revocation", "expiry"])
        let year = try QueryValues.year(request)
        let (notices, next, total) = try await database.notices(kind: kind, year: year, page: try PageRequest.parse(request))
        return Listing(items: notices.map(Self.view), nextCursor: next, total: total)
    }

    @Sendable func notice(_ request: Request, context: AppRequestContext) async throws -> PublicNoticeView {
        let id = try context.parameters.require("id")
        guard let notice = try await database.notice(id) else {
            throw Problem.notFound("notice", zh: "通报", id: id)
        }
        return Self.view(notice)
    }

    static func view(_ notice: PublicNotice) -> PublicNoticeView {
        PublicNoticeView(id: notice.id, studioId: notice.studioId, kind: notice.kind, reason: notice.reason, title: notice.titleZh, body: notice.bodyZh,
                         publishedOn: notice.publishedOn)
    }
}

extension PublicNoticeView: ResponseEncodable {}
extension PublicStudioPage: ResponseEncodable {}
