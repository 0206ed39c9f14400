import Foundation

/// A service's OpenAPI 3.1 document: the file `Services/<Name>/openapi.yaml`, checked in beside the
/// service's code, bundled with its library (Package.swift `resources`) and served byte for byte by
/// `GET /openapi.yaml`. Tests parse it with OpenAPIKit and hold it against the router.
public enum OpenAPIFile {
    /// Why a bundled document could not be read: a build that lost its resource, never a request's fault.
    public struct Missing: Error, CustomStringConvertible {
        public var bundle: String
        public var name: String
        public var description: String { "\(name).yaml is not in the bundle \(bundle)" }
    }

    /// Reads `<name>.yaml` from `bundle` (the library's `Bundle.module`).
    public static func load(from bundle: Bundle, name: String = "openapi") throws -> String {
        guard let url = bundle.url(forResource: name, withExtension: "yaml") else { throw Missing(bundle: bundle.bundlePath, name: name) }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
