import Foundation

/// One cell of a spreadsheet row as our importers read it, whether the row came from CSV (every cell is text)
/// or from an `.xlsx` sheet (text, a number, a date stored as a serial number, a boolean).
public struct SheetCell: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case empty, text, number, date, boolean
    }

    public var kind: Kind
    /// The cell as text: a text cell's string, a number as the file stores it (`330802198501011234`, `50000`,
    /// `3.30802E+17`), a date as `YYYY-MM-DD`, a boolean as `TRUE`/`FALSE`.
    public var text: String
    /// A number's or date's serial value, as stored.
    public var serial: Double?

    public init(kind: Kind, text: String, serial: Double? = nil) {
        self.kind = kind
        self.text = text
        self.serial = serial
    }

    public static func text(_ value: String) -> SheetCell { SheetCell(kind: value.isEmpty ? .empty : .text, text: value) }
    public static let empty = SheetCell(kind: .empty, text: "")

    /// The cell as a day: a date cell, a number read as an Excel serial day, or nil for text.
    public var serialDate: String? {
        guard kind == .number || kind == .date, let serial else { return nil }
        return ExcelDate.isoDate(serial: serial)
    }

    /// Whether the text looks like what Excel makes of a long number it has not been told is text:
    /// `3.30802E+17`, `3.30802E17`, `3,30802E+17`.
    public var looksLikeScientificNotation: Bool {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard let e = value.firstIndex(where: { $0 == "E" || $0 == "e" }) else { return false }
        let mantissa = value[..<e].replacingOccurrences(of: ",", with: ".")
        var exponent = value[value.index(after: e)...]
        if exponent.first == "+" { exponent = exponent.dropFirst() }
        return !mantissa.isEmpty && Double(mantissa) != nil && !exponent.isEmpty && exponent.allSatisfy(\.isNumber)
    }
}

/// One row of a sheet: its number as the spreadsheet shows it (the header is row 1) and its cells, with the CSV
/// quoting problem that spoils it, if it came from CSV and had one.
public struct SheetRow: Equatable, Sendable {
    public var number: Int
    public var cells: [SheetCell]
    public var csvIssue: CSVRecordIssue?

    public init(number: Int, cells: [SheetCell], csvIssue: CSVRecordIssue? = nil) {
        self.number = number
        self.cells = cells
        self.csvIssue = csvIssue
    }

    public init(_ record: CSVRecord) {
        self.init(number: record.number, cells: record.fields.map(SheetCell.text), csvIssue: record.issue)
    }

    /// The cells as text, for readers that take every cell as text.
    public var texts: [String] { cells.map(\.text) }
}

/// Excel's day numbers: day 1 is 1900-01-01 in the 1900 date system (with Lotus's phantom 1900-02-29, so day 60
/// does not exist and days from 61 on are days since 1899-12-30), day 0 is 1904-01-01 in the 1904 system.
public enum ExcelDate {
    /// `YYYY-MM-DD` of a serial (its time of day dropped), or nil when it is out of range.
    public static func isoDate(serial: Double, date1904: Bool = false) -> String? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        if date1904 { days += 1462 }
        if days < 60 { days += 1 }  // before the phantom 1900-02-29
        // Days since 1899-12-30 → civil date (Howard Hinnant's algorithm on days since 1970-01-01).
        let z = days - 25569 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The serial of a civil date in the 1900 system.
    public static func serial(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let daysSince1970 = era * 146_097 + doe - 719_468
        return daysSince1970 + 25569
    }
}
