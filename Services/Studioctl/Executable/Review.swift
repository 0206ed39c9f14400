import ArgumentParser
import Foundation
import PlatformClient

/// `studioctl qualification decide`: qualification and project review (资格审查, Art 11) in review.
struct QualificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qualification", abstract: "Qualification decisions (review, department).", discussion: Exit.help,
        subcommands: [Decide.self])

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pass, fail or return an application for amendment.",
            discussion: "fail and return need a reason: --code with --zh and --en (and --field, --article), or --reasons FILE.json (an array of issues).")
        @OptionGroup var common: Common
        @Argument(help: "The application id") var application: String
        @Option(help: "pass, fail or return") var outcome: String
        @Option(help: "The reason's code, e.g. site_area_unproven") var code: String?
        @Option(help: "The reason in Chinese") var zh: String?
        @Option(help: "The reason in English") var en: String?
        @Option(help: "The field the reason is about, e.g. studio.siteArea") var field: String?
        @Option(help: "The article, e.g. '第五条第（一）项 / Art. 5(1)'") var article: String?
        @Option(help: "A JSON file with an array of reasons ({code, field, article, message_zh, message_en})") var reasons: String?

        func validate() throws {
            guard ["pass", "fail", "return"].contains(outcome) else { throw ValidationError("--outcome: pass, fail or return") }
            if code != nil && (zh == nil || en == nil) { throw ValidationError("a reason needs --zh and --en") }
        }

        func run() throws {
            var body: [String: Any] = ["outcome": outcome]
            var list: [[String: Any]] = []
            if let reasons {
                guard let parsed = try JSONSerialization.jsonObject(with: try readFile(reasons)) as? [[String: Any]] else {
                    throw UsageProblem(message: "\(reasons) is not a JSON array of reasons")
                }
                list += parsed
            }
            if let code, let zh, let en {
                var reason: [String: Any] = ["code": code, "message_zh": zh, "message_en": en, "field": field ?? ""]
                if let article { reason["article"] = article }
                list.append(reason)
            }
            if !list.isEmpty { body["reasons"] = list }
            let session = try common.session()
            let reply = try session.call("POST", .review, "/applications/\(application)/qualification", token: try session.token(.department), body: body)
            if common.json { return session.printReply(reply) }
            print("\(application): \(reply.object["status"] ?? outcome)")
        }
    }
}

/// `studioctl experts …`: the expert pool (review, department).
struct ExpertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experts", abstract: "The expert pool and availability in a round (review, department).", discussion: Exit.help,
        subcommands: [Add.self, List.self, Availability.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add experts, from JSON files or from options.",
            discussion: "A file holds one expert or an array ({id, name, unitName, unitCreditCode, specialities, title, maxLoad, relationships, active}).")
        @OptionGroup var common: Common
        @Argument(help: "JSON files of experts") var files: [String] = []
        @Option(help: "The expert id, e.g. EXP-2026-1") var id: String?
        @Option(help: "Name") var name: String?
        @Option(help: "Work unit") var unit: String?
        @Option(help: "The unit's unified social credit code (conflicts: same unit)") var unitCreditCode: String?
        @Option(help: "A speciality, e.g. 装备制造/数控加工 (repeatable)") var speciality: [String] = []
        @Option(help: "Professional title") var title: String?
        @Option(help: "Most applications in a round") var maxLoad: Int = 10

        func run() throws {
            var experts: [[String: Any]] = []
            for file in files {
                let value = try JSONSerialization.jsonObject(with: try readFile(file))
                experts += (value as? [[String: Any]]) ?? (value as? [String: Any]).map { [$0] } ?? []
            }
            if let id {
                guard let name, let unit, !speciality.isEmpty else { throw ValidationError("--id needs --name, --unit and --speciality") }
                var expert: [String: Any] = ["id": id, "name": name, "unitName": unit, "specialities": speciality, "maxLoad": maxLoad,
                                             "active": true, "relationships": [Any]()]
                if let unitCreditCode { expert["unitCreditCode"] = unitCreditCode }
                if let title { expert["title"] = title }
                experts.append(expert)
            }
            guard !experts.isEmpty else { throw ValidationError("give JSON files or --id, --name, --unit, --speciality") }
            let session = try common.session()
            let token = try session.token(.department)
            var added: [Any] = []
            let progress = Progress("adding experts", total: experts.count)
            for expert in experts {
                added.append(try session.call("POST", .review, "/experts", token: token, body: expert).json ?? NSNull())
                progress.advance()
            }
            progress.finish()
            if common.json { return printJSON(added) }
            print("added \(added.count) experts")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pool.")
        @OptionGroup var common: Common

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .review, "/experts", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("id", "name", "unit", "specialities", "max load", "active", rightAligned: [4])
            for item in reply.items {
                table.add(item["id"], item["name"], item["unitName"], (item["specialities"] as? [String])?.joined(separator: ", "), item["maxLoad"], item["active"])
            }
            table.print()
        }
    }

    struct Availability: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An expert's availability and load in a round.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String
        @Argument(help: "The expert id") var expert: String
        @Option(help: "Available in the round (true/false)") var available: Bool = true
        @Option(help: "Most applications in the round") var maxLoad: Int?
        @Option(help: "Fewest applications in the round") var minLoad: Int?

        func run() throws {
            var body: [String: Any] = ["available": available]
            if let maxLoad { body["maxLoad"] = maxLoad }
            if let minLoad { body["minLoad"] = minLoad }
            let session = try common.session()
            let reply = try session.call("PUT", .review, "/rounds/\(round)/experts/\(expert)", token: try session.token(.department), body: body)
            if common.json { return session.printReply(reply) }
            print("\(expert) in \(round): \(available ? "available" : "unavailable")")
        }
    }
}

