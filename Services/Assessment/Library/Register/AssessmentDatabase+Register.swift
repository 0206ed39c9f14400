import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The register (名册) as the department, the federation and the public read it.
extension AssessmentDatabase {
    /// Every studio, in the register's order (named on, plaque, name, id).
    func studios() async throws -> [RegisteredStudio] {
        try await read { db in try RegisteredStudio.all(in: db) }
    }

    /// One studio with its title history, assessments and cases, its standing as of `today`.
    func studioDetail(_ id: StudioID, today: LocalDate) async throws -> StudioDetail {
        let settings = self.settings
        return try await read { db in
            let studio = try RegisteredStudio.require(id, in: db)
            return StudioDetail(studio: StudioView(studio, settings: settings, today: today),
                                history: try TitleHistory.entries(of: id, in: db),
                                assessments: try CycleAssessmentView.all(of: id, in: db),
                                demonstrationAcceptances: try DemonstrationAcceptanceView.all(status: nil, in: db).filter { $0.studioId == id },
                                changeReports: try ChangeReportView.all(status: nil, in: db).filter { $0.studioId == id },
                                revocationCases: try RevocationCaseView.all(status: nil, in: db).filter { $0.studioId == id })
        }
    }

    /// A studio and its title history, revoked ones included; nil when the register has no such studio.
    func studioWithHistory(_ id: StudioID) async throws -> (RegisteredStudio, [TitleHistory.Entry])? {
        try await read { db in
            guard let studio = try RegisteredStudio.find(id, in: db) else { return nil }
            return (studio, try TitleHistory.entries(of: id, in: db))
        }
    }

    /// Newest first, a page at a time, filtered by kind and year published.
    func notices(kind: String?, year: Int?, page: PageRequest) async throws -> (items: [PublicNotice], nextCursor: String?, total: Int) {
        try await read { db in try PublicNotice.page(kind: kind, year: year, page: page, in: db) }
    }

    func notice(_ id: String) async throws -> PublicNotice? {
        try await read { db in try PublicNotice.find(id, in: db) }
    }
}
