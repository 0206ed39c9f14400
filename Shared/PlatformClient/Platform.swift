import Foundation

/// Where the four services listen and the bearer tokens of the platform-wide roles. Screening-body and
/// expert tokens are not here: a scenario issues them as it needs them (`POST /ops/tokens` on intake for
/// screening bodies, on review for experts).
public struct Platform: Sendable {
    public enum Service: String, Sendable, CaseIterable {
        case intake, review, funding, assessment

        public var defaultPort: Int {
            switch self {
            case .intake: 8081
            case .review: 8082
            case .funding: 8083
            case .assessment: 8084
            }
        }
    }

    /// The roles whose one token is valid on all four services (`deploy/platform.sh` writes them to `tokens.env`).
    public enum Role: String, Sendable, CaseIterable {
        case `operator`, department, federation, finance
        case auditOffice = "audit_office"

        /// `STUDIO_TOKEN_OPERATOR`, … as in `data/tokens.env`.
        public var environmentName: String { "STUDIO_TOKEN_" + rawValue.uppercased() }
    }

    public var baseURLs: [Service: String]
    public var tokens: [Role: String]

    public init(baseURLs: [Service: String], tokens: [Role: String]) {
        self.baseURLs = baseURLs
        self.tokens = tokens
    }

    public func url(_ service: Service) -> String { baseURLs[service] ?? "http://127.0.0.1:\(service.defaultPort)" }

    public func token(_ role: Role) throws -> String {
        guard let token = tokens[role] else { throw PlatformClient.Failure(description: "no \(role.rawValue) token (\(role.environmentName))") }
        return token
    }

    /// The platform as `deploy/platform.sh` starts it: ports from `INTAKE_PORT` … (or the defaults) on
    /// `STUDIO_HOST`, tokens from the environment or else from `<dataDir>/tokens.env`.
    public static func local(dataDir: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Platform {
        let host = environment["STUDIO_HOST"] ?? "127.0.0.1"
        var urls: [Service: String] = [:]
        for service in Service.allCases {
            let port = environment["\(service.rawValue.uppercased())_PORT"].flatMap(Int.init) ?? service.defaultPort
            urls[service] = "http://\(host):\(port)"
        }
        let folder = dataDir ?? environment["STUDIO_DATA_DIR"] ?? "data"
        var fileValues: [String: String] = [:]
        if let text = try? String(contentsOfFile: (folder as NSString).appendingPathComponent("tokens.env"), encoding: .utf8) {
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { fileValues[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            if let token = environment[role.environmentName] ?? fileValues[role.environmentName] { tokens[role] = token }
        }
        return Platform(baseURLs: urls, tokens: tokens)
    }
}
