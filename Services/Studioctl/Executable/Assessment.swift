import ArgumentParser
import Foundation
import PlatformClient

/// `studioctl assessments …`: the end-of-cycle assessments (Art 17) in assessment.
struct AssessmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessments", abstract: "End-of-cycle assessments (assessment, department).", discussion: Exit.help,
        subcommands: [Due.self, Record.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Studios whose assessment window is open, overdue ones flagged.")
        @OptionGroup var common: Common
        @Flag(help: "Only overdue ones") var overdue = false

        func run() throws {
            let session = try common.session()
            let reply = try session.callAll(.assessment, "/assessments/due" + query([("overdue", overdue ? "true" : nil)]),
                                            token: try session.token(.department))
            if common.json { return session.printReply(reply) }
            var table = Table("studio", "name", "status", "cycle ends", "overdue")
            for item in reply.items {
                let standing = item["standing"] as? [String: Any] ?? [:]
                table.add(item["id"], item["studioName"], item["status"], (item["cycle"] as? [String: Any])?["end"], standing["overdue"])
            }
            table.print()
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a studio's end-of-cycle assessment: pass renews the title for a new cycle, fail revokes it.",
            discussion: "From options, or --file FILE.json with the request body ({cycleNumber, assessedOn, scores, siteVisit, result, reasons}).")
        @OptionGroup var common: Common
        @Argument(help: "The studio id") var studio: String
        @Option(help: "A JSON file with the whole request body") var file: String?
        @Option(help: "The cycle being assessed") var cycle: Int?
        @Option(help: "Date of the assessment, YYYY-MM-DD") var assessedOn: String?
        @Option(name: .customLong("score"), help: "criterion=points 0–20 (facilities, workRules, projects, team, results; repeatable)") var scores: [String] = []
        @Option(help: "Date of the site visit, YYYY-MM-DD (default the assessment date)") var visitedOn: String?
        @Option(help: "A visitor's name (repeatable)") var visitor: [String] = []
        @Flag(help: "The plaque was on display (Art 18)") var plaqueDisplayed = false
        @Option(help: "pass or fail") var result: String?
        @Option(help: "Reasons (required for fail; internal, never published)") var reasons: String?
        @Option(help: "For a fail, the finding as the public notice words it (no ID or phone numbers)") var publicText: String?

        func run() throws {
            var body: [String: Any]
            if let file {
                guard let object = try JSONSerialization.jsonObject(with: try readFile(file)) as? [String: Any] else {
                    throw UsageProblem(message: "\(file) is not a JSON object")
                }
                body = object
            } else {
                guard let cycle, let assessedOn, let result else { throw ValidationError("give --file, or --cycle, --assessed-on, --score … and --result") }
                guard ["pass", "fail"].contains(result) else { throw ValidationError("--result: pass or fail") }
                body = ["cycleNumber": cycle, "assessedOn": assessedOn, "scores": try integerPairs(scores, option: "--score"), "result": result,
                        "siteVisit": ["visitedOn": visitedOn ?? assessedOn, "visitors": visitor, "plaqueDisplayed": plaqueDisplayed]]
                if let reasons { body["reasons"] = reasons }
                if let publicText { body["publicText"] = publicText }
            }
            let session = try common.session()
            let reply = try session.call("POST", .assessment, "/studios/\(studio)/assessments", token: try session.token(.department), body: body)
            if common.json { return session.printReply(reply) }
            let assessment = reply.object["assessment"] as? [String: Any] ?? [:]
            var table = Table("studio", "result", "total", "status now", "next cycle", "notice")
            let next = reply.object["cycle"] as? [String: Any]
            table.add(studio, assessment["result"], assessment["totalScore"], reply.object["status"],
                      next.map { "\($0["number"] ?? "") \($0["start"] ?? "")…\($0["end"] ?? "")" }, reply.object["noticeId"])
            table.print()
        }
    }
}
