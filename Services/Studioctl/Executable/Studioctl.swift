import ArgumentParser
import Foundation
import PlatformClient

/// `studioctl`: the command-line client of the platform, over HTTP with libcurl. It reads the ports from
/// INTAKE_PORT … (host STUDIO_HOST) and the tokens from the environment or `<data-dir>/tokens.env`, as the
/// launcher writes them. Tables for people, `--json` for scripts; progress on stderr.
/// Exit codes: 0 done, 1 the platform refused (its problem printed) or a check failed, 2 a service could
/// not be reached, 64 a usage error.
@main
struct Studioctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studioctl",
        abstract: "The Quzhou innovation studios platform from the command line.",
        discussion: """
            Talks to the four services over HTTP (ports from INTAKE_PORT, REVIEW_PORT, FUNDING_PORT, \
            ASSESSMENT_PORT on STUDIO_HOST; tokens from STUDIO_TOKEN_<ROLE> or <data-dir>/tokens.env). \
            Screening-body and expert calls take --token (or STUDIO_TOKEN_SCREENING_BODY / STUDIO_TOKEN_EXPERT), \
            or --body CODE / --expert ID to have studioctl issue a temporary token with the operator token.

            \(Exit.help)
            """,
        subcommands: [
            Status.self, RoundCommand.self, ApplicationsCommand.self, StudiosCommand.self,
            QualificationCommand.self, ExpertsCommand.self, ConflictsCommand.self, AssignmentCommand.self,
            ScoresCommand.self, RankingCommand.self, NoticeCommand.self, DecisionCommand.self,
            GrantsCommand.self, BudgetCommand.self, PaymentsCommand.self, AssessmentsCommand.self,
            TokensCommand.self, DeadLetters.self, Replay.self, Backup.self, Demo.self, AuditCommand.self,
        ])

    /// ArgumentParser's own handling, plus the platform's exit codes.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let refused as Refused {
            report(refused)
            Foundation.exit(Exit.refused)
        } catch let unreachable as Unreachable {
            printError(unreachable.message)
            Foundation.exit(Exit.unreachable)
        } catch let failed as CheckFailed {
            printError(failed.message)
            Foundation.exit(Exit.refused)
        } catch let usage as UsageProblem {
            printError(usage.message)
            Foundation.exit(Exit.usage)
        } catch {
            exit(withError: error)
        }
    }
}
