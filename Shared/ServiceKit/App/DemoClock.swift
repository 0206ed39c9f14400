import Foundation
import Hummingbird
import Messaging
import StudioDomain
import Synchronization

/// Business time that an operator can move forward: only in demo and test mode (`--demo-clock`), never
/// in production, where the route does not exist. It moves the service's business dates (deadlines,
/// cycles, due dates); webhook signatures and retry schedules keep the real clock, so services whose
/// demo clocks differ for a moment still trust each other.
///
/// The offset from real time is kept in `stateFile` (beside the database), so a demo service that
/// crashes or restarts comes back at the business day it had reached.
public final class DemoClock: Sendable {
    private let offset: Mutex<TimeInterval>
    private let stateFile: String?

    public init(stateFile: String? = nil) {
        self.stateFile = stateFile
        var saved: TimeInterval = 0
        if let stateFile, let text = try? String(contentsOfFile: stateFile, encoding: .utf8),
           let value = TimeInterval(text.trimmingCharacters(in: .whitespacesAndNewlines)), value.isFinite, value >= 0 {
            saved = value
        }
        offset = Mutex(saved)
    }

    /// The state file for a database at `databasePath`: none for an in-memory database.
    public static func stateFile(forDatabase databasePath: String) -> String? {
        databasePath.isEmpty || databasePath.hasPrefix(":memory:") || databasePath.hasPrefix("file::memory:") ? nil : databasePath + ".demo-clock"
    }

    public func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Moves business time to `date`; never backwards (what happened cannot un-happen).
    public func set(_ date: Date) throws {
        try offset.withLock { offset in
            let target = date.timeIntervalSince(Date())
            guard target >= offset - 1 else {
                // A well-formed instant that the clock's present state refuses: a conflict, not bad input.
                throw Problem(.conflict, code: "clock.backwards", field: "now", zh: "演示时钟不能倒退", en: "the demo clock cannot move backwards")
            }
            offset = target
            if let stateFile {
                // Written before the move is acknowledged: an acknowledged move survives a crash.
                try Data(String(target).utf8).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
            }
        }
    }

    struct ClockView: ResponseEncodable {
        var now: Date
        var today: String
        var mode: String
    }

    struct SetClock: Decodable {
        var now: Date?
        var advanceDays: Int?
    }

    /// `after`: the module's work that follows business time, done before the move is answered.
    func addRoutes(to group: RouterGroup<AppRequestContext>, after moved: @escaping @Sendable () async throws -> Void = {}) {
        group.get("clock") { _, context -> ClockView in
            try context.require(.operator)
            return self.view
        }
        group.post("clock") { request, context -> ClockView in
            try context.require(.operator)
            let input = try await request.decodeJSON(SetClock.self, context: context)
            if let target = input.now {
                try self.set(target)
            } else if let days = input.advanceDays, (0...3650).contains(days) {
                try self.set(self.now().addingTimeInterval(TimeInterval(days) * 86400))
            } else {
                throw Problem.validation([DomainIssue(code: "clock.input", field: "advanceDays", messageZh: "请给出 now（RFC 3339 时刻）或 advanceDays（0 到 3650）", messageEn: "give now (an RFC 3339 instant) or advanceDays (0 to 3650)")])
            }
            try await moved()
            return self.view
        }
    }

    private var view: ClockView {
        let now = now()
        return ClockView(now: now, today: LocalDate.today(now: now).description, mode: "demo")
    }
}
