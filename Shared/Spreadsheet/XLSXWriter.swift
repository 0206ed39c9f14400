import Foundation
import ZIPFoundation

/// A value of an exported cell.
public enum XLSXValue: Sendable, Equatable {
    case empty
    /// Text, stored as a string whatever it looks like (an ID number stays 18 digits, `=…` is no formula).
    case text(String)
    /// An integer (counts, fen).
    case integer(Int64)
    /// A decimal number shown with two decimals (yuan).
    case decimal(Double)
    /// A day, stored as an Excel serial with the `yyyy-mm-dd` format.
    case date(year: Int, month: Int, day: Int)
}

/// A column of an exported sheet: its header, its width in characters, and whether its cells are text-formatted
/// (`@`), so that what someone types into it later (an ID number, a credit code) stays text.
public struct XLSXColumn: Sendable {
    public var header: String
    public var width: Double
    public var text: Bool

    public init(_ header: String, width: Double = 14, text: Bool = false) {
        self.header = header
        self.width = width
        self.text = text
    }
}

public struct XLSXSheet: Sendable {
    public var name: String
    public var columns: [XLSXColumn]
    public var rows: [[XLSXValue]]

    public init(name: String, columns: [XLSXColumn], rows: [[XLSXValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}

/// Writes an `.xlsx` workbook (Office Open XML, as Excel and WPS open it) with ZIPFoundation: a bold header row
/// frozen at the top, text-formatted columns where asked, strings inline, dates as serials in `yyyy-mm-dd`.
public enum XLSXWriter {
    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// Cell formats (cellXfs) in styles.xml.
    enum Style: Int { case general = 0, text = 1, date = 2, header = 3, decimal = 4 }

    public static func write(_ sheets: [XLSXSheet]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let names = uniqueNames(sheets.map(\.name))
        try add("[Content_Types].xml", contentTypes(sheets.count))
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """)
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
            \(names.enumerated().map { "<sheet name=\"\(escape($1))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined())\
            </sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())\
            <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
            """)
        try add("xl/styles.xml", styles)
        for (index, sheet) in sheets.enumerated() {
            try add("xl/worksheets/sheet\(index + 1).xml", worksheet(sheet))
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return Array(data)
    }

    static func contentTypes(_ sheetCount: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        \((0..<sheetCount).map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
        </Types>
        """
    }

    /// general, text (`@`, 49), date (`yyyy-mm-dd`, 164), bold header (text), two decimals (4).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
        <xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    static func worksheet(_ sheet: XLSXSheet) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        if !sheet.columns.isEmpty {
            xml += "<cols>"
            for (index, column) in sheet.columns.enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(column.width)\" customWidth=\"1\"\(column.text ? " style=\"\(Style.text.rawValue)\"" : "")/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        xml += row(1, sheet.columns.map { .text($0.header) }, styles: sheet.columns.map { _ in .header })
        for (index, values) in sheet.rows.enumerated() {
            let styles: [Style] = values.indices.map { column in
                column < sheet.columns.count && sheet.columns[column].text ? .text : .general
            }
            xml += row(index + 2, values, styles: styles)
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    static func row(_ number: Int, _ values: [XLSXValue], styles: [Style]) -> String {
        var xml = "<row r=\"\(number)\">"
        for (column, value) in values.enumerated() {
            let reference = columnName(column) + String(number)
            let style = column < styles.count ? styles[column] : .general
            switch value {
            case .empty:
                if style != .general { xml += "<c r=\"\(reference)\" s=\"\(style.rawValue)\"/>" }
            case .text(let text):
                xml += "<c r=\"\(reference)\" s=\"\(style.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
            case .integer(let number):
                xml += "<c r=\"\(reference)\"><v>\(number)</v></c>"
            case .decimal(let number):
                guard number.isFinite else { break }
                let value = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
                xml += "<c r=\"\(reference)\" s=\"\(Style.decimal.rawValue)\"><v>\(value)</v></c>"
            case .date(let year, let month, let day):
                xml += "<c r=\"\(reference)\" s=\"\(Style.date.rawValue)\"><v>\(ExcelDate.serial(year: year, month: month, day: day))</v></c>"
            }
        }
        return xml + "</row>"
    }

    /// 0 → A, 25 → Z, 26 → AA.
    public static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    /// XML text: the five entities escaped, characters XML 1.0 cannot hold dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`, no two alike.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.enumerated().map { index, name in
            var clean = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            if clean.isEmpty { clean = "Sheet\(index + 1)" }
            var candidate = clean
            var suffix = 2
            while !seen.insert(candidate).inserted {
                candidate = String(clean.prefix(28)) + "(\(suffix))"
                suffix += 1
            }
            return candidate
        }
    }
}
