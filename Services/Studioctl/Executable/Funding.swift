import ArgumentParser
import Foundation
import PlatformClient

/// Yuan with two decimals from integer fen, for tables.
func yuan(_ fen: Any?) -> String {
    guard let fen = fen as? Int else { return "-" }
    let sign = fen < 0 ? "-" : ""
    let absolute = abs(fen)
    return "\(sign)\(absolute / 100).\(String(format: "%02d", absolute % 100))"
}

/// `studioctl grants …`: grants in funding.
struct GrantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants", abstract: "List, show, approve and release grants (funding).", discussion: Exit.help,
        subcommands: [List.self, Show.self, Approve.self, Release.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grants, after marking due and overdue ones (department).")
        @OptionGroup var common: Common
        @Option(help: "held, scheduled, approved, paid or cancelled") var status: String?
        @Option(help: "naming, projectGrant or demonstration") var kind: String?
        @Option(help: "Only this studio") var studio: String?
        @Option(help: "Only this year") var year: Int?

        func run() throws {
            let session = try common.session()
            let path = "/grants" + query([("status", status), ("kind", kind), ("studioId", studio), ("year", year.map(String.init))])
            let reply = try session.call("GET", .funding, path, token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("id", "reference", "kind", "studio", "year", "yuan", "status", "due", rightAligned: [5])
            for grant in reply.items {
                table.add(grant["id"], grant["reference"], grant["kind"], grant["studioId"], grant["year"], yuan(grant["amount"]),
                          grant["status"], "\(grant["dueOn"] ?? "") \(grant["dueState"] ?? "")")
            }
            table.print()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One grant.")
        @OptionGroup var common: Common
        @Argument(help: "The grant id") var id: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .funding, "/grants/\(id)", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            let grant = reply.object
            var table = Table("field", "value")
            for key in ["id", "reference", "kind", "article", "studioId", "payeeName", "year", "sourceApplicationId"] { table.add(key, grant[key]) }
            table.add("amount (yuan)", yuan(grant["amount"]))
            for key in ["decidedOn", "dueOn", "dueState", "status", "holdReason", "approvedBy", "paidOn", "paymentReference", "batchId", "cancelReason"] {
                table.add(key, grant[key])
            }
            table.print()
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a scheduled grant (department).")
        @OptionGroup var common: Common
        @Argument(help: "Grant ids") var ids: [String]

        func run() throws { try GrantsCommand.step("approve", done: "approved", ids: ids, common: common) }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a grant held for the budget, once it fits (department).")
        @OptionGroup var common: Common
        @Argument(help: "Grant ids") var ids: [String]

        func run() throws { try GrantsCommand.step("release", done: "released", ids: ids, common: common) }
    }

    /// One department step (`POST /grants/{id}/<action>`) on each grant, in order; stops at the first refusal.
    static func step(_ action: String, done: String, ids: [String], common: Common) throws {
        let session = try common.session()
        let token = try session.token(.department)
        var replies: [Any] = []
        for id in ids {
            let reply = try session.call("POST", .funding, "/grants/\(id)/\(action)", token: token)
            replies.append(reply.json ?? NSNull())
            if !common.json { print("\(id): \(reply.object["status"] ?? done)") }
        }
        if common.json { printJSON(replies) }
    }
}

/// `studioctl budget …`: the year's grant budget.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget", abstract: "The year's grant budget (funding).", discussion: Exit.help, subcommands: [SetBudget.self, Show.self])

    static func printBudget(_ object: [String: Any]) {
        var table = Table("field", "value")
        let fen: Swift.Set = ["budget", "amount", "committed", "held", "paid", "remaining", "available"]
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            table.add(key, fen.contains(key) ? "\(yuan(value)) yuan (\(value) fen)" : value)
        }
        table.print()
    }

    struct SetBudget: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set the year's budget in fen (department).")
        @OptionGroup var common: Common
        @Argument(help: "The year") var year: Int
        @Option(help: "The budget in fen (1 yuan = 100 fen)") var fen: Int

        func run() throws {
            let session = try common.session()
            let reply = try session.call("PUT", .funding, "/budgets/\(year)", token: try session.token(.department), body: ["amount": fen])
            if common.json { return session.printReply(reply) }
            printBudget(reply.object)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The year's budget standing.")
        @OptionGroup var common: Common
        @Argument(help: "The year") var year: Int

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .funding, "/budgets/\(year)", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            printBudget(reply.object)
        }
    }
}

