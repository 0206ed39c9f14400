import Foundation
import Hummingbird

/// `{"items": [...]}`: every list the service answers.
struct Listing<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
    /// Where the list pages: the next page's cursor (absent on the last) and how many match in all.
    var nextCursor: String? = nil
    var total: Int? = nil
}
