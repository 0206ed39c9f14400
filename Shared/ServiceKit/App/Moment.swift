import Foundation
import Messaging
import StudioDomain

/// The clock of one request or one event, read once: the instant (ms UTC) and its business day in
/// Asia/Shanghai together, so work near midnight cannot stamp one day's instant beside the next day's date.
public struct Moment: Sendable, Equatable {
    public var millis: Int64
    public var today: LocalDate

    public init(_ date: Date) {
        millis = Millis.from(date)
        today = LocalDate(date)
    }
}

extension ServiceEnvironment {
    /// Business time, read once (see `now`): the demo clock where it runs.
    public func moment() -> Moment { Moment(now()) }
}