/// `studioctl conflicts …`: conflicts of interest of a round.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Conflicts of interest of a round (review, department).", discussion: Exit.help,
        subcommands: [List.self, Add.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every conflict with its rule and fact.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .review, "/rounds/\(round)/conflicts", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("expert", "application", "rule", "fact")
            for item in reply.items { table.add(item["expertId"], item["applicationId"], item["rule"], item["factZh"]) }
            table.print()
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a conflict by hand (an existing assignment of the pair is removed).")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String
        @Option(help: "The expert id") var expert: String
        @Option(help: "The application id") var application: String
        @Option(help: "Why") var reason: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(round)/conflicts", token: try session.token(.department),
                                         body: ["expertId": expert, "applicationId": application, "reason": reason])
            if common.json { return session.printReply(reply) }
            print("conflict recorded: \(expert) → \(application)")
        }
    }
}

/// `studioctl assignment …`: the optimal conflict-free assignment of experts.
struct AssignmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assignment", abstract: "Assign experts to a round's applications (review, department).", discussion: Exit.help,
        subcommands: [Run.self, Show.self])

    static func printAssignment(_ object: [String: Any]) {
        var table = Table("application", "experts")
        for row in object["assignments"] as? [[String: Any]] ?? [] {
            let experts = (row["experts"] as? [[String: Any]] ?? []).compactMap { $0["expertId"] as? String }
            table.add(row["applicationId"], experts.joined(separator: ", "))
        }
        table.print()
        if let loads = object["loads"] as? [String: Any], !loads.isEmpty {
            print("loads: " + loads.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                  + "; total mismatch cost \(object["totalCost"] ?? "?")")
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the assignment (min-cost flow); a refusal explains an infeasible round.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(round)/assignment", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            printAssignment(reply.object)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The current assignment with loads.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .review, "/rounds/\(round)/assignment", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            printAssignment(reply.object)
        }
    }
}

