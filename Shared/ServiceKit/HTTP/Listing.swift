import Foundation
import Hummingbird

/// `{"items": [...], "nextCursor": …, "total": …}`: every list a service answers, and what a client (the
/// portal, studioctl) decodes. `nextCursor` (absent on the last page) and `total` (how many match in all) are
/// there where the list pages (`PageRequest`).
public struct Listing<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public var total: Int?

    public init(items: [Item], nextCursor: String? = nil, total: Int? = nil) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }

    /// A page as a database type's list methods answer it.
    public init(_ page: (items: [Item], nextCursor: String?, total: Int)) {
        self.init(items: page.items, nextCursor: page.nextCursor, total: page.total)
    }
}

extension Listing: Encodable where Item: Encodable {}
extension Listing: Decodable where Item: Decodable {}
extension Listing: ResponseGenerator, ResponseEncodable where Item: Encodable {}
extension Listing: Equatable where Item: Equatable {}
