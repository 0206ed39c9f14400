import Foundation
import Hummingbird

/// `{"items": [...]}`: every list the service answers.
struct Listing<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
}
