import Foundation

/// Reference data that changes without a code change: today the screening bodies (初审单位).
///
/// File format (JSON): `{"screening_bodies": [ {"code": …, "name_zh": …, "name_en": …, "kind": …}, … ]}`.
/// A file entry with the code of a built-in default replaces that default; other entries are added.
public struct ReferenceData: Codable, Hashable, Sendable {
    /// In a stable order: built-in defaults first in their order, then additions in file order.
    public private(set) var screeningBodies: [ScreeningBody]

    public init(screeningBodies: [ScreeningBody]) {
        self.screeningBodies = []
        for body in screeningBodies { upsert(body) }
    }

    enum CodingKeys: String, CodingKey {
        case screeningBodies = "screening_bodies"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(screeningBodies: try container.decodeIfPresent([ScreeningBody].self, forKey: .screeningBodies) ?? [])
    }

    /// The built-in defaults alone.
    public static let defaults = ReferenceData(screeningBodies: ScreeningBody.builtInDefaults)

    /// Decodes a reference-data file; with `mergingWithDefaults` its bodies override or extend the defaults.
    public static func decode(_ data: Data, mergingWithDefaults: Bool = true) throws -> ReferenceData {
        let file = try JSONDecoder().decode(ReferenceData.self, from: data)
        return mergingWithDefaults ? defaults.merging(file) : file
    }

    /// Loads the file at `url`; a missing file yields the defaults (a fresh installation needs no file),
    /// a malformed one throws (a typo must not silently drop a body).
    public static func load(from url: URL, mergingWithDefaults: Bool = true) throws -> ReferenceData {
        guard FileManager.default.fileExists(atPath: url.path) else { return defaults }
        return try decode(Data(contentsOf: url), mergingWithDefaults: mergingWithDefaults)
    }

    /// This data with `other`'s bodies laid over it, matched by code.
    public func merging(_ other: ReferenceData) -> ReferenceData {
        var merged = self
        for body in other.screeningBodies { merged.upsert(body) }
        return merged
    }

    public func screeningBody(code: String) -> ScreeningBody? {
        screeningBodies.first { $0.code == code }
    }

    /// Bodies that accept new applications.
    public var activeScreeningBodies: [ScreeningBody] { screeningBodies.filter(\.active) }

    public func screeningBodies(of kind: ScreeningBody.Kind) -> [ScreeningBody] {
        screeningBodies.filter { $0.kind == kind }
    }

    private mutating func upsert(_ body: ScreeningBody) {
        if let index = screeningBodies.firstIndex(where: { $0.code == body.code }) {
            screeningBodies[index] = body
        } else {
            screeningBodies.append(body)
        }
    }
}
