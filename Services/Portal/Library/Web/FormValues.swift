import Foundation

/// A posted form: its fields by name (the last value wins) and its files.
public struct FormValues: Sendable {
    public var fields: [String: String] = [:]
    public var files: [UploadedFile] = []

    public init(fields: [String: String] = [:]) { self.fields = fields }

    public subscript(name: String) -> String? {
        get { fields[name] }
        set { fields[name] = newValue }
    }

    /// The field as typed, or nil when it is missing or blank (an optional input left empty).
    public func optional(_ name: String) -> String? { self[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    public func file(named name: String) -> UploadedFile? { files.first { $0.field == name && !$0.bytes.isEmpty } }

    /// `application/x-www-form-urlencoded`.
    public static func urlEncoded(_ bytes: [UInt8]) -> FormValues {
        var values = FormValues()
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            values.fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `multipart/form-data` with the given boundary; nil when the body is not well formed.
    public static func multipart(_ body: [UInt8], boundary: String) -> FormValues? {
        let delimiter = Array("--\(boundary)".utf8)
        var values = FormValues()
        var cursor = 0
        guard let first = body.firstRange(of: delimiter, from: 0) else { return nil }
        cursor = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body.hasBytes("--", at: cursor) { return values }
            guard body.hasBytes("\r\n", at: cursor) else { return nil }
            let headerStart = cursor + 2
            guard let headerEnd = body.firstRange(of: Array("\r\n\r\n".utf8), from: headerStart) else { return nil }
            let headerText = String(decoding: body[headerStart..<headerEnd.lowerBound], as: UTF8.self)
            let contentStart = headerEnd.upperBound
            guard let next = body.firstRange(of: Array("\r\n".utf8) + delimiter, from: contentStart) else { return nil }
            let content = Array(body[contentStart..<next.lowerBound])
            var name: String?
            var fileName: String?
            var contentType: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let lowered = line.lowercased()
                if lowered.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    fileName = parameter("filename", in: line)
                } else if lowered.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            if let name {
                if let fileName {
                    values.files.append(UploadedFile(field: name, fileName: fileName, contentType: contentType, bytes: content))
                } else {
                    values.fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            cursor = next.upperBound
        }
    }

    /// `name="value"` in a Content-Disposition line (browsers percent-escape quotes inside the value).
    static func parameter(_ key: String, in line: String) -> String? {
        let marker = " \(key)=\""
        let semicolonMarker = ";\(key)=\""
        guard let range = line.range(of: marker) ?? line.range(of: semicolonMarker) else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "%22", with: "\"")
    }
}

/// A file field of a multipart form.
public struct UploadedFile: Sendable {
    public var field: String
    public var fileName: String
    public var contentType: String?
    public var bytes: [UInt8]
}

extension Array where Element == UInt8 {
    func hasBytes(_ text: String, at index: Int) -> Bool {
        let bytes = Array(text.utf8)
        return index + bytes.count <= count && self[index..<(index + bytes.count)].elementsEqual(bytes)
    }

    func firstRange(of pattern: [UInt8], from start: Int) -> Range<Int>? {
        guard !pattern.isEmpty, count >= pattern.count, start <= count - pattern.count else { return nil }
        let first = pattern[0]
        var index = start
        let last = count - pattern.count
        return withUnsafeBufferPointer { buffer in
            while index <= last {
                if buffer[index] == first {
                    var matched = true
                    for offset in 1..<pattern.count where buffer[index + offset] != pattern[offset] {
                        matched = false
                        break
                    }
                    if matched { return index..<(index + pattern.count) }
                }
                index += 1
            }
            return nil
        }
    }
}
