import GRDB
import Messaging

/// What every service's database type holds (GRDB's `AppDatabase` shape): the writer the kit opened and
/// migrated, the group commit every writer of that file shares (`GroupCommit.shared(for:)`), and the outbox
/// whose events commit with the change.
public struct ServiceStorage: Sendable {
    public let writer: any DatabaseWriter
    public let outbox: Outbox
    public let committer: GroupCommit

    public init(writer: any DatabaseWriter, outbox: Outbox) {
        self.writer = writer
        self.outbox = outbox
        committer = GroupCommit.shared(for: writer)
    }

    public init(_ environment: ServiceEnvironment) {
        self.init(writer: environment.database, outbox: environment.outbox)
    }
}

/// A service's database type (`FundingDatabase`, `AssessmentDatabase`): its `storage` and the settings its rules
/// read; `write` and `read` are the two doors its transactions go through.
public protocol ServiceStore: Sendable {
    associatedtype Settings: Sendable
    var storage: ServiceStorage { get }
    var settings: Settings { get }
    init(storage: ServiceStorage, settings: Settings)
}

extension ServiceStore {
    public init(_ environment: ServiceEnvironment, settings: Settings) {
        self.init(storage: ServiceStorage(environment), settings: settings)
    }

    public var writer: any DatabaseWriter { storage.writer }
    public var outbox: Outbox { storage.outbox }

    /// One transaction, batched with concurrent ones into one commit (`GroupCommit`); it has committed when this returns.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storage.committer.write(body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storage.writer.read(body)
    }
}
