import Foundation
import Hummingbird

extension Request {
    /// A search parameter's text (a name, a unit, a code), trimmed; nil when absent or blank.
    func queryText(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
