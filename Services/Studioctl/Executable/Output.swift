import ArgumentParser
import Foundation
import PlatformClient
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: Exit codes

/// The exit codes of every command: 0 done, 1 the platform refused (or a check failed), 2 a service (or a
/// database file) could not be reached, 64 a usage error (bad arguments, a missing file or token).
enum Exit {
    static let refused: Int32 = 1
    static let unreachable: Int32 = 2
    static let usage: Int32 = 64

    static let help = """
        Exit codes: 0 done; 1 the platform refused the request (its problem is printed: code, field, \
        article, message_zh / message_en) or a check failed; 2 a service or a database file could not be \
        reached; 64 usage (bad arguments, a missing file or token).
        """
}

/// The platform answered, but not with a 2xx: printed as its problem document and exit 1.
struct Refused: Error {
    var what: String
    var reply: PlatformClient.Reply
}

/// libcurl got no answer (connection refused, timeout): exit 2.
struct Unreachable: Error {
    var message: String
}

/// A check studioctl makes itself failed (an integrity check, rows the bank rejected): exit 1.
struct CheckFailed: Error {
    var message: String
}

/// A usage problem found while running (a missing token, an unreadable file): exit 64.
struct UsageProblem: Error {
    var message: String
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a refused request as a person reads it: the status and title, then each problem bilingual with
/// its field and article.
func report(_ refused: Refused) {
    let object = refused.reply.object
    let title = object["title"] as? String ?? object["detail"] as? String ?? ""
    printError("refused: \(refused.what) answered \(refused.reply.status)\(title.isEmpty ? "" : " " + title)")
    let issues = object["errors"] as? [[String: Any]] ?? []
    for issue in issues {
        let code = issue["code"] as? String ?? "?"
        var location = ""
        if let field = issue["field"] as? String, !field.isEmpty { location += " field \(field)" }
        if let article = issue["article"] as? String, !article.isEmpty { location += " (\(article))" }
        printError("  - \(code)\(location)")
        if let zh = (issue["message_zh"] ?? issue["messageZh"]) as? String { printError("    \(zh)") }
        if let en = (issue["message_en"] ?? issue["messageEn"]) as? String { printError("    \(en)") }
    }
    // The CSV import's refusal carries its row report beside the problems.
    if let rows = (object["report"] as? [String: Any])?["errors"] as? [[String: Any]], issues.isEmpty {
        for row in rows {
            printError("  - row \(row["row"] ?? "?") \(row["column"] ?? ""): \(row["messageZh"] ?? "") / \(row["messageEn"] ?? "")")
        }
    }
    if issues.isEmpty && object.isEmpty && !refused.reply.text.isEmpty { printError("  " + String(refused.reply.text.prefix(2000))) }
}

// MARK: Common options and the session

struct Common: ParsableArguments {
    @Option(help: "The launcher's data folder (for tokens.env); default $STUDIO_DATA_DIR or ./data") var dataDir: String?
    @Flag(help: "Print JSON for scripts instead of tables") var json = false

    func platform() throws -> Platform { try Platform.local(dataDir: dataDir) }

    func session() throws -> Session { Session(platform: try platform(), json: json) }
}

/// The services, their tokens and one libcurl client; every call checks its status.
final class Session {
    let platform: Platform
    let json: Bool
    let client = PlatformClient()

    init(platform: Platform, json: Bool) {
        self.platform = platform
        self.json = json
    }

    func token(_ role: Platform.Role) throws -> String {
        guard let token = platform.tokens[role] else {
            throw UsageProblem(message: "no \(role.rawValue) token: set \(role.environmentName) or give --data-dir with tokens.env")
        }
        return token
    }

