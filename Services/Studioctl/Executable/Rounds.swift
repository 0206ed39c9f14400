import ArgumentParser
import Foundation
import PlatformClient

/// `studioctl round …`: naming, project-grant and demonstration rounds (申报批次). Intake opens them for
/// applications (department); review configures and moves them through scoring (department).
struct RoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round", abstract: "Open, list, show and configure rounds (department).", discussion: Exit.help,
        subcommands: [Open.self, List.self, Show.self, Configure.self, StartScoring.self, Close.self])

    static func printRound(_ round: [String: Any], session: Session) {
        var table = Table("id", "kind", "year", "opens", "deadline", "quota per body")
        table.add(round["id"], round["kind"], round["year"], round["opensOn"], round["deadline"], round["quotaPerBody"])
        table.print()
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a round in intake (Art 10).")
        @OptionGroup var common: Common
        @Option(help: "naming, projectGrant or demonstration") var kind = "naming"
        @Option(help: "The year of the round") var year: Int
        @Option(help: "First day submissions are taken, YYYY-MM-DD") var opensOn: String
        @Option(help: "Last day (inclusive) to submit, amend or withdraw, YYYY-MM-DD") var deadline: String
        @Option(help: "Most applications one screening body may submit") var quotaPerBody: Int?
        @Option(help: "Idempotency-Key (a retry with the same key returns the same round)") var idempotencyKey: String?

        func run() throws {
            let session = try common.session()
            var body: [String: Any] = ["kind": kind, "year": year, "opensOn": opensOn, "deadline": deadline]
            if let quotaPerBody { body["quotaPerBody"] = quotaPerBody }
            let reply = try session.call("POST", .intake, "/rounds", token: try session.token(.department), body: body,
                                         headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? [])
            if common.json { return session.printReply(reply) }
            printRound(reply.object, session: session)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List intake's rounds.")
        @OptionGroup var common: Common

        func run() throws {
            let session = try common.session()
            let reply = try session.callAll(.intake, "/rounds", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("id", "kind", "year", "opens", "deadline", "quota per body")
            for round in reply.items { table.add(round["id"], round["kind"], round["year"], round["opensOn"], round["deadline"], round["quotaPerBody"]) }
            table.print()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A round as intake and review see it.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var id: String

        func run() throws {
            let session = try common.session()
            let department = try session.token(.department)
            let intake = try session.call("GET", .intake, "/rounds/\(id)", token: department)
            // Review knows a round once its first application arrived.
            let review = try? session.call("GET", .review, "/rounds/\(id)", token: department)
            if common.json { return printJSON(["intake": intake.json ?? NSNull(), "review": review?.json ?? NSNull()]) }
            printRound(intake.object, session: session)
            guard let detail = review?.object, let round = detail["round"] as? [String: Any] else { return print("review: no application yet") }
            print("")
            var table = Table("review status", "applications", "quota", "minimum score", "experts each", "notice days", "scoring deadline")
            table.add(round["status"], detail["applications"], round["quota"], round["minimumScore"], round["expertsPerApplication"],
                      round["noticeWorkingDays"], round["scoringDeadline"])
            table.print()
        }
    }

    struct Configure: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set review's settings of a round (quota, minimum score, panel size, …).")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var id: String
        @Option(help: "How many the round may name or award (naming: Art 9, generally 10)") var quota: Int?
        @Option(help: "Minimum final score to be proposed") var minimumScore: Int?
        @Option(help: "Experts per application") var expertsPerApplication: Int?
        @Option(help: "Length of the public notice in working days") var noticeWorkingDays: Int?
        @Option(help: "Last day experts may score, YYYY-MM-DD") var scoringDeadline: String?
        @Option(help: "Normalise each expert's scores (true/false)") var normalise: Bool?
        @Option(help: "Exclude experts of the applicant's own screening body (true/false)") var excludeSameScreeningBody: Bool?

        func run() throws {
            var body: [String: Any] = [:]
            if let quota { body["quota"] = quota }
            if let minimumScore { body["minimumScore"] = minimumScore }
            if let expertsPerApplication { body["expertsPerApplication"] = expertsPerApplication }
            if let noticeWorkingDays { body["noticeWorkingDays"] = noticeWorkingDays }
            if let scoringDeadline { body["scoringDeadline"] = scoringDeadline }
            if let normalise { body["normalise"] = normalise }
            if let excludeSameScreeningBody { body["excludeSameScreeningBody"] = excludeSameScreeningBody }
            guard !body.isEmpty else { throw ValidationError("give at least one setting to change") }
            let session = try common.session()
            let reply = try session.call("PATCH", .review, "/rounds/\(id)", token: try session.token(.department), body: body)
            if common.json { return session.printReply(reply) }
            let round = reply.object["round"] as? [String: Any] ?? reply.object
            var table = Table("round", "status", "quota", "minimum score", "experts each", "notice days")
            table.add(round["id"] ?? id, round["status"], round["quota"], round["minimumScore"], round["expertsPerApplication"], round["noticeWorkingDays"])
            table.print()
        }
    }

    struct StartScoring: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start-scoring", abstract: "Freeze the settings and send the applications to the experts.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var id: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(id)/scoring", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            print("round \(id): scoring started")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close scoring once every sheet is submitted.")
        @OptionGroup var common: Common
        @Argument(help: "The round id") var id: String

        func run() throws {
            let session = try common.session()
            let reply = try session.call("POST", .review, "/rounds/\(id)/close", token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            print("round \(id): scoring closed")
        }
    }
}
