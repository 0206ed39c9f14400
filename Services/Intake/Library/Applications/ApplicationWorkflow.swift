import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The lifecycle of an application: draft → submitted → (amended …) → withdrawn, each step one transaction
/// with the event it causes, so a refused step leaves nothing behind.
struct ApplicationWorkflow: Sendable {
    let outbox: Outbox

    /// A new application in `round`: a draft, or submitted at once when `submit` is set.
    func create(_ form: ApplicationForm, round: IntakeRound, body: String, submit: Bool, today: LocalDate, now: Int64,
                in db: Database) throws -> StoredApplication {
        try createEncoded(form, round: round, body: body, submit: submit, today: today, now: now, in: db).application
    }

    /// What a create computes that needs no database: the application as it will be stored if it is accepted, the
    /// form's JSON, the form's own checks (Art 5–9), `application.submitted` and its payload, and the response. The
    /// request handler computes it before the group commit's single writer is reached, for the round as it last saw it
    /// (`RoundHints`); the transaction reads the round again and computes it anew, inside, if the round is another
    /// (unknown, corrected or cancelled in between), so what is stored never rests on a stale round.
    struct PreparedCreate: Sendable {
        /// The round this was computed for.
        let round: IntakeRound
        let application: StoredApplication
        let formJSON: String
        /// `FormCheck.issues` of the form for `round` (submitted at once only).
        let formIssues: [DomainIssue]
        let event: ApplicationSubmitted?
        let eventJSON: String?
        /// The 201 body, the created view with the stored form's bytes.
        let response: Data

        static func make(_ form: ApplicationForm, id: ApplicationID = .new(), round: IntakeRound, body: String, submit: Bool,
                         today: LocalDate, now: Int64) throws -> PreparedCreate {
            let formJSON = try ApplicationStore.json(form)
            var app = StoredApplication(id: id, kind: round.kind, roundId: round.id, screeningBody: body, status: IntakeStatus.draft,
                                        version: 0, form: form, submittedOn: nil, withdrawnOn: nil, statusReasons: [],
                                        createdAt: now, updatedAt: now)
            guard submit else {
                return PreparedCreate(round: round, application: app, formJSON: formJSON, formIssues: [], event: nil, eventJSON: nil,
                                      response: try ApplicationView.encode(ApplicationView.created(app), formJSON: formJSON))
            }
            let formIssues = FormCheck.issues(form, kind: round.kind, roundYear: round.year, submittedOn: today, today: today)
            markSubmitted(&app, today: today, now: now)
            // The new application has no attachments yet.
            let submitted = ApplicationWorkflow.submittedEvent(app, round: round, today: today, attachments: [])
            return PreparedCreate(round: round, application: app, formJSON: formJSON, formIssues: formIssues, event: submitted.event,
                                  eventJSON: submitted.json,
                                  response: try ApplicationView.encode(ApplicationView.created(app), formJSON: formJSON))
        }
    }

    /// `create`, also giving the form as the JSON it was stored with and the 201 body. `prepared`, computed outside
    /// the transaction, is used as it is when it was computed for this very round.
    func createEncoded(_ form: ApplicationForm, round: IntakeRound, body: String, submit: Bool, today: LocalDate, now: Int64,
                       prepared: PreparedCreate? = nil, in db: Database) throws -> PreparedCreate {
        try form.checkSizes()
        if !round.kind.requiresStudio, form.studioId != nil {
            throw Problem.validation([DomainIssue(code: "studio_not_expected", field: "studioId", article: Article(11),
                                                  messageZh: "命名申报不应指明已有工作室。", messageEn: "A naming application does not name an existing studio.")])
        }
        let done = try prepared.flatMap { $0.round == round ? $0 : nil }
            ?? PreparedCreate.make(form, round: round, body: body, submit: submit, today: today, now: now)
        let app = done.application
        try refuseDuplicate(app, in: db)
        guard submit else {
            try ApplicationStore.insert(app, formJSON: done.formJSON, in: db)
            try ApplicationStore.recordStatus(app.id, status: IntakeStatus.draft, reasons: [], source: "intake", at: now, in: db)
            return done
        }
        // Submitted at once: the same checks, in the same order, and the same rows as a draft followed by `submit`,
        // but the application row is written once, in its final state, and the form encoded once, for it and the response.
        // (The duplicate rule was just checked, in this transaction; the new application has no attachments.)
        try checkSubmission(app, round: round, today: today, formIssues: done.formIssues, in: db)
        try enforceQuota(app, round: round, in: db)
        try ApplicationStore.insert(app, formJSON: done.formJSON, in: db)
        try ApplicationStore.recordStatus(app.id, status: IntakeStatus.draft, reasons: [], source: "intake", at: now, in: db)
        try recordSubmission(app, round: round, today: today, now: now, attachments: [], prepared: done, in: db)
        return done
    }

