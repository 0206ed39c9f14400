import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The register (名册) for the department and the federation, and the Art 17 due / overdue list.
struct RegisterController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("studios", use: list)
            .get("studios/:id", use: show)
            .get("assessments/due", use: due)
    }

    var settings: AssessmentSettings { database.settings }

    var today: LocalDate { LocalDate(environment.now()) }

    /// `?status=active&level=city&overdue=true`
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<StudioView> {
        try context.require(.department, .federation)
        let query = request.uri.queryParameters
        var issues: [DomainIssue] = []
        let status = query["status"].map(String.init)
        if let status, StudioStatus(rawValue: status) == nil {
            issues.append(DomainIssue(code: "query.status", field: "status", messageZh: "状态须为 active、demonstration、revoked 或 expired。", messageEn: "status must be active, demonstration, revoked or expired."))
        }
        let level = query["level"].map(String.init)
        if let level, StudioLevel(rawValue: level) == nil {
            issues.append(DomainIssue(code: "query.level", field: "level", messageZh: "级别须为 city 或 provincial。", messageEn: "level must be city or provincial."))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let overdueOnly = try QueryValues.boolean(request, "overdue") == true
        // What people search the register by: the studio's name, the unit, the county, the year it was named.
        func text(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let name = text("name"), unit = text("unit"), body = text("screeningBody")
        let year = try QueryValues.year(request)
        let page = try PageRequest.parse(request, keyParts: 4)
        let today = self.today
        let studios = try await database.studios()
        // The register's order (named on, plaque, name, id) is the page's key; status and standing are derived, so
        // the filter and the page are taken here.
        let views = studios.map { StudioView($0, settings: settings, today: today) }.filter { view in
            (status == nil || view.status.rawValue == status) && (level == nil || view.level.rawValue == level)
                && (!overdueOnly || view.standing?.overdue == true)
                && (name.map { view.studioName.contains($0) } ?? true) && (unit.map { view.unitName.contains($0) } ?? true)
                && (body.map { view.screeningBody.code == $0 } ?? true) && (year.map { view.namedOn.year == $0 } ?? true)
        }
        func key(_ view: StudioView) -> [String] { [view.namedOn.description, view.plaque?.number ?? "", view.studioName, view.id.rawValue] }
        let (items, next) = page.page(sorted: views, key: key)
        return Listing(items: items, nextCursor: next, total: views.count)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> StudioDetail {
        try context.require(.department, .federation)
        return try await database.studioDetail(try context.identifier("id"), today: today)
    }

    /// City studios whose assessment window is open today, overdue ones first: the department's work list.
    /// Evaluated on every call from the clock, so nothing has to run in the background.
    @Sendable func due(_ request: Request, context: AppRequestContext) async throws -> Listing<StudioView> {
        try context.require(.department, .federation)
        let overdueOnly = try QueryValues.boolean(request, "overdue") == true
        // Filtered by what the department searches by (name, unit, county); a page at a time, over the list's order
        // (the cycle's end, the name, the id): the window is derived from the clock, so the page is taken here.
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let name = text("name"), unit = text("unit"), body = text("screeningBody")
        let page = try PageRequest.parse(request, keyParts: 3)
        let today = self.today
        let studios = try await database.studios()
        func key(_ view: StudioView) -> [String] { [view.standing?.cycle.end.description ?? "", view.studioName, view.id.rawValue] }
        func matches(_ view: StudioView) -> Bool {
            guard view.standing?.assessmentWindowOpen == true, !overdueOnly || view.standing?.overdue == true else { return false }
            if let name, !view.studioName.contains(name) { return false }
            if let unit, !view.unitName.contains(unit) { return false }
            if let body, view.screeningBody.code != body { return false }
            return true
        }
        let views: [StudioView] = studios.map { StudioView($0, settings: settings, today: today) }
        let due: [StudioView] = views.filter(matches).sorted { key($0).lexicographicallyPrecedes(key($1)) }
        let (items, next) = page.page(sorted: due, key: key)
        return Listing(items: items, nextCursor: next, total: due.count)
    }
}

extension StudioDetail: ResponseEncodable {}
