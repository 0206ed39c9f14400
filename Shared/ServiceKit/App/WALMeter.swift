import CWALBuffer
import GRDB

/// How many WAL frames the service's writer has appended (`Shared/CWALBuffer/wal_meter.c`): SQLite tells a
/// connection's WAL hook after each commit how many frames the WAL then holds, and the meter adds up what each
/// commit added. `CheckpointService` copies the WAL back into the database file by this count (work done) instead of
/// on every tick of its clock: a page that twenty commits changed within one copy's reach is copied, and synced,
/// once instead of twenty times.
///
/// Installing a WAL hook replaces SQLite's automatic checkpoint (which is itself a WAL hook), so the meter keeps its
/// backstop: a commit that leaves `backstop` frames or more runs a PASSIVE checkpoint on the writer, as
/// `PRAGMA wal_autocheckpoint = 10000` did.
public final class WALMeter: @unchecked Sendable {
    // @unchecked: the C struct's count is atomic, the pointer never changes, and the rest of it is touched only by the
    // hook, on the committing connection (one writer, serialised by GRDB).
    private let meter: OpaquePointer

    /// The automatic checkpoint's backstop, in frames.
    public static let defaultBackstop = 10_000

    public init(backstop: Int = WALMeter.defaultBackstop) {
        guard let meter = studio_wal_meter_create(Int32(clamping: backstop)) else { fatalError("out of memory for the WAL meter") }
        self.meter = meter
    }

    deinit { studio_wal_meter_free(meter) }

    /// Becomes the WAL hook of `db`, the writer: in its `prepareDatabase`, which holds this meter as long as the pool
    /// (and so the connection) lives.
    func install(on db: Database) {
        studio_wal_meter_install(meter, db.sqliteConnection.map { UnsafeMutableRawPointer($0) })
    }

    /// Frames the writer's commits have appended since the meter was made.
    public var appendedFrames: Int { Int(studio_wal_meter_appended(meter)) }
}