    /// Saves a draft's new content; nothing is checked beyond the duplicate rule (a draft may be incomplete).
    func saveDraft(_ app: inout StoredApplication, form: ApplicationForm, now: Int64, in db: Database) throws {
        try form.checkSizes()
        app.form = form
        app.updatedAt = now
        try refuseDuplicate(app, in: db)
        try ApplicationStore.update(app, in: db)
    }

    /// Draft → submitted (version 1): window, completeness and eligibility, duplicates, quota; then `application.submitted`.
    func submit(_ app: inout StoredApplication, round: IntakeRound, today: LocalDate, now: Int64, in db: Database) throws {
        guard app.status == IntakeStatus.draft else {
            throw Problem(.conflict, code: "application.not_draft", field: "status",
                          zh: "只有草稿可以提交，当前状态为\(IntakeStatus.names(app.status).zh)", en: "only a draft can be submitted; this one is \(app.status)")
        }
        try checkSubmission(app, round: round, today: today, in: db)
        try refuseDuplicate(app, in: db)
        try enforceQuota(app, round: round, in: db)

        Self.markSubmitted(&app, today: today, now: now)
        try ApplicationStore.update(app, in: db)
        try recordSubmission(app, round: round, today: today, now: now,
                             attachments: try AttachmentStore.list(app.id, in: db), in: db)
    }

    /// The window, completeness and eligibility of a submission (422 with every issue).
    private func checkSubmission(_ app: StoredApplication, round: IntakeRound, today: LocalDate, formIssues: [DomainIssue]? = nil,
                                 in db: Database) throws {
        var issues: [DomainIssue] = []
        if let issue = round.windowIssue(on: today) { issues.append(issue) }
        issues += try checks(app, round: round, submittedOn: today, today: today, formIssues: formIssues, in: db)
        guard issues.isEmpty else { throw Problem.validation(issues) }
    }

    private static func markSubmitted(_ app: inout StoredApplication, today: LocalDate, now: Int64) {
        app.status = ApplicationStatus.submitted.rawValue
        app.version = 1
        app.submittedOn = today
        app.updatedAt = now
    }

    /// Version 1, the `submitted` status entry and `application.submitted`, for an application row already written as submitted.
    private func recordSubmission(_ app: StoredApplication, round: IntakeRound, today: LocalDate, now: Int64,
                                  attachments: [AttachmentView], prepared: PreparedCreate? = nil, in db: Database) throws {
        try ApplicationStore.recordVersion(app, on: today, at: now, in: db)
        try ApplicationStore.recordStatus(app.id, status: app.status, reasons: [], source: "intake", at: now, in: db)
        let submitted = prepared?.event.map { (event: $0, json: prepared?.eventJSON) }
            ?? Self.submittedEvent(app, round: round, today: today, attachments: attachments)
        try outbox.append(submitted.event, payloadJSON: submitted.json, in: db)
        try Self.audit("application.submitted", app, ["round": app.roundId.rawValue, "version": "1", "submittedOn": today.description], at: now, in: db)
    }

    /// `application.submitted` (version 1) for `app` in `round`, with its payload as `FormJSON` writes it (nil: left to the encoder).
    static func submittedEvent(_ app: StoredApplication, round: IntakeRound, today: LocalDate,
                               attachments: [AttachmentView]) -> (event: ApplicationSubmitted, json: String?) {
        let content = FormCheck.content(app.form, id: app.id, round: round, screeningBody: app.screeningBody, attachments: attachments)
        let event = ApplicationSubmitted(application: content, submittedOn: today, applicationVersion: 1)
        return (event, FormJSON.encode(event))
    }

