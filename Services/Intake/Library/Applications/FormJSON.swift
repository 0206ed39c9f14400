import Foundation
import StudioDomain

/// The platform's JSON written straight into bytes: exactly what `DomainJSON.encoder()` writes for a value (keys
/// sorted by their UTF-8 bytes, absent optionals left out, `/` not escaped, the same string escapes and number forms,
/// instants as RFC 3339), without the encoder's tree of boxed values. Intake writes the stored form, the response to
/// a create and the payload of `application.submitted` through it: the form is the largest value a submission
/// stores, and encoding it was the largest single share of the write transaction's CPU.
///
/// It is a real `Encoder` and knows no type of the platform, so a field added to the form or to the event needs
/// nothing here. What it cannot write as the encoder would, it refuses (nil) and the caller leaves that value to the
/// encoder: a NaN or infinite number (the encoder throws), a value that throws, a key that needs escaping or is not
/// ASCII, the same key twice, and the nested-container and super-encoder calls (which the platform's types never
/// make), since it writes as it goes. Its `codingPath` is always empty: nothing the platform encodes reads it.
/// `FormJSONTests` and `FormFieldsTests` hold its bytes against the encoder's.
enum FormJSON {
    /// `value` as `DomainJSON.encoder()` writes it, or nil for what is left to that encoder.
    static func encode(_ value: some Encodable) -> String? {
        bytes(value).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The same bytes, for a response body.
    static func data(_ value: some Encodable) -> Data? {
        bytes(value).map { Data($0) }
    }

    /// `value` with its one `Part` written as `json`, the bytes this writer gave for that part a moment before (the
    /// response to a create holds the form just stored, the largest part, which is then not written twice).
    static func data<Part: Encodable>(_ value: some Encodable, writing _: Part.Type, as json: String) -> Data? {
        bytes(value, preset: (Part.self, json)).map { Data($0) }
    }

    private static func bytes(_ value: some Encodable, preset: (type: Any.Type, json: String)? = nil) -> [UInt8]? {
        let out = UnsafeMutablePointer<Output>.allocate(capacity: 1)
        out.initialize(to: Output(preset: preset))
        defer {
            out.deinitialize(count: 1)
            out.deallocate()
        }
        out.pointee.bytes.reserveCapacity(2048 + (preset?.json.utf8.count ?? 0))
        DirectJSONWriter(out: out).write(value, root: true)
        return out.pointee.unwritable ? nil : out.pointee.bytes
    }
}

/// Writes values as the encoder would, for the encoder and containers below, into the `Output` it points to. It is a
/// bare pointer, so handing it to each container costs no reference counting (a class's reference cost an eighth of
/// the time, and the run-time checks for overlapping access on its stored properties a third): `FormJSON` allocates
/// the output and frees it when the top value's `encode(to:)` has returned, and an `Encodable` conformance uses its
/// encoder only inside that call. `Output`'s methods never call back out, so no access to it overlaps another.
private struct DirectJSONWriter {
    let out: UnsafeMutablePointer<Output>

    /// Writes `value` as the encoder would: the types the encoder treats itself (strings and numbers directly, `Date`
    /// as `DomainJSON`'s RFC 3339, `Data` in Base64, `URL` and `Decimal`), everything else by its own `encode(to:)`.
    func write<T: Encodable>(_ value: T, root: Bool = false) {
        guard !out.pointee.unwritable else { return }
        if let text = Self.cast(value, String.self) { return out.pointee.string(text) }
        if let number = Self.cast(value, Int.self) { return out.pointee.integer(Int64(number)) }
        if let number = Self.cast(value, Int64.self) { return out.pointee.integer(number) }
        if let flag = Self.cast(value, Bool.self) { return out.pointee.bool(flag) }
        if let number = Self.cast(value, Double.self) { return out.pointee.floating(number) }
        if let date = Self.cast(value, Date.self) { return out.pointee.string(RFC3339.string(from: date)) }
        if let data = Self.cast(value, Data.self) { return out.pointee.string(data.base64EncodedString()) }
        if let url = Self.cast(value, URL.self) { return out.pointee.string(url.absoluteString) }
        if let decimal = Self.cast(value, Decimal.self) { return out.pointee.bytes.append(contentsOf: decimal.description.utf8) }
        if T.self == out.pointee.presetType { return out.pointee.appendPreset() }
        let depth = out.pointee.frames.count
        do {
            try value.encode(to: DirectEncoder(writer: self, depth: depth))
        } catch {
            out.pointee.unwritable = true
            return
        }
        out.pointee.closed(depth, root: root)
    }

    /// `value` as a `U` when that is its type (a comparison of two type references, then no conversion at all).
    @inline(__always)
    private static func cast<T, U>(_ value: T, _: U.Type) -> U? {
        T.self == U.self ? unsafeBitCast(value, to: U.self) : nil
    }
}

/// The bytes being written, and the containers open around the value being written (one frame each, innermost last).
/// An object's members are written in the order its type encodes them and put in the encoder's order (sorted by key)
/// when the object closes, which is when the value that opened it returns from `encode(to:)`.
private struct Output {
    enum Kind { case object, array, single }

