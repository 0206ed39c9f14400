import Hummingbird

/// Query parameters read strictly, as the OpenAPI documents declare them: a value of the wrong type,
/// out of range or outside its enumeration is a 400 naming the parameter, never silently ignored.
public enum QueryValues {
    static func invalid(_ name: String, zh: String, en: String) -> Problem {
        Problem(.badRequest, code: "query.invalid", field: name, zh: "查询参数 \(name) 无效：\(zh)", en: "the query parameter \(name) is invalid: \(en)")
    }

    /// A cursor that is not one of ours.
    public static var invalidCursor: Problem {
        invalid("cursor", zh: "须为上一页返回的 nextCursor", en: "it must be the nextCursor of a previous page")
    }

    /// An integer in `range`, `fallback` when absent.
    public static func integer(_ request: Request, _ name: String, fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(String(text)), range.contains(value) else {
            throw invalid(name, zh: "须为 \(range.lowerBound) 至 \(range.upperBound) 之间的整数", en: "it must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A year (2016, the regulation's first, to 9999); nil when absent.
    public static func year(_ request: Request, _ name: String = "year") throws -> Int? {
        guard request.uri.queryParameters[Substring(name)] != nil else { return nil }
        return try integer(request, name, fallback: 0, in: 2016...9999)
    }

    /// `true` or `false`; nil when absent.
    public static func boolean(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw invalid(name, zh: "须为 true 或 false", en: "it must be true or false")
        }
    }

    /// One of `allowed`; nil when absent.
    public static func oneOf(_ request: Request, _ name: String, _ allowed: [String]) throws -> String? {
        guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
        guard allowed.contains(String(text)) else {
            throw invalid(name, zh: "须为 \(allowed.joined(separator: "、")) 之一", en: "it must be one of \(allowed.joined(separator: ", "))")
        }
        return String(text)
    }
}

extension Request {
    /// A query parameter's text; nil when absent or empty.
    public func stringQuery(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A query parameter as an integer, nil when absent; anything else is the kit's 400 naming it.
    public func integerQuery(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters[Substring(name)] else { return nil }
        guard let value = Int(String(text)) else {
            throw QueryValues.invalid(name, zh: "须为整数", en: "it must be an integer")
        }
        return value
    }
}
