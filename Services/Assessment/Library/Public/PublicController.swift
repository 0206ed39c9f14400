import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The public pages of the register: unauthenticated and read-only. They show studios and units, never a
/// person: no leader's name, no ID number, no phone number (the register holds neither of the last two).
struct PublicController {
    let environment: ServiceEnvironment
    let settings: AssessmentSettings

    func add(to router: Router<AppRequestContext>) {
        router.get("public/studios", use: studios)
        router.get("public/studios/:id", use: studio)
        router.get("public/notices", use: notices)
        router.get("public/notices/:id", use: notice)
    }

    /// The studios that hold the title today (Art 17, 20: a revoked one comes off the list; its
    /// notice stays under /public/notices).
    @Sendable func studios(_ request: Request, context: AppRequestContext) async throws -> Listing<PublicStudio> {
        let referenceData = settings.referenceData
        let studios = try await environment.database.read { db in try RegisteredStudio.all(in: db) }.filter(\.status.holdsTitle)
        return Listing(items: studios.map { studio in
            Self.row(studio, referenceData: referenceData)
        })
    }

    /// Exactly the columns the public list shows; built field by field so nothing else can slip in.
    static func row(_ studio: RegisteredStudio, referenceData: ReferenceData) -> PublicStudio {
        PublicStudio(id: studio.id, name: studio.studioName, unit: studio.unitName,
                     area: referenceData.screeningBody(code: studio.screeningBodyCode)?.nameZh ?? studio.screeningBodyCode,
                     level: studio.level, yearNamed: studio.namedOn.year, status: studio.status)
    }

    /// One studio's page, revoked ones included (their history stays public).
    @Sendable func studio(_ request: Request, context: AppRequestContext) async throws -> PublicStudioPage {
        let id = StudioID(try context.parameters.require("id"))
        let referenceData = settings.referenceData
        guard let (studio, history) = try await environment.database.read({ db -> (RegisteredStudio, [TitleHistory.Entry])? in
            guard let studio = try RegisteredStudio.find(id, in: db) else { return nil }
            return (studio, try TitleHistory.entries(of: id, in: db))
        }) else { throw Problem.notFound("studio", zh: "工作室", id: id.rawValue) }
        return PublicStudioPage(studio: Self.row(studio, referenceData: referenceData), namedOn: studio.namedOn, plaqueNumber: studio.plaqueNumber,
                                history: history.map { PublicTitleEvent(kind: $0.kind, toStatus: $0.toStatus, effectiveOn: $0.effectiveOn) })
    }

    @Sendable func notices(_ request: Request, context: AppRequestContext) async throws -> Listing<PublicNoticeView> {
        Listing(items: try await environment.database.read { db in try PublicNotice.all(in: db) }.map(Self.view))
    }

    @Sendable func notice(_ request: Request, context: AppRequestContext) async throws -> PublicNoticeView {
        let id = try context.parameters.require("id")
        guard let notice = try await environment.database.read({ db in try PublicNotice.find(id, in: db) }) else {
            throw Problem.notFound("notice", zh: "通报", id: id)
        }
        return Self.view(notice)
    }

    static func view(_ notice: PublicNotice) -> PublicNoticeView {
        PublicNoticeView(id: notice.id, studioId: notice.studioId, reason: notice.reason, title: notice.titleZh, body: notice.bodyZh,
                         publishedOn: notice.publishedOn)
    }
}

extension PublicNoticeView: ResponseEncodable {}
extension PublicStudioPage: ResponseEncodable {}