    /// The screening body's decision in the kit's hash-chained log, in the decision's own transaction: which
    /// application, never the form (it holds ID and phone numbers; the versions keep it).
    static func audit(_ action: String, _ app: StoredApplication, _ details: [String: String], at now: Int64, in db: Database) throws {
        try AuditLog.append(actorRole: Role.screeningBody.rawValue, actorSubject: app.screeningBody, action: action,
                            subject: "application:\(app.id.rawValue)", details: details, at: Millis.date(now), in: db)
    }

    /// A new version of a submitted (before the deadline) or returned application; the whole content is replaced,
    /// the previous versions stay. Art 7 is still judged on the original submission day.
    func amend(_ app: inout StoredApplication, form: ApplicationForm, round: IntakeRound, today: LocalDate, now: Int64, in db: Database) throws {
        guard IntakeStatus.isOpenToApplicant(app.status), let submittedOn = app.submittedOn else {
            throw Problem(.conflict, code: "application.not_amendable", field: "status",
                          zh: "当前状态（\(IntakeStatus.names(app.status).zh)）不能修改", en: "an application that is \(app.status) cannot be amended")
        }
        var issues: [DomainIssue] = form.sizeIssues
        // A returned application may be corrected after the deadline: review asked for it.
        if app.status != ApplicationStatus.returnedForAmendment.rawValue, let issue = round.windowIssue(on: today) { issues.append(issue) }
        var amended = app
        amended.form = form
        if form.studioId != app.form.studioId {
            issues.append(DomainIssue(code: "studio_fixed", field: "studioId", messageZh: "修改时不能更换工作室。",
                                      messageEn: "An amendment cannot change the studio."))
        }
        issues += try checks(amended, round: round, submittedOn: submittedOn, today: today, in: db)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        try refuseDuplicate(amended, in: db)

        amended.version += 1
        amended.status = ApplicationStatus.submitted.rawValue
        amended.statusReasons = []
        amended.updatedAt = now
        // The version first: the one it supersedes takes its form from the application row before that row changes.
        try ApplicationStore.recordVersion(amended, on: today, at: now, in: db)
        try ApplicationStore.update(amended, in: db)
        try ApplicationStore.recordStatus(amended.id, status: "amended", reasons: [], source: "intake", at: now, in: db)
        let content = FormCheck.content(amended.form, id: amended.id, round: round, screeningBody: amended.screeningBody,
                                        attachments: try AttachmentStore.list(amended.id, in: db))
        try outbox.append(ApplicationAmended(application: content, applicationVersion: amended.version, submittedOn: submittedOn, amendedOn: today), in: db)
        try Self.audit("application.amended", amended, ["round": amended.roundId.rawValue, "version": String(amended.version), "amendedOn": today.description], at: now, in: db)
        app = amended
    }

    /// Withdrawn before the deadline; review hears of it only if it had been submitted.
    func withdraw(_ app: inout StoredApplication, round: IntakeRound, reason: String?, today: LocalDate, now: Int64, in db: Database) throws {
        let wasSubmitted = app.status != IntakeStatus.draft
        guard app.status == IntakeStatus.draft || IntakeStatus.isOpenToApplicant(app.status) else {
            throw Problem(.conflict, code: "application.not_withdrawable", field: "status",
                          zh: "当前状态（\(IntakeStatus.names(app.status).zh)）不能撤回", en: "an application that is \(app.status) cannot be withdrawn")
        }
        if today > round.deadline, let issue = round.windowIssue(on: today) { throw Problem.validation([issue]) }
        app.status = IntakeStatus.withdrawn
        app.withdrawnOn = today
        app.updatedAt = now
        try ApplicationStore.update(app, in: db)
        try ApplicationStore.recordStatus(app.id, status: app.status, reasons: [], source: "intake", at: now, in: db)
        if wasSubmitted {
            try outbox.append(ApplicationWithdrawn(applicationID: app.id, kind: app.kind, roundID: app.roundId, withdrawnOn: today, reason: reason.present), in: db)
        }
        try Self.audit("application.withdrawn", app, ["round": app.roundId.rawValue, "wasSubmitted": String(wasSubmitted),
                                                      "withdrawnOn": today.description, "reason": reason.present ?? ""], at: now, in: db)
    }

