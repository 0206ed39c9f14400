import ArgumentParser
import Foundation

/// The defaults of a service's command-line options: the documented environment variables
/// (`STUDIO_DATA_DIR`, `INTAKE_PORT`, `FUNDING_PAYMENT_DAYS` …, as the systemd units' `.env` files set them).
///
/// The process environment is read here and nowhere else in the services: `ServiceCommand` reads it once and
/// hands it to the kit's options and to each service's `ServiceProgram`, which decode their settings from a
/// flag or else from its variable. A value that is there but unreadable or out of range stops the service at
/// start with a message naming the flag, the variable and the rule, rather than being quietly replaced by a
/// default.
public struct SettingsEnvironment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// The running process's environment.
    public static var process: SettingsEnvironment { SettingsEnvironment(ProcessInfo.processInfo.environment) }

    /// The variable's value; an empty one counts as unset (as `KEY=` in an `.env` file means).
    public subscript(_ variable: String) -> String? {
        guard let value = values[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The flag's text, else the variable's, else nil.
    public func text(_ flag: String?, variable: String) -> String? { flag ?? self[variable] }

    /// A whole number from the flag, else the variable, else `fallback`; outside `range` it is an error.
    public func integer(_ flag: Int?, option: String, variable: String, range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        let value: Int
        if let flag {
            value = flag
        } else if let text = self[variable] {
            guard let parsed = Int(text) else {
                throw ValidationError("\(variable)=\(text) (--\(option)): not a whole number")
            }
            value = parsed
        } else {
            value = fallback
        }
        guard range.contains(value) else {
            throw ValidationError("--\(option) (\(variable)) must be \(range.lowerBound)…\(range.upperBound); got \(value)")
        }
        return value
    }

    /// One of `T`'s raw values from the flag, else the variable, else `fallback`.
    public func choice<T: RawRepresentable & CaseIterable>(_ flag: String?, option: String, variable: String, default fallback: T) throws -> T
    where T.RawValue == String {
        guard let text = text(flag, variable: variable) else { return fallback }
        guard let value = T(rawValue: text) else {
            throw ValidationError("--\(option) (\(variable)) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got \(text)")
        }
        return value
    }
}
