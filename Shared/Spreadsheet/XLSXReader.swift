import Foundation
import XMLCoder
import ZIPFoundation

/// Why an `.xlsx` file could not be read at all; a problem in one row is the importer's to report.
public enum XLSXError: Error, Equatable, Sendable {
    /// Not a zip archive, or not one with an Office Open XML workbook in it.
    case notAWorkbook(String)
    /// A part of the workbook is not the XML it should be.
    case malformedPart(String)
    /// The workbook has no sheet.
    case noSheet

    public var messageZh: String {
        switch self {
        case .notAWorkbook: "文件不是 Excel 工作簿（.xlsx）"
        case .malformedPart(let part): "工作簿的 \(part) 部分已损坏，无法读取"
        case .noSheet: "工作簿中没有工作表"
        }
    }

    public var messageEn: String {
        switch self {
        case .notAWorkbook(let why): "the file is not an Excel workbook (.xlsx): \(why)"
        case .malformedPart(let part): "the workbook's part \(part) is damaged and cannot be read"
        case .noSheet: "the workbook has no sheet"
        }
    }
}

/// Reads the sheets of an `.xlsx` workbook (Office Open XML, as Excel, WPS and openpyxl write it): ZIPFoundation
/// opens the zip, XMLCoder decodes the parts. Shared strings, inline strings, numbers, booleans, formula results,
/// and dates (numbers with a date format, read back as `YYYY-MM-DD`).
public enum XLSXReader {
    /// Every zip signature starts so; a CSV never does.
    public static func looksLikeXLSX(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    public struct Sheet: Sendable {
        public var name: String
        /// The non-empty rows, each with its row number; cells are dense from column A to the row's last cell.
        public var rows: [SheetRow]
    }

    /// The largest part we inflate: a county's sheet of a few thousand rows is a few MB of XML.
    static let partLimit = 64 * 1024 * 1024

    public static func sheets(_ bytes: [UInt8]) throws(XLSXError) -> [Sheet] {
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch { throw .notAWorkbook("not a zip archive") }
        func part(_ path: String) throws(XLSXError) -> Data? {
            let normalised = path.hasPrefix("/") ? String(path.dropFirst()) : path
            guard let entry = archive[normalised] else { return nil }
            guard entry.uncompressedSize <= partLimit else { throw .malformedPart(normalised) }
            var data = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch { throw .malformedPart(normalised) }
            return data
        }
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws(XLSXError) -> T? {
            guard let data = try part(path) else { return nil }
            let decoder = XMLDecoder(trimValueWhitespaces: false, removeWhitespaceElements: true)
            do { return try decoder.decode(T.self, from: data) } catch { throw .malformedPart(path) }
        }
        guard let workbook = try decode(WorkbookXML.self, "xl/workbook.xml") else { throw .notAWorkbook("no xl/workbook.xml") }
        let relationships = try decode(RelationshipsXML.self, "xl/_rels/workbook.xml.rels")?.relationship ?? []
        func target(_ relation: RelationshipXML) -> String {
            relation.target.hasPrefix("/") ? String(relation.target.dropFirst()) : "xl/" + relation.target
        }
        let sharedPath = relationships.first { $0.type.hasSuffix("/sharedStrings") }.map(target) ?? "xl/sharedStrings.xml"
        let stylesPath = relationships.first { $0.type.hasSuffix("/styles") }.map(target) ?? "xl/styles.xml"
        let shared = (try decode(SharedStringsXML.self, sharedPath)?.si ?? []).map(\.text)
        let styles = try decode(StylesXML.self, stylesPath)
        let dateStyles = styles?.dateStyleIndexes ?? []
        let date1904 = workbook.workbookPr?.date1904.map { $0 == "1" || $0 == "true" } ?? false

        var sheets: [Sheet] = []
        for sheet in workbook.sheets.sheet {
            let path = relationships.first { $0.id == sheet.relationshipID }.map(target) ?? "xl/worksheets/sheet\(sheets.count + 1).xml"
            guard let worksheet = try decode(WorksheetXML.self, path) else { throw .malformedPart(path) }
            var rows: [SheetRow] = []
            var nextRow = 1
            for row in worksheet.sheetData.row ?? [] {
                let number = row.r ?? nextRow
                nextRow = number + 1
                var cells: [SheetCell] = []
                for cell in row.c ?? [] {
                    let column = cell.r.flatMap(columnIndex) ?? cells.count
                    while cells.count < column { cells.append(.empty) }
                    let value = read(cell, shared: shared, dateStyles: dateStyles, date1904: date1904)
                    if column < cells.count { cells[column] = value } else { cells.append(value) }
                }
                while cells.last?.kind == .empty { cells.removeLast() }
                if !cells.isEmpty { rows.append(SheetRow(number: number, cells: cells)) }
            }
            sheets.append(Sheet(name: sheet.name, rows: rows))
        }
        guard !sheets.isEmpty else { throw .noSheet }
        return sheets
    }

    static func read(_ cell: CellXML, shared: [String], dateStyles: Set<Int>, date1904: Bool) -> SheetCell {
        let raw = cell.v?.value ?? ""
        switch cell.t {
        case "s":
            guard let index = Int(raw), shared.indices.contains(index) else { return .empty }
            return .text(shared[index])
        case "inlineStr":
            return .text(cell.inline?.text ?? "")
        case "str":
            return .text(raw)
        case "b":
            return SheetCell(kind: .boolean, text: raw == "1" ? "TRUE" : "FALSE")
        case "e":
            return .text(raw)
        case "d":
            // An ISO 8601 date cell (rare; Excel 2010 strict): keep its day.
            return SheetCell(kind: .date, text: String(raw.prefix(10)))
        default:
            guard !raw.isEmpty else { return .empty }
            let serial = Double(raw)
            if let serial, let style = cell.s, dateStyles.contains(style), let day = ExcelDate.isoDate(serial: serial, date1904: date1904) {
                return SheetCell(kind: .date, text: day, serial: date1904 ? serial + 1462 : serial)
            }
            return SheetCell(kind: .number, text: raw, serial: serial)
        }
    }

    /// `AB12` → 27 (A is 0).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }
}

// MARK: The parts, as XMLCoder decodes them (unknown elements and attributes are ignored).

struct TextXML: Decodable {
    var value: String
    enum CodingKeys: String, CodingKey { case value = "" }
    init(from decoder: any Decoder) throws {
        value = (try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .value)) ?? ""
    }
}

