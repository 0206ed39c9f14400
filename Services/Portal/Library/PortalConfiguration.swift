import Foundation
import StudioDomain

/// Everything the portal needs to run, read once from the command line (`PortalCLI`).
public struct PortalConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDir: String
    public var services: ServiceEndpoints
    /// The operator token, to issue each new account its own token on every service; nil where the portal
    /// only serves (accounts are then added by `portal account add`).
    public var operatorToken: String?
    /// Failed sign-ins in a row that lock an account, and for how long.
    public var lockAfterFailures: Int = 5
    public var lockDuration: TimeInterval = 30 * 60
    /// An idle session ends after this long.
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// Where the templates and the stylesheet are; the bundled copies by default.
    public var resourcesPath: String?
    /// bcrypt's cost; lower only in tests.
    public var bcryptCost: UInt8 = 10

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDir: String = "data", services: ServiceEndpoints = .local(), operatorToken: String? = nil) {
        self.host = host
        self.port = port
        self.dataDir = dataDir
        self.services = services
        self.operatorToken = operatorToken
    }

    public var databasePath: String { dataDir == ":memory:" ? ":memory:" : (dataDir as NSString).appendingPathComponent("portal.sqlite") }

    /// The operator token from `tokens.env` in the data folder (as `deploy/platform.sh` writes it), if any.
    public static func operatorToken(inDataDir dataDir: String) -> String? {
        let path = (dataDir as NSString).appendingPathComponent("tokens.env")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("STUDIO_TOKEN_OPERATOR=") {
            return String(line.dropFirst("STUDIO_TOKEN_OPERATOR=".count))
        }
        return nil
    }
}