    /// Review's report (`application.status_changed`), applied in the inbox transaction.
    static func applyStatus(_ event: ApplicationStatusChanged, now: Int64, in db: Database) throws {
        guard var app = try ApplicationStore.find(event.applicationID, in: db) else {
            throw EventRejected([DomainIssue(code: "application_unknown", field: "applicationID",
                                             messageZh: "受理系统中没有该申报：\(event.applicationID)",
                                             messageEn: "intake has no application \(event.applicationID)")])
        }
        try ApplicationStore.recordStatus(app.id, status: event.status.rawValue, reasons: event.reasons, source: "review", at: now, in: db)
        // A withdrawal crossing review's report in flight stays a withdrawal; the report is kept in the history.
        guard app.status != IntakeStatus.withdrawn else { return }
        app.status = event.status.rawValue
        app.statusReasons = event.reasons
        app.updatedAt = now
        try ApplicationStore.update(app, in: db)
    }

    // MARK: Rules

    /// Completeness and eligibility of the form, the studio for Art 13/14, and the recommendation order.
    private func checks(_ app: StoredApplication, round: IntakeRound, submittedOn: LocalDate, today: LocalDate,
                        formIssues: [DomainIssue]? = nil, in db: Database) throws -> [DomainIssue] {
        var issues = formIssues ?? FormCheck.issues(app.form, kind: app.kind, roundYear: round.year, submittedOn: submittedOn, today: today)
        if app.kind.requiresStudio, let studioId = app.form.studioId {
            issues += try StudioEligibility.issues(studioId, kind: app.kind, body: app.screeningBody, submittedOn: submittedOn, in: db)
        }
        if let order = app.form.screening?.recommendationOrder, order >= 1 {
            if let quota = round.quota(for: app.screeningBody), order > quota {
                issues.append(DomainIssue(code: "recommendation_order_over_quota", field: "screening.recommendationOrder", article: Article(10),
                                          messageZh: "推荐顺序不能超过本批次名额（\(quota)个）。",
                                          messageEn: "The recommendation order cannot exceed the round's quota of \(quota)."))
            } else if try ApplicationStore.recommendationOrderTaken(order, round: app.roundId, body: app.screeningBody, excluding: app.id, in: db) {
                issues.append(DomainIssue(code: "recommendation_order_taken", field: "screening.recommendationOrder", article: Article(10),
                                          messageZh: "推荐顺序\(order)已用于本单位的另一份申报。",
                                          messageEn: "Recommendation order \(order) is already given to another of your applications."))
            }
        }
        return issues
    }

    private func refuseDuplicate(_ app: StoredApplication, in db: Database) throws {
        guard let other = try ApplicationStore.duplicate(of: app, in: db) else { return }
        if app.kind.requiresStudio {
            throw Problem(.conflict, code: "application.duplicate", field: "studioId", article: app.kind.article.reference,
                          zh: "该工作室本年度已有\(app.kind.nameZh)（\(other)），每年限一份", en: "the studio already has a \(app.kind.nameEn) this year (\(other)); one per year")
        }
        throw Problem(.conflict, code: "application.duplicate", field: "studio.name",
                      zh: "同一单位的同名工作室在本批次已有申报（\(other)）", en: "the same unit already has an application for this studio in this round (\(other))")
    }

    private func enforceQuota(_ app: StoredApplication, round: IntakeRound, in db: Database) throws {
        guard let quota = round.quota(for: app.screeningBody) else { return }
        let used = try ApplicationStore.recommendedCount(round: round.id, body: app.screeningBody, excluding: app.id, in: db)
        guard used >= quota else { return }
        throw Problem(.conflict, code: "round.quota_exceeded", field: "roundId", article: Article(10).reference,
                      zh: "本批次每个初审单位最多推荐\(quota)份申报，已推荐\(used)份", en: "this round takes at most \(quota) recommendations per screening body; \(used) are already in")
    }
}
