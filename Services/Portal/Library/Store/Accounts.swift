import Foundation
import HummingbirdBcrypt
import ServiceKit
import StudioDomain

/// Creating accounts and checking passwords. A new account gets its own bearer token on each of the four
/// services (issued with the operator token), so the services, not the portal, decide what it may do.
public struct Accounts: Sendable {
    public let database: PortalDatabase
    public let gateway: ServiceGateway
    public let operatorToken: String?
    public var bcryptCost: UInt8 = 10

    public init(database: PortalDatabase, gateway: ServiceGateway, operatorToken: String?, bcryptCost: UInt8 = 10) {
        self.database = database
        self.gateway = gateway
        self.operatorToken = operatorToken
        self.bcryptCost = bcryptCost
    }

    public struct Created: Sendable {
        public var account: Account
        /// The first password, shown once; it must be changed at the first sign-in.
        public var oneTimePassword: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalid(field: String, zh: String, en: String)
        case noOperatorToken
        case serviceRefused(PlatformService, Int, String)
        case unavailable(PlatformService, String)

        public var description: String {
            switch self {
            case .invalid(let field, let zh, let en): "\(field): \(zh) / \(en)"
            case .noOperatorToken: "no operator token: pass --operator-token or keep tokens.env in the data folder / 缺少运维令牌"
            case .serviceRefused(let service, let status, let body): "\(service.rawValue) refused to issue a token (\(status)): \(body)"
            case .unavailable(let service, let reason): "\(service.nameZh)暂不可用 / \(service.rawValue) is unavailable: \(reason)"
            }
        }
    }

    public func add(username: String?, role: Role, subject: String?, displayName: String, password: String? = nil, now: Date = Date()) async throws -> Created {
        let subject = subject?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let username = (username?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? subject ?? role.rawValue)
        let displayName = displayName.trimmingCharacters(in: .whitespaces)
        guard !displayName.isEmpty else { throw Failure.invalid(field: "name", zh: "请填写账户名称", en: "a display name is required") }
        guard username.count <= 64, username.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw Failure.invalid(field: "username", zh: "用户名只能包含字母、数字和 -_.@，不超过64个字符", en: "a username is letters, digits and -_.@, at most 64 characters")
        }
        if (role == .screeningBody || role == .expert) && subject == nil {
            throw Failure.invalid(field: "subject", zh: "初审单位须填写单位代码，专家须填写专家编号", en: "a screening body needs its code, an expert their expert id")
        }
        if try await database.account(username: username) != nil {
            throw Failure.invalid(field: "username", zh: "用户名\(username)已存在", en: "the username \(username) is taken")
        }
        guard let operatorToken else { throw Failure.noOperatorToken }
        let oneTime = password ?? Self.oneTimePassword()
        let hash = await Self.hash(oneTime, cost: bcryptCost)
        let account = Account(username: username, displayName: displayName, role: role, subject: subject, passwordHash: hash,
                              mustChangePassword: true, createdAt: now)
        var tokens: [PlatformService: IssuedServiceToken] = [:]
        do {
            for service in PlatformService.allCases {
                tokens[service] = try await issueToken(on: service, role: role, subject: subject, username: username, operatorToken: operatorToken)
            }
            try await database.insert(account, tokens: tokens)
        } catch {
            // Nothing half-done: a token already issued on another service is revoked again.
            for (service, token) in tokens {
                guard let id = token.id else { continue }
                _ = try? await gateway.send(service, "DELETE", "/ops/tokens/\(id)", token: operatorToken, body: [], headers: [])
            }
            throw error
        }
        return Created(account: account, oneTimePassword: oneTime)
    }

    private func issueToken(on service: PlatformService, role: Role, subject: String?, username: String, operatorToken: String) async throws -> IssuedServiceToken {
        struct Issue: Encodable { var role: String; var subject: String?; var label: String }
        struct Issued: Decodable { var token: String; var info: Info?; struct Info: Decodable { var id: String? } }
        let reply: ServiceReply
        do {
            reply = try await gateway.call(service, "POST", "/ops/tokens", token: operatorToken,
                                           json: Issue(role: role.rawValue, subject: subject, label: "portal account \(username)"))
        } catch let error as ServiceUnavailable {
            throw Failure.unavailable(service, error.reason)
        }
        guard reply.status == 201 || reply.status == 200 else {
            throw Failure.serviceRefused(service, reply.status, String(decoding: reply.body.prefix(400), as: UTF8.self))
        }
        let issued = try reply.decode(Issued.self)
        return IssuedServiceToken(token: issued.token, id: issued.info?.id)
    }

    /// Twelve characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    public static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// bcrypt is deliberately slow: it runs on a dispatch queue, off Swift's cooperative pool.
    public static func hash(_ password: String, cost: UInt8) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.hash(password, cost: cost)) }
        }
    }

    /// The work of one verification against a hash no account has, so an unknown username answers as slowly
    /// as a known one.
    static func spendVerification(_ password: String) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                _ = Bcrypt.verify(password, hash: unknownUserHash)
                continuation.resume()
            }
        }
    }

    private static let unknownUserHash = Bcrypt.hash(oneTimePassword(), cost: 10)

    public static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
