/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields with commas, quotes or line breaks
/// in double quotes, a quote inside doubled. Each record keeps the line it starts on, for the bad-row report.
struct CSVRecord: Equatable, Sendable {
    var line: Int
    var fields: [String]
}

enum CSVError: Error, Equatable, Sendable {
    /// A quoted field was never closed; it starts on `line`.
    case unterminatedQuote(line: Int)
    /// A quote in the middle of an unquoted field, or text after a closing quote.
    case strayQuote(line: Int)
}

enum CSVParser {
    static func parse(_ text: String) throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false, quoteLine = 1
        var scalars = Array(text.unicodeScalars)[...]

        func endField() {
            fields.append(field)
            field = ""
            wasQuoted = false
        }
        func endRecord() {
            endField()
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields = []
        }

        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r":
                if scalars.first == "\n" { scalars.removeFirst() }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !wasQuoted else { throw .strayQuote(line: line) }
                inQuotes = true
                wasQuoted = true
                quoteLine = line
            default:
                if wasQuoted { throw .strayQuote(line: line) }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