    /// One request; a non-2xx answer throws `Refused`, no answer throws `Unreachable`.
    @discardableResult
    func call(_ method: String, _ service: Platform.Service, _ path: String, token: String?, body: Any? = nil,
              headers: [(String, String)] = []) throws -> PlatformClient.Reply {
        let url = platform.url(service) + path
        let reply: PlatformClient.Reply
        do {
            reply = try client.call(method, url, token: token, json: body, headers: headers)
        } catch {
            throw Unreachable(message: "\(service.rawValue) could not be reached: \(error)")
        }
        guard (200..<300).contains(reply.status) else { throw Refused(what: "\(service.rawValue) \(method) \(path)", reply: reply) }
        return reply
    }

    /// Every page of a paged list (`GET`, 500 at a time) as one reply `{"items": [...]}`; errors as `call`.
    func callAll(_ service: Platform.Service, _ path: String, token: String?) throws -> PlatformClient.Reply {
        let reply: PlatformClient.Reply
        do {
            reply = try client.getAll(platform.url(service) + path, token: token)
        } catch {
            throw Unreachable(message: "\(service.rawValue) could not be reached: \(error)")
        }
        guard (200..<300).contains(reply.status) else { throw Refused(what: "\(service.rawValue) GET \(path)", reply: reply) }
        return reply
    }

    /// Issues a token for a screening body or an expert with the operator token; `revoke` withdraws it.
    func issueTemporaryToken(on service: Platform.Service, role: String, subject: String) throws -> (token: String, id: String) {
        let reply = try call("POST", service, "/ops/tokens", token: token(.operator),
                             body: ["role": role, "subject": subject, "label": "studioctl \(role) \(subject) (temporary)"])
        guard let token = reply.object["token"] as? String, let id = (reply.object["info"] as? [String: Any])?["id"] as? String else {
            throw CheckFailed(message: "the token answer had no token: \(reply.text)")
        }
        return (token, id)
    }

    func revoke(tokenID: String, on service: Platform.Service) {
        _ = try? call("DELETE", service, "/ops/tokens/\(tokenID)", token: token(.operator))
    }

    /// Prints the service's JSON (pretty) for `--json`.
    func printReply(_ reply: PlatformClient.Reply) {
        if let value = reply.json { printJSON(value) } else { print(reply.text) }
    }
}

/// Who a screening-body or expert call acts as: an explicit token (`--token`, or the environment variable),
/// or a subject for which studioctl issues a temporary token with the operator token and revokes it after.
struct Acting {
    var token: String?
    var subject: String?
    var role: String
    var service: Platform.Service
    var environmentName: String

    /// Runs `body` with the token; a temporary one is revoked afterwards, whatever happens.
    func with<T>(_ session: Session, _ body: (String) throws -> T) throws -> T {
        if let token = token ?? ProcessInfo.processInfo.environment[environmentName], subject == nil {
            return try body(token)
        }
        guard let subject else {
            throw UsageProblem(message: "needs a \(role) token: give --token, set \(environmentName), or name the \(role) so studioctl issues one")
        }
        let issued = try session.issueTemporaryToken(on: service, role: role, subject: subject)
        defer { session.revoke(tokenID: issued.id, on: service) }
        return try body(issued.token)
    }
}

func printJSON(_ value: Any) {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else { return }
    print(String(decoding: data, as: UTF8.self))
}

func services(_ name: String?) throws -> [Platform.Service] {
    guard let name else { return Platform.Service.allCases }
    return [try serviceNamed(name)]
}

func serviceNamed(_ name: String) throws -> Platform.Service {
    guard let service = Platform.Service(rawValue: name) else { throw ValidationError("--service: intake, review, funding or assessment") }
    return service
}

func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { throw UsageProblem(message: "cannot read \(path)") }
    return data
}

/// `key=value` pairs of integers (scores).
func integerPairs(_ pairs: [String], option: String) throws -> [String: Int] {
    var result: [String: Int] = [:]
    for pair in pairs {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Int(parts[1]) else { throw ValidationError("\(option) takes key=integer, e.g. facilities=8 (got \(pair))") }
        result[parts[0]] = value
    }
    return result
}

