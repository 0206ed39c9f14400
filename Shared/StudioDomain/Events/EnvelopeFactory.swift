import Foundation

/// Aggregate keys: the unit of ordering of events (`application:<id>`, `studio:<id>`, `round:<id>`).
public enum Aggregates {
    public static func round(_ id: RoundID) -> String { "round:\(id.rawValue)" }
    public static func application(_ id: ApplicationID) -> String { "application:\(id.rawValue)" }
    public static func studio(_ id: StudioID) -> String { "studio:\(id.rawValue)" }
}

extension Envelope where Payload: DomainEvent {
    /// An envelope for `event`, its type, version and aggregate taken from the event so they cannot disagree.
    public init(_ event: Payload, id: String = TimeOrderedID.uuidString(), occurredAt: Date = Date(),
                source: PlatformService, sequence: Int64) {
        self.init(header: EventHeader(id: id, type: Payload.eventType, version: Payload.version, occurredAt: occurredAt,
                                      source: source.rawValue, aggregate: event.aggregate, sequence: sequence),
                  data: event)
    }
}
