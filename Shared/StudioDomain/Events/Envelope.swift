import Foundation

/// A domain event: the typed payload (`data`) of an envelope. Event types and payloads are shared,
/// so a sender and a receiver cannot disagree on a field.
public protocol DomainEvent: Codable, Sendable, Equatable {
    /// The envelope `type`, for example `application.submitted`.
    static var eventType: String { get }
    /// The payload schema version; bump it on a breaking change and keep decoding the old one.
    static var version: Int { get }
    /// The aggregate whose events must arrive in order, for example `application:9b1c…` or `studio:…`.
    var aggregate: String { get }
}

/// The envelope fields every event carries (MESSAGING.md, "The event envelope"), without its payload.
/// A receiver decodes this first to route the event, then decodes `Envelope<Payload>`.
public struct EventHeader: Codable, Sendable, Equatable {
    /// Unique id, also sent as the `webhook-id` header.
    public var id: String
    public var type: String
    public var version: Int
    /// RFC 3339 UTC instant at which the sender committed the change.
    public var occurredAt: Date
    /// The sending service (`intake`, `review`, `funding`, `assessment`).
    public var source: String
    public var aggregate: String
    /// 1, 2, 3, … within (source, aggregate).
    public var sequence: Int64

    public init(id: String, type: String, version: Int, occurredAt: Date, source: String, aggregate: String, sequence: Int64) {
        self.id = id
        self.type = type
        self.version = version
        self.occurredAt = occurredAt
        self.source = source
        self.aggregate = aggregate
        self.sequence = sequence
    }
}

/// An event as it travels: the header fields and the typed `data`, side by side in one JSON object
/// (`{"id": …, "type": …, …, "data": {…}}`). The header's fields read as the envelope's own (`envelope.id`).
@dynamicMemberLookup
public struct Envelope<Payload: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var header: EventHeader
    public var data: Payload

    public init(header: EventHeader, data: Payload) {
        self.header = header
        self.data = data
    }

    public subscript<Value>(dynamicMember field: KeyPath<EventHeader, Value>) -> Value {
        header[keyPath: field]
    }

    private enum CodingKeys: String, CodingKey { case data }

    public init(from decoder: any Decoder) throws {
        header = try EventHeader(from: decoder)
        data = try decoder.container(keyedBy: CodingKeys.self).decode(Payload.self, forKey: .data)
    }

    public func encode(to encoder: any Encoder) throws {
        try header.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
    }
}

/// The one JSON dialect of the platform: camelCase keys, instants as RFC 3339 UTC with milliseconds,
/// sorted keys (stable bytes for signatures and tests).
public enum DomainJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 instant, got \(text)")
            }
            return date
        }
        return decoder
    }

    /// Appends `text` as a JSON string escaped exactly as `encoder()` escapes it, for the hot paths that write their
    /// JSON directly (intake's form, the outbox envelope): `"` and `\`, `\b \f \n \r \t`, other control
    /// characters as `\u00XX` (lowercase hex); everything else, `/` and non-ASCII included, as it is.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied whole.
            var run = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if run < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index])) }
                run = index + 1
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                }
            }
            if run < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// RFC 3339 instants in UTC (`2026-11-24T08:30:00.123Z`); parsing also accepts offsets and no fraction.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    public static func date(from text: String) -> Date? {
        // The parser rolls out-of-range fields over (minute 99 becomes the next hour): refuse them first
        guard fieldsInRange(text) else { return nil }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS…` with month 1–12, a day that exists in that month (no 02-30, 02-29 only in a leap
    /// year, no 04-31), hour 0–23, minute 0–59 and second 0–60.
    static func fieldsInRange(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count >= 19 else { return false }
        func number(_ from: Int, _ to: Int) -> Int? {
            var value = 0
            for character in characters[from..<to] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) else { return nil }
                value = value * 10 + Int(character - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 7), let day = number(8, 10), let hour = number(11, 13),
              let minute = number(14, 16), let second = number(17, 19), (1...12).contains(month) else { return false }
        return (1...daysIn(month: month, year: year)).contains(day) && hour < 24 && minute < 60 && second <= 60
    }

    /// The days of `month` in the proleptic Gregorian calendar, as ISO 8601 counts them.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// `webhook.test`: a diagnostic event an operator sends through a subscription to prove the wiring
/// end to end (like a webhook provider's "send test event"). Receivers record it in their inbox and in a
/// list the operations API shows; it changes no business state.
public struct WebhookTestEvent: DomainEvent {
    public static let eventType = "webhook.test"
    public static let version = 1
    public var aggregate: String
    public var note: String

    public init(aggregate: String, note: String) {
        self.aggregate = aggregate
        self.note = note
    }
}