/// `studioctl scores …`: an expert's score sheets.
struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores", abstract: "Record an expert's scores (review, expert).", discussion: Exit.help,
        subcommands: [Record.self, Mine.self])

    struct ExpertOptions: ParsableArguments {
        @Option(help: "The expert's token (default $STUDIO_TOKEN_EXPERT)") var token: String?
        @Option(help: "Act as this expert id, with a temporary token issued by the operator") var expert: String?

        var acting: Acting { Acting(token: token, subject: expert, role: "expert", service: .review, environmentName: "STUDIO_TOKEN_EXPERT") }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save scores for an application, and submit the sheet with --submit.")
        @OptionGroup var common: Common
        @OptionGroup var acting: ExpertOptions
        @Argument(help: "The application id") var application: String
        @Option(name: .customLong("score"), help: "criterion=points, e.g. facilities=8 (repeatable: facilities, workRules, projects, team, results)") var scores: [String] = []
        @Option(help: "A comment") var comment: String?
        @Flag(help: "Submit the sheet (final unless the department reopens it)") var submit = false

        func run() throws {
            let points = try integerPairs(scores, option: "--score")
            guard !points.isEmpty || submit else { throw ValidationError("give --score criterion=points, or --submit") }
            let session = try common.session()
            let sheet = try acting.acting.with(session) { token -> PlatformClient.Reply in
                var reply: PlatformClient.Reply?
                if !points.isEmpty {
                    var body: [String: Any] = ["scores": points]
                    if let comment { body["comment"] = comment }
                    reply = try session.call("PUT", .review, "/applications/\(application)/score-sheets/mine", token: token, body: body)
                }
                if submit { reply = try session.call("POST", .review, "/applications/\(application)/score-sheets/mine/submit", token: token) }
                return reply!
            }
            if common.json { return session.printReply(sheet) }
            let object = sheet.object
            print("\(application) by \(object["expertId"] ?? "?"): \(object["status"] ?? "?"), total \(object["total"] ?? "-")")
        }
    }

    struct Mine: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The expert's assignments.")
        @OptionGroup var common: Common
        @OptionGroup var acting: ExpertOptions

        func run() throws {
            let session = try common.session()
            let reply = try acting.acting.with(session) { try session.callAll(.review, "/me/assignments", token: $0) }
            if common.json { return session.printReply(reply) }
            var table = Table("application", "round", "studio", "sheet", "deadline")
            for item in reply.items { table.add(item["applicationId"], item["roundId"], item["studioName"], item["sheetStatus"], item["scoringDeadline"]) }
            table.print()
        }
    }
}

/// `studioctl ranking show`: the ranking against the quota.
struct RankingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranking", abstract: "The ranking of a round (review).", discussion: Exit.help, subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Scores, ranks, tie-breaks, the proposed list (*) and outliers.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .review, "/rounds/\(round)/ranking", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("rank", "application", "final", "mean", "proposed", rightAligned: [0, 2, 3])
            for line in reply.object["lines"] as? [[String: Any]] ?? [] {
                table.add(line["rank"], line["applicationId"], line["final"], line["mean"], line["proposed"] as? Bool == true ? "*" : "")
            }
            table.print()
            if let tieBreaks = reply.object["tieBreaks"] as? [String], !tieBreaks.isEmpty { print("tie-breaks: " + tieBreaks.joined(separator: "; ")) }
        }
    }
}

/// `studioctl notice publish`: the proposed list on public notice (公示).
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "The public notice of the proposed list (review, department).", discussion: Exit.help,
        subcommands: [Publish.self, Show.self])

    static func printNotice(_ object: [String: Any]) {
        let ids = object["applicationIds"] as? [String] ?? []
        print("notice of round \(object["roundId"] ?? "?"): \(object["startsOn"] ?? "?") to \(object["endsOn"] ?? "?") (\(object["workingDays"] ?? "?") working days), \(ids.count) applications")
        for id in ids { print("  \(id)") }
        let objections = object["objections"] as? [[String: Any]] ?? []
        if !objections.isEmpty { print("\(objections.count) objections") }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish the proposed list (or the given applications) on notice.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String
        @Option(help: "First day of the notice, YYYY-MM-DD (default today)") var startsOn: String?
        @Option(help: "An application to list instead of the proposal (repeatable)") var application: [String] = []
        @Option(help: "A note") var note: String?

        func run() throws {
            var body: [String: Any] = [:]
            if let startsOn { body["startsOn"] = startsOn }
            if !application.isEmpty { body["applicationIds"] = application }
            if let note { body["note"] = note }
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(round)/notice", token: try session.token(.department), body: body)
            if common.json { return session.printReply(reply) }
            printNotice(reply.object)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The notice and its objections.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("GET", .review, "/rounds/\(round)/notice", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            printNotice(reply.object)
        }
    }
}

/// `studioctl decision publish`: the federation's decision after the notice.
struct DecisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decision", abstract: "The federation's decision on a round (review, federation).", discussion: Exit.help,
        subcommands: [Publish.self])

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decide after the notice: names the studios (studio.named) and sets every status.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var round: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(round)/decision", token: try session.token(.federation))
            if common.json { return session.printReply(reply) }
            print("decided on \(reply.object["decidedOn"] ?? "?") by \(reply.object["decidedBy"] ?? "?")")
            var table = Table("application", "outcome", "studio")
            for outcome in reply.object["outcomes"] as? [[String: Any]] ?? [] { table.add(outcome["applicationId"], outcome["status"], outcome["studioId"]) }
            table.print()
        }
    }
}