    struct Frame {
        var kind: Kind
        /// Where the container's content begins (after `{` or `[`).
        var start: Int
        /// The container's first entry in `members` (objects).
        var firstMember: Int
        /// Members or elements written so far (for a single value: 1 once written).
        var count = 0
    }

    /// A member of an open object: where it begins (its separating comma, if any), where its key's first byte is,
    /// and the key's length.
    struct Member {
        var begin: Int
        var key: Int
        var keyLength: Int
    }

    /// A type whose values are written as the given JSON (`FormJSON.data(_:writing:as:)`).
    let presetType: Any.Type?
    private let presetJSON: String
    var bytes: [UInt8] = []
    /// Set on anything the encoder would write otherwise, or refuse: the caller leaves the value to the encoder.
    var unwritable = false
    var frames: [Frame] = []
    private var members: [Member] = []
    private var scratch: [UInt8] = []

    init(preset: (type: Any.Type, json: String)?) {
        presetType = preset?.type
        presetJSON = preset?.json ?? ""
    }

    mutating func appendPreset() { bytes.append(contentsOf: presetJSON.utf8) }

    // MARK: Values

    /// A string with the encoder's escapes (`DomainJSON.appendString`).
    mutating func string(_ text: String) { DomainJSON.appendString(text, to: &bytes) }

    mutating func bool(_ value: Bool) {
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    mutating func null() {
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    /// Decimal digits, written in place.
    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        rest = value
        var index = end - 1
        while rest >= 10 {
            bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
        bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest)
    }

    mutating func integer(_ value: some FixedWidthInteger) {
        if value < 0 {
            integer(Int64(truncatingIfNeeded: value))
        } else {
            unsigned(UInt64(truncatingIfNeeded: value))
        }
    }

    /// As the encoder writes a number: its `description` without a trailing `.0` (`120`, `85.5`, `1e+21`); NaN and
    /// the infinities make the encoder throw, so they are left to it.
    mutating func floating<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) {
        guard value.isFinite else { unwritable = true; return }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: Containers

    /// Opens the container a value asks its encoder for (`depth`: the frames around that value), or finds the one it
    /// already opened (a type may ask twice, as the encoder allows).
    mutating func open(_ kind: Kind, at depth: Int) {
        guard !unwritable else { return }
        if frames.count == depth {
            switch kind {
            case .object: bytes.append(UInt8(ascii: "{"))
            case .array: bytes.append(UInt8(ascii: "["))
            case .single: break
            }
            frames.append(Frame(kind: kind, start: bytes.count, firstMember: members.count))
        } else if frames.count != depth + 1 || frames[depth].kind != kind {
            unwritable = true
        }
    }

    /// Whether the container at `depth` may be written now: it is the innermost one (this writer writes as it goes,
    /// so a container kept and written after another one opened is refused).
    mutating func isCurrent(_ depth: Int) -> Bool {
        guard !unwritable else { return false }
        guard frames.count == depth + 1 else { unwritable = true; return false }
        return true
    }

    /// The next member's key of the current object, after a comma from the member before it.
    mutating func key(_ key: some CodingKey) {
        let name = key.stringValue
        // Sorting and comparing keys by their bytes is the encoder's order only for keys written as they are.
        for byte in name.utf8 where byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            unwritable = true
            return
        }
        let top = frames.count - 1
        let begin = bytes.count
        if frames[top].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[top].count += 1
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: name.utf8)
        members.append(Member(begin: begin, key: start, keyLength: bytes.count - start))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// The separating comma before the current array's next element.
    mutating func element() {
        let top = frames.count - 1
        if frames[top].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[top].count += 1
    }

    /// Claims the current single-value container for its one value (the encoder refuses a second).
    mutating func single() -> Bool {
        let top = frames.count - 1
        guard frames[top].count == 0 else { unwritable = true; return false }
        frames[top].count = 1
        return true
    }

    /// After a value's `encode(to:)` returned (`depth`: the frames around it): closes the container it opened, an
    /// object's members put in key order; a value that wrote nothing is `{}` inside a container, as the encoder
    /// writes it, and refused at the top, as the encoder refuses it.
    mutating func closed(_ depth: Int, root: Bool) {
        guard !unwritable else { return }
        guard frames.count == depth + 1 else {
            if frames.count == depth, !root { bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) } else { unwritable = true }
            return
        }
        let frame = frames.removeLast()
        switch frame.kind {
        case .array: bytes.append(UInt8(ascii: "]"))
        case .single:
            guard frame.count == 0 else { return }
            if root { unwritable = true } else { bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) }
        case .object:
            sortMembers(of: frame)
            members.removeSubrange(frame.firstMember...)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func sortMembers(of frame: Frame) {
        let count = members.count - frame.firstMember
        guard count > 1 else { return }
        var order = Array(frame.firstMember..<members.count)
        var sorted = true
        for index in 1..<count where compareKeys(order[index - 1], order[index]) >= 0 { sorted = false; break }
        if sorted { return }
        // Insertion sort: a struct has a handful of members.
        for index in 1..<count {
            let member = order[index]
            var slot = index
            while slot > 0, compareKeys(order[slot - 1], member) > 0 {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = member
        }
        for index in 1..<count where compareKeys(order[index - 1], order[index]) == 0 {
            // The encoder keeps the last value of a key given twice: left to it.
            unwritable = true
            return
        }
        let end = bytes.count
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[frame.start..<end])
        bytes.removeSubrange(frame.start...)
        for (position, member) in order.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            // A member's text runs from its key's opening quote to where the next member begins.
            let from = members[member].key - 1 - frame.start
            let to = (member + 1 < members.count ? members[member + 1].begin : end) - frame.start
            bytes.append(contentsOf: scratch[from..<to])
        }
    }