/// Percent-encodes a query value.
func query(_ pairs: [(String, String?)]) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    let parts = pairs.compactMap { key, value in value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" } }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}

// MARK: Tables

/// Aligned columns for people; Chinese characters count two columns wide, as terminals draw them.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    var rightAligned: Set<Int> = []

    init(_ headers: String..., rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ cells: Any?...) {
        rows.append(cells.map(Table.cell))
    }

    static func cell(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "-"
        case let text as String: return text.isEmpty ? "-" : text
        // JSON numbers are NSNumbers, which also cast to Bool: only a JSON true/false (objCType "c") is one.
        case let number as NSNumber where String(cString: number.objCType) != "c": return number.stringValue
        case let flag as Bool: return flag ? "yes" : "no"
        case let value?: return "\(value)"
        }
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
                || (0x20000...0x3FFFD).contains(v)
            return total + (wide ? 2 : 1)
        }
    }

    func render() -> String {
        var widths = headers.map(Table.width)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], Table.width(cell)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(0, widths[index] - Table.width(cell)))
                if index == cells.count - 1 && !rightAligned.contains(index) { return cell }
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    func print() {
        if rows.isEmpty { return Swift.print("(none)") }
        Swift.print(render())
    }
}

// MARK: Progress

/// A progress bar on stderr when stderr is a terminal; otherwise a plain line at each quarter, so logs stay
/// readable. Nothing goes to stdout, which stays clean for `--json`.
final class Progress {
    let label: String
    var total: Int
    private(set) var done = 0
    private let tty = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var lastQuarter = 0
    private let started = Date()
    private var finished = false

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 0)
        draw(force: true)
    }

    func update(_ done: Int, total: Int? = nil) {
        if let total { self.total = max(total, 0) }
        self.done = min(max(done, 0), max(self.total, done))
        draw(force: false)
    }

    func advance(by count: Int = 1) { update(done + count) }

    func finish(_ note: String = "") {
        done = max(done, total)
        finished = true
        if tty {
            draw(force: true)
            FileHandle.standardError.write(Data(((note.isEmpty ? "" : "  " + note) + "\n").utf8))
        } else {
            let elapsed = String(format: "%.1f", Date().timeIntervalSince(started))
            printError("\(label): \(done)/\(total) done in \(elapsed) s\(note.isEmpty ? "" : ", " + note)")
        }
    }

    private func draw(force: Bool) {
        // An unknown total (0 before the first step) shows an empty bar, not a full one.
        let fraction = total == 0 ? (finished ? 1.0 : 0.0) : Double(done) / Double(total)
        if tty {
            guard force || Date().timeIntervalSince(lastDraw) > 0.05 else { return }
            lastDraw = Date()
            let width = 30
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let text = "\r\(label) \(bar) \(String(format: "%3d", Int(fraction * 100)))% \(done)/\(total)"
            FileHandle.standardError.write(Data(text.utf8))
        } else {
            let quarter = Int(fraction * 4)
            guard quarter > lastQuarter, quarter < 4 else { return }
            lastQuarter = quarter
            printError("\(label): \(done)/\(total)")
        }
    }
}

/// Runs a blocking call while a spinner with the elapsed time turns on stderr (a terminal only, drawn from a
/// thread of its own): for one long request whose progress the server does not report (a CSV import).
func withSpinner<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
    guard isatty(STDERR_FILENO) != 0 else { return try body() }
    let spinner = Spinner(label)
    spinner.start()
    defer { spinner.stop() }
    return try body()
}

final class Spinner: Sendable {
    private let label: String
    private let running = Mutex(true)
    private let finished = DispatchSemaphore(value: 0)

    init(_ label: String) { self.label = label }

    func start() {
        Thread { [self] in
            let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
            let started = Date()
            var frame = 0
            while running.withLock({ $0 }) {
                let elapsed = String(format: "%.1f", Date().timeIntervalSince(started))
                FileHandle.standardError.write(Data("\r\(frames[frame % frames.count]) \(label) \(elapsed) s".utf8))
                frame += 1
                usleep(100_000)
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            finished.signal()
        }.start()
    }

    func stop() {
        running.withLock { $0 = false }
        finished.wait()
    }
}
