import Foundation

/// RFC 4180 CSV as Chinese office software reads it: UTF-8 with a byte-order mark (so Excel shows the
/// Chinese headers), CRLF line ends, fields quoted when needed.
enum CSV {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The document's bytes. Text fields that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a
    /// leading apostrophe; numeric columns are passed through `raw` untouched.
    static func write(header: [String], rows: [[Field]]) -> [UInt8] {
        var text = header.map(quote).joined(separator: ",") + "\r\n"
        for row in rows {
            text += row.map { field in
                switch field {
                case .raw(let value): quote(value)
                case .text(let value): quote(defused(value))
                }
            }.joined(separator: ",") + "\r\n"
        }
        return byteOrderMark + Array(text.utf8)
    }

    enum Field: Sendable {
        case text(String)
        case raw(String)
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func defused(_ field: String) -> String {
        guard let first = field.first, "=+-@\t\r".contains(first) else { return field }
        return "'" + field
    }

    enum ReadError: Error, Equatable {
        case notUTF8
        case unterminatedQuote(line: Int)
    }

    /// Records with the physical line each starts on; a leading BOM is skipped, blank lines are dropped.
    static func read(_ bytes: [UInt8]) throws(ReadError) -> [(line: Int, fields: [String])] {
        let body = bytes.starts(with: byteOrderMark) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else { throw .notUTF8 }
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1, recordLine = 1
        var characters = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = characters.next()
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
        }
        while let scalar = pending {
            pending = characters.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = characters.next() } else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r":
                if pending == "\n" { pending = characters.next() }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
