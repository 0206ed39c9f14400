import Foundation
import GRDB
import Synchronization

/// Group commit: write transactions that arrive while another is committing are run together in the next
/// transaction, each inside its own savepoint, so a batch pays one fsync (`synchronous = FULL`) instead
/// of one per caller. Nothing is weakened: every caller resumes only after the transaction holding its
/// work has committed to disk; a caller whose work throws has only its own savepoint rolled back and gets
/// its error; if the commit itself fails, every caller of that batch gets the error and nothing of it is
/// stored. Work runs in arrival order, so each sees the committed-or-batched effects of the ones before,
/// as if the transactions had run one after another (which, for SQLite's single writer, they do).
public final class GroupCommit: Sendable {
    /// One caller's work and its continuation; `run` happens on the writer, `finish` after the commit.
    ///
    /// Why `@unchecked` holds: the stored closures are `let`s; the `outcome` they share is written by `run`,
    /// on the writer's queue inside the batch's transaction, and read by `finish`, which the same batch calls
    /// after that transaction returned, on the same queue: never at the same time. Each job is run once and
    /// finished once (the drain takes it off `pending` under the state's `Mutex`).
    private final class Job: @unchecked Sendable {
        private let body: (Database) -> Void
        private let resume: ((any Error)?) -> Void
        init<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T, _ continuation: CheckedContinuation<T, any Error>) {
            var outcome: Result<T, any Error>?
            body = { db in
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try work(db)
                        return .commit
                    }
                    outcome = .success(value!)
                } catch {
                    outcome = .failure(error)
                }
            }
            resume = { commitError in
                if let commitError { continuation.resume(throwing: commitError) }
                else if let outcome { continuation.resume(with: outcome) }
                else { continuation.resume(throwing: DatabaseError(resultCode: .SQLITE_ABORT, message: "group commit: the work did not run")) }
            }
        }
        func run(_ db: Database) { body(db) }
        func finish(_ commitError: (any Error)?) { resume(commitError) }
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private let state = Mutex(State())

    public init(_ writer: any DatabaseWriter, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
    }

    /// Why `@unchecked` holds: a `weak var` cannot be `Sendable`-checked, but every read and write of it is
    /// inside `registry.withLock`.
    private final class WeakEntry: @unchecked Sendable { weak var value: GroupCommit? }
    private static let registry = Mutex<[ObjectIdentifier: WeakEntry]>([:])

    /// The group commit of `writer` in this process, shared by everyone who writes to it (the inbox, the
    /// dispatcher, request handlers), so their transactions batch together. Held weakly here: it lives as
    /// long as its users do.
    public static func shared(for writer: any DatabaseWriter) -> GroupCommit {
        let key = ObjectIdentifier(writer as AnyObject)
        return registry.withLock { registry in
            if let existing = registry[key]?.value, existing.writer as AnyObject === writer as AnyObject { return existing }
            registry = registry.filter { $0.value.value != nil }
            let created = GroupCommit(writer)
            let entry = WeakEntry()
            entry.value = created
            registry[key] = entry
            return created
        }
    }

    /// Like `DatabaseWriter.write`: `body` runs in a write transaction that has committed when this returns.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(body, continuation)
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { scheduleBatch() }
        }
    }

    /// Runs the next batch on the writer's own queue: no task and no actor hop between a caller and its
    /// transaction, and the callers are resumed from the writer the moment their commit returns. Each batch is
    /// queued behind whatever else is waiting for the writer (other transactions of the process), so a steady
    /// stream of callers cannot starve them.
    private func scheduleBatch() {
        writer.asyncWriteWithoutTransaction { db in self.runBatch(db) }
    }

    private func runBatch(_ db: Database) {
        let batch = state.withLock { state -> [Job] in
            let batch = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }
        do {
            try db.inTransaction {
                for job in batch {
                    // SQLite may roll a whole transaction back on some errors (disk full, I/O): the
                    // rest must not run in autocommit mode. They get an error and nothing is stored.
                    guard db.isInsideTransaction else { break }
                    job.run(db)
                }
                return .commit
            }
            for job in batch { job.finish(nil) }
        } catch {
            for job in batch { job.finish(error) }
        }
        let more = state.withLock { state -> Bool in
            if state.pending.isEmpty { state.draining = false }
            return state.draining
        }
        if more { scheduleBatch() }
    }
}
