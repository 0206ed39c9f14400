import Foundation
import HummingbirdOTP
import ServiceKit

/// 动态口令: the optional TOTP second factor (RFC 6238, 6 digits, 30 s, SHA-1, as authenticator apps expect),
/// offered to the roles that decide or move money, and to the operator who creates accounts.
public enum SecondFactor {
    public static let roles: Set<Role> = [.department, .federation, .finance, .operator]

    /// 20 random characters; HummingbirdOTP uses the secret's UTF-8 bytes as the HMAC key and shows it in Base32.
    public static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    public static func code(secret: String, at date: Date) -> String {
        let value = TOTP(secret: secret).compute(date: date)
        let digits = String(value)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The time step a code belongs to, allowing one step of clock drift either way; nil when it is wrong.
    public static func step(of code: String, secret: String, now: Date) -> Int64? {
        let trimmed = code.filter { !$0.isWhitespace }
        guard trimmed.count == 6, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else { return nil }
        let current = Int64(now.timeIntervalSince1970 / 30)
        for step in [current, current - 1, current + 1] where self.code(secret: secret, at: Date(timeIntervalSince1970: Double(step) * 30)) == trimmed {
            return step
        }
        return nil
    }

    /// What an authenticator app is given: the secret in Base32 and the otpauth:// URL.
    public static func enrolment(secret: String, username: String) -> (base32: String, url: String) {
        let url = TOTP(secret: secret).createAuthenticatorURL(label: "衢州创新工作室:\(username)", issuer: "衢州市总工会")
        let base32 = URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        return (base32, url)
    }
}
