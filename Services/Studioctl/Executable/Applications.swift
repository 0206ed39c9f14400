import ArgumentParser
import Foundation
import PlatformClient

/// Who a screening body's call acts as: `--token` (or STUDIO_TOKEN_SCREENING_BODY), or `--body CODE`, for
/// which studioctl issues a temporary token on intake with the operator token and revokes it afterwards.
struct ScreeningBodyOptions: ParsableArguments {
    @Option(help: "A screening body's token (default $STUDIO_TOKEN_SCREENING_BODY)") var token: String?
    @Option(help: "Act as this screening body (code, e.g. 330802) with a temporary token issued by the operator") var body: String?

    var acting: Acting {
        Acting(token: token, subject: body, role: "screening_body", service: .intake, environmentName: "STUDIO_TOKEN_SCREENING_BODY")
    }
    var given: Bool { token != nil || body != nil }
}

/// A stable Idempotency-Key for a body: the same file submitted twice is the same request (FNV-1a, 64 bits).
func idempotencyKey(_ prefix: String, _ bytes: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return "studioctl-\(prefix)-" + String(hash, radix: 16)
}

struct ApplicationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "applications", abstract: "Submit, import, list and show applications (intake).", discussion: Exit.help,
        subcommands: [Submit.self, Import.self, List.self, Show.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit applications from JSON files (screening body).",
            discussion: """
                Each file holds one application or an array of them: either the request body of POST /applications \
                ({"roundId", "form", …}) or just the form. Each is checked at once (Art 5, 6, 7, 10); every refusal \
                is printed and the command exits 1 if any was refused. The same file sent again is not submitted twice \
                (Idempotency-Key from its content).
                """)
        @OptionGroup var common: Common
        @OptionGroup var acting: ScreeningBodyOptions
        @Argument(help: "JSON files") var files: [String]
        @Option(help: "The round id (when the file does not name it)") var round: String?
        @Flag(help: "Save as drafts instead of submitting") var draft = false

        func run() throws {
            var bodies: [(label: String, body: [String: Any])] = []
            for file in files {
                let data = try readFile(file)
                guard let value = try? JSONSerialization.jsonObject(with: data) else { throw UsageProblem(message: "\(file) is not JSON") }
                let elements = (value as? [[String: Any]]) ?? (value as? [String: Any]).map { [$0] } ?? []
                guard !elements.isEmpty else { throw UsageProblem(message: "\(file) holds no application object") }
                for (index, element) in elements.enumerated() {
                    var body = element["form"] != nil ? element : ["form": element]
                    if body["roundId"] == nil {
                        guard let round else { throw ValidationError("\(file) names no roundId: give --round") }
                        body["roundId"] = round
                    }
                    if body["submit"] == nil { body["submit"] = !draft }
                    bodies.append((elements.count == 1 ? file : "\(file)[\(index)]", body))
                }
            }
            let session = try common.session()
            var results: [[String: Any]] = []
            var refusals: [Refused] = []
            try acting.acting.with(session) { token in
                let progress = Progress("submitting", total: bodies.count)
                for item in bodies {
                    let bytes = try JSONSerialization.data(withJSONObject: item.body, options: [.sortedKeys])
                    do {
                        let reply = try session.call("POST", .intake, "/applications", token: token, body: item.body,
                                                     headers: [("Idempotency-Key", idempotencyKey("application", bytes))])
                        results.append(["source": item.label, "id": reply.object["id"] ?? NSNull(), "status": reply.object["status"] ?? NSNull()])
                    } catch let refused as Refused {
                        refusals.append(refused)
                        let codes = (refused.reply.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                        results.append(["source": item.label, "refused": refused.reply.status, "codes": codes, "problem": refused.reply.json ?? NSNull()])
                    }
                    progress.advance()
                }
                progress.finish()
            }
            if common.json {
                printJSON(results)
            } else {
                var table = Table("source", "application", "status")
                for row in results {
                    table.add(row["source"], row["id"], row["status"] ?? "refused \(row["refused"] ?? "")")
                }
                table.print()
            }
            for refused in refusals { report(refused) }
            if !refusals.isEmpty { throw ExitCode(Exit.refused) }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a round's applications from CSV (screening body).",
            discussion: """
                UTF-8 (with or without BOM) or GB18030 as Chinese Excel writes it, with the Chinese header row. All or \
                nothing: a file with a bad row is refused whole with a report of every bad row and column (exit 1), \
                unless --good-rows-only.
                """)
        @OptionGroup var common: Common
        @OptionGroup var acting: ScreeningBodyOptions
        @Argument(help: "The CSV file") var file: String
        @Option(help: "The round id") var round: String
        @Flag(help: "Import the good rows and report the bad ones") var goodRowsOnly = false
        @Option(help: "utf-8 or gb18030 (detected when absent)") var encoding: String?

        func run() throws {
            let data = try readFile(file)
            let session = try common.session()
            let path = "/rounds/\(round)/import" + query([("goodRowsOnly", goodRowsOnly ? "true" : nil), ("encoding", encoding)])
            let lines = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let reply = try acting.acting.with(session) { token in
                try withSpinner("importing \(file) (\(lines) lines)") {
                    try session.call("POST", .intake, path, token: token, body: [UInt8](data),
                                     headers: [("Content-Type", "text/csv"), ("Idempotency-Key", idempotencyKey("import-\(round)", data))])
                }
            }
            if common.json { return session.printReply(reply) }
            let object = reply.object
            let imported = object["imported"] as? [[String: Any]] ?? []
            var table = Table("row", "application", "studio", rightAligned: [0])
            for row in imported { table.add(row["row"], row["applicationId"], row["studioName"]) }
            table.print()
            let errors = object["errors"] as? [[String: Any]] ?? []
            if !errors.isEmpty {
                print("")
                var bad = Table("bad row", "column", "code", "message", rightAligned: [0])
                for issue in errors { bad.add(issue["row"], issue["column"], issue["code"], "\(issue["messageZh"] ?? "") / \(issue["messageEn"] ?? "")") }
                bad.print()
            }
            print("\(imported.count) imported, \((object["rejectedRows"] as? [Any])?.count ?? 0) rows rejected (\(object["encoding"] ?? "?"))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applications (the department sees all; a screening body its own).")
        @OptionGroup var common: Common
        @OptionGroup var acting: ScreeningBodyOptions
        @Option(help: "Only this round") var round: String?
        @Option(help: "Only this status (submitted, qualificationPassed, named, …)") var status: String?
        @Option(help: "Only studios whose name contains this") var name: String?
        @Option(help: "Only applicant units whose name contains this") var unit: String?
        @Option(help: "Only rounds of this year") var year: Int?
        @Option(help: "Only this screening body (department)") var screeningBody: String?
        @Option(help: "Applications per page (1–500, default 50)") var limit: Int?
        @Option(help: "The next page: the cursor a previous page printed") var cursor: String?

        func run() throws {
            let session = try common.session()
            let path = "/applications" + query([("roundId", round), ("status", status), ("name", name), ("unit", unit),
                                                ("year", year.map(String.init)), ("screeningBody", screeningBody),
                                                ("limit", limit.map(String.init)), ("cursor", cursor)])
            let reply = try acting.given
                ? acting.acting.with(session) { try session.call("GET", .intake, path, token: $0) }
                : session.call("GET", .intake, path, token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("id", "round", "body", "order", "studio", "status", "v", "submitted", rightAligned: [3, 6])
            for item in reply.items {
                table.add(item["id"], item["roundId"], item["screeningBodyCode"], item["recommendationOrder"], item["studioName"],
                          "\(item["status"] ?? "") \(item["statusZh"] ?? "")", item["version"], item["submittedOn"])
            }
            table.print()
            if let next = reply.object["nextCursor"] as? String {
                print("… \(reply.object["total"] ?? "") in all; the next page: --cursor \(next)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One application: status, reasons, history.")
        @OptionGroup var common: Common
        @OptionGroup var acting: ScreeningBodyOptions
        @Argument(help: "The application id") var id: String

        func run() throws {
            let session = try common.session()
            let reply = try acting.given
                ? acting.acting.with(session) { try session.call("GET", .intake, "/applications/\(id)", token: $0) }
                : session.call("GET", .intake, "/applications/\(id)", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            let app = reply.object
            let form = app["form"] as? [String: Any] ?? [:]
            let studio = form["studio"] as? [String: Any] ?? [:], unit = form["applicantUnit"] as? [String: Any] ?? [:]
            let leader = form["leader"] as? [String: Any] ?? [:]
            var table = Table("field", "value")
            table.add("id", app["id"])
            table.add("kind", app["kind"])
            table.add("round", app["roundId"])
            table.add("screening body", app["screeningBodyCode"])
            table.add("status", "\(app["status"] ?? "") \(app["statusZh"] ?? "") / \(app["statusEn"] ?? "")")
            table.add("version", app["version"])
            table.add("submitted on", app["submittedOn"])
            table.add("studio", studio["name"])
            table.add("unit", "\(unit["name"] ?? "") (\(unit["creditCode"] ?? ""))")
            table.add("leader", "\(leader["name"] ?? "") \(leader["skillLevel"] ?? "")")
            table.add("attachments", (app["attachments"] as? [Any])?.count ?? 0)
            table.print()
            for reason in app["statusReasons"] as? [[String: Any]] ?? [] {
                print("reason: \(reason["code"] ?? "") \(reason["message_zh"] ?? "") / \(reason["message_en"] ?? "")")
            }
            let history = app["statusHistory"] as? [[String: Any]] ?? []
            if !history.isEmpty {
                print("")
                var lines = Table("at", "status", "by")
                for entry in history { lines.add(entry["at"], "\(entry["status"] ?? "") \(entry["statusZh"] ?? "")", entry["source"]) }
                lines.print()
            }
        }
    }
}

/// `studioctl studios …`: assessment's register (department).
struct StudiosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studios", abstract: "The register of named studios (assessment).", discussion: Exit.help,
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the register.")
        @OptionGroup var common: Common
        @Option(help: "active, demonstration, revoked or expired") var status: String?
        @Option(help: "city or provincial") var level: String?
        @Flag(help: "Only studios whose assessment is overdue") var overdue = false

        func run() throws {
            let session = try common.session()
            let path = "/studios" + query([("status", status), ("level", level), ("overdue", overdue ? "true" : nil)])
            let reply = try session.call("GET", .assessment, path, token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("id", "studio", "unit", "body", "level", "status", "named", "plaque", "cycle ends")
            for item in reply.items {
                table.add(item["id"], item["studioName"], item["unitName"], (item["screeningBody"] as? [String: Any])?["code"], item["level"],
                          item["status"], item["namedOn"], (item["plaque"] as? [String: Any])?["number"], (item["cycle"] as? [String: Any])?["end"])
            }
            table.print()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One studio with its title history and assessments.")
        @OptionGroup var common: Common
        @Argument(help: "The studio id") var id: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .assessment, "/studios/\(id)", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            let object = reply.object
            let studio = object["studio"] as? [String: Any] ?? object
            var table = Table("field", "value")
            for key in ["id", "studioName", "unitName", "leaderName", "level", "status", "namedOn", "origin"] { table.add(key, studio[key]) }
            table.add("plaque", (studio["plaque"] as? [String: Any])?["number"])
            if let cycle = studio["cycle"] as? [String: Any] { table.add("cycle", "\(cycle["number"] ?? "") \(cycle["start"] ?? "")…\(cycle["end"] ?? "")") }
            table.print()
            let history = object["history"] as? [[String: Any]] ?? object["titleHistory"] as? [[String: Any]] ?? []
            if !history.isEmpty {
                print("")
                var lines = Table("effective", "change", "to", "details")
                for entry in history { lines.add(entry["effectiveOn"], entry["kind"], entry["toStatus"], entry["detailsZh"]) }
                lines.print()
            }
        }
    }
}
