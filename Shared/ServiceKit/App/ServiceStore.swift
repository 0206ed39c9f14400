import GRDB
import Messaging

/// What a service's database type (GRDB's `AppDatabase` shape: `FundingDatabase`, `AssessmentDatabase`) holds to
/// run its transactions: the writer the kit opened and migrated, and the group commit every writer of that file
/// shares (`GroupCommit.shared(for:)`). Its `write` and `read` are the two doors its methods go through.
public protocol ServiceStore: Sendable {
    var writer: any DatabaseWriter { get }
    var committer: GroupCommit { get }
}

extension ServiceStore {
    /// One transaction, batched with concurrent ones into one commit (`GroupCommit`); it has committed when this returns.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await committer.write(body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(body)
    }
}