struct RunXML: Decodable { var t: TextXML? }

/// A shared string or an inline string: plain (`<t>`) or rich text (`<r><t>…</t></r>…`).
struct StringItemXML: Decodable {
    var t: TextXML?
    var r: [RunXML]?
    var text: String { t?.value ?? (r ?? []).map { $0.t?.value ?? "" }.joined() }
}

struct SharedStringsXML: Decodable { var si: [StringItemXML]? }

struct WorkbookXML: Decodable {
    struct Properties: Decodable { var date1904: String? }
    struct SheetEntry: Decodable {
        var name: String
        var relationshipID: String?
        enum CodingKeys: String, CodingKey { case name, relationshipID = "r:id" }
    }
    struct Sheets: Decodable { var sheet: [SheetEntry] }
    var workbookPr: Properties?
    var sheets: Sheets
}

struct RelationshipXML: Decodable {
    var id: String
    var type: String
    var target: String
    enum CodingKeys: String, CodingKey { case id = "Id", type = "Type", target = "Target" }
}

struct RelationshipsXML: Decodable {
    var relationship: [RelationshipXML]?
    enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
}

struct StylesXML: Decodable {
    struct NumberFormat: Decodable { var numFmtId: Int; var formatCode: String }
    struct NumberFormats: Decodable { var numFmt: [NumberFormat]? }
    struct CellFormat: Decodable { var numFmtId: Int? }
    struct CellFormats: Decodable { var xf: [CellFormat]? }
    var numFmts: NumberFormats?
    var cellXfs: CellFormats?

    /// Built-in date and time formats (ECMA-376 §18.8.30, with the East Asian ones).
    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// The indexes of the cell formats that show a number as a date.
    var dateStyleIndexes: Set<Int> {
        var dateFormats = Self.builtInDateFormats
        for format in numFmts?.numFmt ?? [] where Self.isDateFormat(format.formatCode) { dateFormats.insert(format.numFmtId) }
        var indexes = Set<Int>()
        for (index, xf) in (cellXfs?.xf ?? []).enumerated() where dateFormats.contains(xf.numFmtId ?? 0) { indexes.insert(index) }
        return indexes
    }

    /// A custom format is a date when, outside quoted text and `[…]` sections, it has a year or day code.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, previous: Character = " "
        for character in code.lowercased() {
            defer { previous = character }
            if previous == "\\" { continue }
            switch character {
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            case "y" where !inQuote && !inBracket, "d" where !inQuote && !inBracket: return true
            default: break
            }
        }
        return false
    }
}

struct CellXML: Decodable {
    var r: String?
    var t: String?
    var s: Int?
    var v: TextXML?
    var inline: StringItemXML?
    enum CodingKeys: String, CodingKey { case r, t, s, v, inline = "is" }
}

struct RowXML: Decodable {
    var r: Int?
    var c: [CellXML]?
}

struct WorksheetXML: Decodable {
    struct SheetData: Decodable { var row: [RowXML]? }
    var sheetData: SheetData
}
