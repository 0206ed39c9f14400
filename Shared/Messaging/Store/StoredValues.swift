import GRDB
import StudioDomain

/// A value read back from the service's own database that no version of the service writes: a status outside
/// its enum, a day that is not `YYYY-MM-DD`. The service's writes and the schema keep these out, so one means the
/// file was edited by hand or damaged. Every service handles it one way: the read throws this, `ProblemMiddleware`
/// logs it as an error naming the column and the value and answers 500 `storage.bad_value` (an event handler's
/// throw leaves the event to the sender's retries): never a crash, never a quietly different value.
public struct StoredValueError: Error, CustomStringConvertible {
    public var column: String
    public var value: String
    public var expected: String

    public init(column: String, value: String, expected: String) {
        self.column = column
        self.value = value
        self.expected = expected
    }

    public var description: String { "stored column \(column) holds \(value), which is not \(expected)" }
}

extension Row {
    /// The value of `column` as `T` (an enum stored by its raw text); throws `StoredValueError` for NULL or a text `T` has no case for.
    public func stored<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        guard let value = try storedIfPresent(column, as: T.self) else {
            throw StoredValueError(column: column, value: "NULL", expected: "\(T.self)")
        }
        return value
    }

    /// As `stored`, where NULL means absent.
    public func storedIfPresent<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T? where T.RawValue == String {
        guard let text = self[column] as String? else { return nil }
        guard let value = T(rawValue: text) else { throw StoredValueError(column: column, value: text, expected: "\(T.self)") }
        return value
    }

    /// The business day stored in `column` as `YYYY-MM-DD`.
    public func day(_ column: String) throws -> LocalDate {
        guard let day = try dayIfPresent(column) else { throw StoredValueError(column: column, value: "NULL", expected: "a day (YYYY-MM-DD)") }
        return day
    }

    /// As `day`, where NULL means absent.
    public func dayIfPresent(_ column: String) throws -> LocalDate? {
        try (self[column] as String?).map { try LocalDate(stored: $0, column: column) }
    }
}

extension LocalDate {
    /// A day read back from `column` (a query's single value: `MAX(due_on)`); throws `StoredValueError` for a text that is not `YYYY-MM-DD`.
    public init(stored text: String, column: String) throws {
        guard let day = LocalDate(text) else { throw StoredValueError(column: column, value: text, expected: "a day (YYYY-MM-DD)") }
        self = day
    }
}
