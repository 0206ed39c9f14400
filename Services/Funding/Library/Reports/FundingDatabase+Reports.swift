import Foundation
import GRDB

/// The grant reports (by year, county or kind), read in one transaction.
extension FundingDatabase {
    func grantReport(by dimension: GrantReport.Dimension, year: Int?) async throws -> GrantReport.Report {
        try await read { db in try GrantReport.build(by: dimension, year: year, in: db) }
    }
}
