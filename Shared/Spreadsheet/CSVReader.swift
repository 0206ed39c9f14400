import Foundation

/// One record of a CSV file: its number as a spreadsheet shows it (the header is record 1, a blank line is a
/// record too), the physical line it starts on, its fields, and the quoting problem that spoils it, if any.
/// A quoted cell with a line break is one record: the records after it keep their numbers.
public struct CSVRecord: Equatable, Sendable {
    public var number: Int
    public var line: Int
    public var fields: [String]
    public var issue: CSVRecordIssue?

    public init(number: Int, line: Int, fields: [String], issue: CSVRecordIssue? = nil) {
        self.number = number
        self.line = line
        self.fields = fields
        self.issue = issue
    }
}

/// Why one record is not valid CSV. Only that record is spoilt: reading goes on with the next one.
public enum CSVRecordIssue: Equatable, Sendable {
    /// A quote inside an unquoted cell, or text after a cell's closing quote; `field` counts from 1.
    case strayQuote(field: Int)
    /// A quote opened and never closed on its line: the record is taken to end with the line it opened on.
    case unterminatedQuote(field: Int)

    public var field: Int {
        switch self { case .strayQuote(let field), .unterminatedQuote(let field): field }
    }

    public var messageZh: String {
        switch self {
        case .strayQuote(let field): "第\(field)个单元格中有多余的引号（英文双引号须成对，单元格内的引号写作两个）"
        case .unterminatedQuote(let field): "第\(field)个单元格的引号没有闭合"
        }
    }

    public var messageEn: String {
        switch self {
        case .strayQuote(let field): "cell \(field) has a stray double quote (quotes come in pairs; a quote inside a cell is written twice)"
        case .unterminatedQuote(let field): "the quote opening cell \(field) is never closed"
        }
    }
}

/// RFC 4180 CSV as county staff's Excel and WPS and the banks write it: fields separated by commas, records by
/// CRLF, LF or CR, fields with commas, quotes or line breaks in double quotes, a quote inside doubled. Unlike a
/// strict reader it never gives up on the whole file: a record with a stray or unclosed quote is returned with
/// its `issue`, and the records after it are read as if it had been well formed. One reader for every service
/// (intake's application import, funding's bank confirmations).
public enum CSVReader {
    /// The records of `text`, blank ones left out (they still count in the numbering).
    public static func records(_ text: String) -> [CSVRecord] {
        let scalars = Array(text.unicodeScalars)
        var records: [CSVRecord] = []
        var index = 0
        var line = 1
        var number = 0
        while index < scalars.count {
            number += 1
            let startLine = line
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var quoted = false       // the current field was a quoted one that has closed
            var issue: CSVRecordIssue?
            record: while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case ",":
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                    quoted = false
                    index += 1
                case "\r":
                    index += 1
                    if index < scalars.count, scalars[index] == "\n" { index += 1 }
                    line += 1
                    break record
                case "\n":
                    index += 1
                    line += 1
                    break record
                case "\"" where field.isEmpty && !quoted:
                    // A quoted field: up to the closing quote, a doubled quote standing for one.
                    var cursor = index + 1
                    var value = String.UnicodeScalarView()
                    var closed = false
                    var breaks = 0
                    while cursor < scalars.count {
                        let inner = scalars[cursor]
                        if inner == "\"" {
                            if cursor + 1 < scalars.count, scalars[cursor + 1] == "\"" {
                                value.append("\"")
                                cursor += 2
                                continue
                            }
                            closed = true
                            cursor += 1
                            break
                        }
                        if inner == "\n" || (inner == "\r" && !(cursor + 1 < scalars.count && scalars[cursor + 1] == "\n")) { breaks += 1 }
                        value.append(inner)
                        cursor += 1
                    }
                    let next: Unicode.Scalar? = cursor < scalars.count ? scalars[cursor] : nil
                    let endsCleanly = closed && (next == nil || next == "," || next == "\r" || next == "\n")
                    if endsCleanly {
                        field = value
                        quoted = true
                        line += breaks
                        index = cursor
                    } else if !closed || breaks > 0 {
                        // Never closed, or "closed" by a quote lines later that is not followed by a separator: the
                        // quote was stray. The record ends with the line it opened on; the next line is the next record.
                        issue = issue ?? .unterminatedQuote(field: fields.count + 1)
                        while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" {
                            field.append(scalars[index])
                            index += 1
                        }
                    } else {
                        // Closed on its line, then more text before the separator: a stray quote.
                        issue = issue ?? .strayQuote(field: fields.count + 1)
                        field = value
                        quoted = true
                        index = cursor
                    }
                default:
                    if scalar == "\"" || quoted { issue = issue ?? .strayQuote(field: fields.count + 1) }
                    field.append(scalar)
                    index += 1
                }
            }
            fields.append(String(field))
            // A blank line is no record, though it has a number as a spreadsheet row.
            if fields.count == 1, fields[0].isEmpty, issue == nil { continue }
            records.append(CSVRecord(number: number, line: startLine, fields: fields, issue: issue))
        }
        return records
    }
}

/// RFC 4180 CSV written for Chinese office software: UTF-8 with a byte-order mark (so Excel shows the Chinese
/// headers), CRLF line ends, fields quoted when needed, text that a spreadsheet would run as a formula defused.
public enum CSVWriter {
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public enum Field: Sendable {
        /// Text, defused if it starts like a formula (`=`, `+`, `-`, `@`).
        case text(String)
        /// A number or a date, written as is.
        case raw(String)
    }

    public static func write(header: [String], rows: [[Field]]) -> [UInt8] {
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

    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func defused(_ field: String) -> String {
        guard let first = field.first, "=+-@\t\r".contains(first) else { return field }
        return "'" + field
    }
}