/// `studioctl payments …`: payment batches for the bank and the bank's confirmations (finance).
struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "Payment batches and the bank's confirmations (funding, finance).", discussion: Exit.help,
        subcommands: [PayeeAccount.self, Batch.self, Confirm.self])

    struct PayeeAccount: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "payee-account", abstract: "Record a studio's payee bank account (department).")
        @OptionGroup var common: Common
        @Argument(help: "The studio id") var studio: String
        @Option(help: "The bank, e.g. 中国工商银行衢州分行") var bank: String
        @Option(help: "The account number") var account: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("PUT", .funding, "/studios/\(studio)/payee-account", token: try session.token(.department),
                                         body: ["bankName": bank, "accountNumber": account])
            if common.json { return session.printReply(reply) }
            print("\(studio): payee account at \(reply.object["bankName"] ?? bank)")
        }
    }

    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export approved, unbatched grants as a batch; --csv FILE writes the bank's CSV.")
        @OptionGroup var common: Common
        @Option(help: "Write the batch CSV (UTF-8 with BOM, Chinese headers) to this file") var csv: String?

        func run() throws {
            let session = try common.session()
            let finance = try session.token(.finance)
            let reply = try session.call("POST", .funding, "/payment-batches", token: finance)
            if let csv, let batch = reply.object["batchId"] as? String {
                let file = try session.call("GET", .funding, "/payment-batches/\(batch)/csv", token: finance)
                guard FileManager.default.createFile(atPath: csv, contents: Data(file.body)) else { throw UsageProblem(message: "cannot write \(csv)") }
            }
            if common.json { return session.printReply(reply) }
            let grants = reply.object["grantIds"] as? [String] ?? []
            print("batch \(reply.object["batchId"] ?? "?"): \(grants.count) grants\(csv.map { ", CSV in \($0)" } ?? "")")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the bank's confirmations (参考号, 金额（元）, 付款流水号, 付款日期).",
            discussion: """
                Rows that do not match an approved grant (reference, amount) are reported per row and not applied; \
                by default a file with such a row applies nothing (--good-only applies the good rows). Exits 1 when a \
                row was not applied.
                """)
        @OptionGroup var common: Common
        @Argument(help: "The bank's CSV file") var file: String
        @Flag(help: "Apply the good rows even when others are rejected") var goodOnly = false

        func run() throws {
            let data = try readFile(file)
            let session = try common.session()
            let path = "/payment-confirmations" + query([("mode", goodOnly ? "good-only" : nil)])
            let reply: PlatformClient.Reply
            do {
                reply = try withSpinner("confirming payments from \(file)") {
                    try session.call("POST", .funding, path, token: try session.token(.finance), body: [UInt8](data),
                                     headers: [("Content-Type", "text/csv; charset=utf-8")])
                }
            } catch let refused as Refused where refused.reply.status == 422 && refused.reply.object["report"] != nil {
                // Refused whole: the problem document carries the row report, printed like an accepted one.
                printError("refused: \(refused.what) answered 422; nothing was applied")
                reply = refused.reply
            }
            let object = reply.object["report"] as? [String: Any] ?? reply.object
            let notApplied = (object["rejected"] as? Int ?? 0) + (object["withheld"] as? Int ?? 0)
            if common.json {
                session.printReply(reply)
            } else {
                var table = Table("line", "reference", "grant", "outcome", "issues", rightAligned: [0])
                for row in object["rows"] as? [[String: Any]] ?? [] {
                    let issues = (row["issues"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? ""): \($0["message_zh"] ?? "") / \($0["message_en"] ?? "")" }
                    table.add(row["line"], row["reference"], row["grantId"], row["outcome"], issues.joined(separator: "; "))
                }
                table.print()
                print("\(object["applied"] ?? 0) applied, \(object["rejected"] ?? 0) rejected, \(object["withheld"] ?? 0) withheld")
                for row in object["rows"] as? [[String: Any]] ?? [] {
                    for issue in row["issues"] as? [[String: Any]] ?? [] {
                        printError("line \(row["line"] ?? "?"): \(issue["code"] ?? "") field \(issue["field"] ?? "-")\n    \(issue["message_zh"] ?? "")\n    \(issue["message_en"] ?? "")")
                    }
                }
            }
            if notApplied > 0 { throw ExitCode(Exit.refused) }
        }
    }
}
