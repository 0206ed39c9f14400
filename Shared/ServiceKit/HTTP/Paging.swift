import Foundation
import Hummingbird

/// One page of a list (`?limit=&cursor=`): at most `limit` items (50 unless asked, at most 500) after the
/// cursor. The cursor is opaque to clients: the sort key of the last item of the previous page — its creation
/// instant and its id, or any other columns a list sorts by — so the next page starts right after it whatever
/// the ids look like (random, time-ordered UUIDv7, or sequential) and however many items were added meanwhile.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 500

    public var limit: Int
    /// The sort key of the last item already seen, as its columns' text; nil for the first page.
    public var after: [String]?

    public init(limit: Int = PageRequest.defaultLimit, after: [String]? = nil) {
        self.limit = limit
        self.after = after
    }

    /// `limit` (1–500, default 50) and `cursor` (from a previous page's `nextCursor`, with `keyParts` parts)
    /// of the request; a 400 naming the parameter otherwise.
    public static func parse(_ request: Request, keyParts: Int = 2) throws -> PageRequest {
        let limit = try QueryValues.integer(request, "limit", fallback: defaultLimit, in: 1...maximumLimit)
        guard let text = request.uri.queryParameters["cursor"].map(String.init), !text.isEmpty else { return PageRequest(limit: limit) }
        guard let parts = decode(text), parts.count == keyParts else {
            throw QueryValues.invalid("cursor", zh: "须为上一页返回的 nextCursor", en: "it must be the nextCursor of a previous page")
        }
        return PageRequest(limit: limit, after: parts)
    }

    /// The cursor after an item whose sort key is `key`.
    public static func cursor(_ key: [String]) -> String {
        let joined = key.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\u{1F}", with: "\\u") }
            .joined(separator: "\u{1F}")
        return Data(joined.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> [String]? {
        guard cursor.count <= 1024 else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "\\u", with: "\u{1F}").replacingOccurrences(of: "\\\\", with: "\\")
        }
    }

    /// Of `limit + 1` rows fetched, the page and the cursor of the next page (nil on the last one).
    public func page<Item>(_ fetched: [Item], key: (Item) -> [String]) -> (items: [Item], nextCursor: String?) {
        guard fetched.count > limit else { return (fetched, nil) }
        let items = Array(fetched.prefix(limit))
        return (items, items.last.map { Self.cursor(key($0)) })
    }
}
