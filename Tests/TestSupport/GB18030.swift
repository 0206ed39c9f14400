import Spreadsheet

/// Text as Chinese Excel and the banks save it (GB18030), for the tests of the imports that must read it.
public enum GB18030 {
    public static func encode(_ text: String) -> [UInt8]? {
        TextDecoding.convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }
}