    /// The two members' keys compared by their bytes (negative, zero, positive).
    private func compareKeys(_ left: Int, _ right: Int) -> Int {
        let a = members[left], b = members[right]
        return bytes.withUnsafeBufferPointer { buffer in
            let common = min(a.keyLength, b.keyLength)
            for offset in 0..<common {
                let x = buffer[a.key + offset], y = buffer[b.key + offset]
                if x != y { return Int(x) - Int(y) }
            }
            return a.keyLength - b.keyLength
        }
    }
}

// MARK: The Encoder and its containers

/// The encoder handed to one value's `encode(to:)`; `depth` counts the containers around that value.
private struct DirectEncoder: Encoder {
    let writer: DirectJSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.out.pointee.open(.object, at: depth)
        return KeyedEncodingContainer(DirectObject<Key>(writer: writer, depth: depth))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.out.pointee.open(.array, at: depth)
        return DirectArray(writer: writer, depth: depth)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        writer.out.pointee.open(.single, at: depth)
        return DirectSingleValue(writer: writer, depth: depth)
    }
}

private struct DirectObject<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: DirectJSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) -> Bool {
        guard writer.out.pointee.isCurrent(depth) else { return false }
        writer.out.pointee.key(key)
        return true
    }

    mutating func encodeNil(forKey key: Key) throws { if self.key(key) { writer.out.pointee.null() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { if self.key(key) { writer.out.pointee.bool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { if self.key(key) { writer.out.pointee.string(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { if self.key(key) { writer.out.pointee.floating(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { if self.key(key) { writer.out.pointee.floating(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { if self.key(key) { writer.out.pointee.integer(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { if self.key(key) { writer.write(value) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type, forKey _: Key) -> KeyedEncodingContainer<NestedKey> {
        writer.out.pointee.unwritable = true
        return KeyedEncodingContainer(DirectObject<NestedKey>(writer: writer, depth: depth))
    }

    mutating func nestedUnkeyedContainer(forKey _: Key) -> any UnkeyedEncodingContainer {
        writer.out.pointee.unwritable = true
        return DirectArray(writer: writer, depth: depth)
    }

    mutating func superEncoder() -> any Encoder {
        writer.out.pointee.unwritable = true
        return DirectEncoder(writer: writer, depth: depth)
    }

    mutating func superEncoder(forKey _: Key) -> any Encoder {
        writer.out.pointee.unwritable = true
        return DirectEncoder(writer: writer, depth: depth)
    }
}

/// An array's next element or a single value's one place: the two protocols ask for the same typed `encode`
/// overloads, which differ only in how the place is taken, so they are written once, here.
private protocol DirectValuePlace {
    var writer: DirectJSONWriter { get }
    /// Takes the place of the next value (after an array's comma, or a single value's only one); false when refused.
    func place() -> Bool
}

extension DirectValuePlace {
    mutating func encodeNil() throws { if place() { writer.out.pointee.null() } }
    mutating func encode(_ value: Bool) throws { if place() { writer.out.pointee.bool(value) } }
    mutating func encode(_ value: String) throws { if place() { writer.out.pointee.string(value) } }
    mutating func encode(_ value: Double) throws { if place() { writer.out.pointee.floating(value) } }
    mutating func encode(_ value: Float) throws { if place() { writer.out.pointee.floating(value) } }
    mutating func encode(_ value: Int) throws { if place() { writer.out.pointee.integer(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int16) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int32) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: Int64) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt8) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt16) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt32) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode(_ value: UInt64) throws { if place() { writer.out.pointee.integer(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws { if place() { writer.write(value) } }
}

private struct DirectArray: UnkeyedEncodingContainer, DirectValuePlace {
    let writer: DirectJSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { writer.out.pointee.frames.count > depth ? writer.out.pointee.frames[depth].count : 0 }

    func place() -> Bool {
        guard writer.out.pointee.isCurrent(depth) else { return false }
        writer.out.pointee.element()
        return true
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        writer.out.pointee.unwritable = true
        return KeyedEncodingContainer(DirectObject<NestedKey>(writer: writer, depth: depth))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.out.pointee.unwritable = true
        return self
    }

    mutating func superEncoder() -> any Encoder {
        writer.out.pointee.unwritable = true
        return DirectEncoder(writer: writer, depth: depth)
    }
}

private struct DirectSingleValue: SingleValueEncodingContainer, DirectValuePlace {
    let writer: DirectJSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    func place() -> Bool { writer.out.pointee.isCurrent(depth) && writer.out.pointee.single() }
}
