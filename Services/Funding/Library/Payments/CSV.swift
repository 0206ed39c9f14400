import Spreadsheet

/// Funding's CSV files are written with the shared writer (UTF-8 with a BOM, CRLF, formula-like text defused)
/// and read with the shared reader (`CSVReader`), the same ones intake's import uses.
typealias CSV = CSVWriter
