import Foundation
import Synchronization

/// Time-ordered identifiers: UUID version 7 (RFC 9562 §5.7), in the same lowercase text form as a random UUID.
///
/// The first 48 bits are the Unix time in milliseconds, so identifiers made one after another sort one after
/// another, and a B-tree keyed by them (the primary key of an application, an outbox message, an inbox row, the
/// aggregate of an application's events) grows at its right edge: a commit touches the pages it already touched,
/// instead of a random leaf per row. Within a millisecond a 12-bit counter (RFC 9562's method 1, started at a
/// random value below 2,048 each millisecond) keeps the order; 62 bits stay random, so identifiers of different
/// processes do not collide (a generator seeded once per process from the system's). The clock going back does not break the order within the process: the last
/// millisecond is kept until the clock passes it. Not a secret: an identifier never grants access by itself.
public enum TimeOrderedID {
    private struct State {
        var millis: UInt64 = 0
        var counter: UInt16 = 0
        /// SplitMix64, seeded once per process from the system's generator: the random bits need to differ between
        /// processes, not to be unpredictable, and a `getrandom` system call per identifier was two per submission.
        var seed: UInt64 = {
            var system = SystemRandomNumberGenerator()
            return system.next()
        }()
        mutating func random() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
    private static let state = Mutex(State())

    /// The two halves of a fresh UUIDv7, big-endian: `high` holds the time, the version and the counter; `low` the
    /// variant and 62 random bits.
    public static func next(now: Date = Date()) -> (high: UInt64, low: UInt64) {
        let millis = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down))) & 0xFFFF_FFFF_FFFF
        let (time, counter, bits) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            let bits = state.random()
            if millis > state.millis {
                state.millis = millis
                state.counter = UInt16(truncatingIfNeeded: bits >> 53) & 0x7FF
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state.millis += 1
                state.counter = 0
            }
            return (state.millis, state.counter, bits)
        }
        let high = (time << 16) | 0x7000 | UInt64(counter)
        let low = (bits & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return (high, low)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx`, lowercase: what `UUID().uuidString.lowercased()` looks like.
    public static func uuidString(now: Date = Date()) -> String {
        let (high, low) = next(now: now)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, _ nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() { buffer[index] = UInt8(ascii: "-"); index += 1 }
            put(high >> 32, 8); dash(); put((high >> 16) & 0xFFFF, 4); dash(); put(high & 0xFFFF, 4); dash()
            put(low >> 48, 4); dash(); put(low & 0xFFFF_FFFF_FFFF, 12)
            return index
        }
    }

    /// The same 128 bits as 32 lowercase hex digits, no dashes, after `prefix`.
    public static func hex(prefix: String = "", now: Date = Date()) -> String {
        let (high, low) = next(now: now)
        var out: [UInt8] = Array(prefix.utf8)
        out.reserveCapacity(out.count + 32)
        for value in [high, low] {
            for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((value >> UInt64(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
