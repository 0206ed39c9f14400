import Foundation
import HTTPTypes
import Hummingbird

/// Files people upload (attachments, receipts) are typed by their first bytes, never by their name or the type
/// the uploader declared, and are served as downloads: a file posing as HTML cannot run in a reader's browser.
public enum FileContent {
    /// PDF, PNG or JPEG by their signature; nil for anything else.
    public static func recognisedType(of bytes: some Collection<UInt8>) -> String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    /// The recognised type, or `application/octet-stream` (bytes to save, never to render).
    public static func checkedType(of bytes: some Collection<UInt8>) -> String {
        recognisedType(of: bytes) ?? "application/octet-stream"
    }

    /// A download: the checked type, `Content-Disposition: attachment` with the name (RFC 6266 / 5987), `nosniff`.
    public static func download(_ bytes: Data, mediaType: String, fileName: String) -> Response {
        let encodedName = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        let disposition = encodedName.isEmpty ? "attachment" : "attachment; filename*=UTF-8''\(encodedName)"
        return Response(status: .ok,
                        headers: [.contentType: mediaType, .contentDisposition: disposition, HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
