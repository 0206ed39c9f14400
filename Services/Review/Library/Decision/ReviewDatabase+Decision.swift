import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The public notice (公示), its objections (异议), the federation's decision and the holiday calendars it counts with.
extension ReviewDatabase {
    static func notice(_ roundID: RoundID, in db: Database) throws -> DecisionController.NoticeView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM public_notice WHERE round_id = ?", arguments: [roundID.rawValue]) else { return nil }
        let objections = try Row.fetchAll(db, sql: "SELECT * FROM objection WHERE round_id = ? ORDER BY id", arguments: [roundID.rawValue]).map {
            DecisionController.ObjectionView(id: $0["id"], applicationId: ApplicationID($0["application_id"] as String), text: $0["text"], receivedOn: try $0.day("received_on"),
                          recordedBy: $0["recorded_by"], upheld: $0["upheld"], resolution: $0["resolution"], resolvedBy: $0["resolved_by"],
                          source: $0["source"], objectorName: $0["objector_name"], objectorContact: $0["objector_contact"])
        }
        return DecisionController.NoticeView(roundId: roundID, applicationIds: try JSONText.decode([ApplicationID].self, row["application_ids"]),
                          startsOn: try row.day("starts_on"), endsOn: try row.day("ends_on"),
                          workingDays: row["working_days"], note: row["note"], publishedBy: row["published_by"], objections: objections)
    }

    func notice(round roundID: RoundID) async throws -> DecisionController.NoticeView? {
        try await read { db in try Self.notice(roundID, in: db) }
    }

    /// Publishes the proposed list (a subset of the ranking's proposal) for the round's working days of notice.
    func publishNotice(round roundID: RoundID, _ input: DecisionController.NoticeInput, by actor: String, at now: Date, today: LocalDate) async throws -> DecisionController.NoticeView {
        let start = input.startsOn ?? today
        let outbox = self.outbox
        return try await write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .closed else {
                throw Problem.conflict("round.not_closed", zh: "须在评分结束后、决定之前公示", en: "a notice is published after scoring closes and before the decision")
            }
            let proposed = try RoundResults.compute(round, in: db).ranked.filter(\.proposed).map { ApplicationID($0.entry.application) }
            let list = input.applicationIds ?? proposed
            var issues: [DomainIssue] = []
            if list.isEmpty {
                issues.append(DomainIssue(code: "notice.empty", field: "applicationIds", messageZh: "公示名单不能为空", messageEn: "the proposed list is empty"))
            }
            if Set(list).count != list.count {
                issues.append(DomainIssue(code: "notice.duplicate", field: "applicationIds", messageZh: "公示名单有重复", messageEn: "the list names an application twice"))
            }
            for (index, id) in list.enumerated() where !proposed.contains(id) {
                issues.append(DomainIssue(code: "notice.not_proposable", field: "applicationIds[\(index)]", article: round.kind == .naming ? Article(9) : round.kind.article,
                                          messageZh: "申报 \(id) 不在按名额（\(round.quota)）和最低分（\(round.minimumScore)）确定的拟推荐范围内",
                                          messageEn: "application \(id) is not within the quota (\(round.quota)) and minimum score (\(round.minimumScore)) of the ranking"))
            }
            let lower = ReviewRound.quotaRange(round.kind).lowerBound
            if list.count < lower, (input.note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(DomainIssue(code: "notice.below_range_needs_note", field: "note", article: round.kind.article,
                                          messageZh: "拟推荐 \(list.count) 个，少于规定的 \(lower) 个，须说明理由", messageEn: "proposing \(list.count), fewer than the \(lower) the regulation names, needs a note explaining why"))
            }
            if start < today {
                issues.append(DomainIssue(code: "notice.starts_in_past", field: "startsOn", messageZh: "公示开始日期不能早于今天", messageEn: "the notice cannot start in the past"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            // Holidays and make-up working days (调休) count from the year's calendar; a year without one is a 422.
            var workingDays = WorkingDays(in: db)
            let end = try workingDays.lastDay(from: start, workingDays: round.noticeWorkingDays)
            let millis = Millis.from(now)
            try db.execute(sql: """
                INSERT INTO public_notice (round_id, application_ids, starts_on, ends_on, working_days, note, published_by, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [roundID.rawValue, try JSONText.encode(list), start.description, end.description, round.noticeWorkingDays, input.note, actor, millis])
            round.status = .notice
            round.updatedAt = now
            round.updatedBy = actor
            try RoundStore.save(round, in: db)
            for id in list {
                try ApplicationStore.setStatus(try ApplicationStore.require(id, in: db), to: .onPublicNotice, outbox: outbox, nowMillis: millis, in: db)
            }
            try Audit.record("notice.published", round: roundID, detail: ["applications": list.map(\.rawValue).joined(separator: ","), "startsOn": start.description, "endsOn": end.description, "note": input.note ?? ""],
                             actor: actor, at: millis, in: db)
            return try Self.notice(roundID, in: db)!
        }
    }

    /// The department records an objection it received during the notice.
    func recordObjection(round roundID: RoundID, _ input: DecisionController.ObjectionInput, receivedOn received: LocalDate, by actor: String, at now: Int64) async throws -> DecisionController.NoticeView {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, let notice = try Self.notice(roundID, in: db) else {
                throw Problem.conflict("round.not_on_notice", zh: "本批次不在公示期", en: "the round is not on public notice")
            }
            var issues: [DomainIssue] = []
            if input.text.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(.required("text", nameZh: "异议内容", nameEn: "The objection")) }
            if !notice.applicationIds.contains(input.applicationId) {
                issues.append(DomainIssue(code: "objection.not_on_list", field: "applicationId", messageZh: "申报 \(input.applicationId) 不在公示名单上", messageEn: "application \(input.applicationId) is not on the notice"))
            }
            if received < notice.startsOn || received > notice.endsOn {
                issues.append(DomainIssue(code: "objection.outside_notice", field: "receivedOn", messageZh: "异议须在公示期 \(notice.startsOn) 至 \(notice.endsOn) 内收到", messageEn: "objections are received during the notice, \(notice.startsOn) to \(notice.endsOn)"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            try db.execute(sql: "INSERT INTO objection (round_id, application_id, text, received_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [roundID.rawValue, input.applicationId.rawValue, input.text, received.description, actor, now])
            try Audit.record("objection.recorded", round: roundID, application: input.applicationId, detail: ["text": input.text, "receivedOn": received.description], actor: actor, at: now, in: db)
            return try Self.notice(roundID, in: db)!
        }
    }

    func resolveObjection(_ objectionID: Int64, round roundID: RoundID, _ input: DecisionController.Resolution, by actor: String, at now: Int64) async throws -> DecisionController.NoticeView {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice else { throw Problem.conflict("round.not_on_notice", zh: "本批次不在公示阶段", en: "the round is not on public notice") }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objection WHERE id = ? AND round_id = ?", arguments: [objectionID, roundID.rawValue]) else {
                throw Problem.notFound("objection", zh: "异议", id: String(objectionID))
            }
            guard (row["upheld"] as Bool?) == nil else { throw Problem.conflict("objection.resolved", zh: "该异议已处理", en: "the objection is already resolved") }
            try db.execute(sql: "UPDATE objection SET upheld = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                           arguments: [input.upheld, input.resolution, actor, now, objectionID])
            try Audit.record("objection.resolved", round: roundID, application: ApplicationID(row["application_id"] as String), detail: ["upheld": "\(input.upheld)", "resolution": input.resolution],
                             actor: actor, at: now, in: db)
            return try Self.notice(roundID, in: db)!
        }
    }

    /// 市总工会决定 (Art 11): every open application of the round ends as `SelectionRule` says; the chosen ones are
    /// named (a new studio id, `studio.named`), awarded or selected, in one transaction with the round's record.
    func decide(round roundID: RoundID, excluding excluded: Set<ApplicationID>, reason: String?, by actor: String, at now: Date, decidedOn: LocalDate) async throws -> DecisionController.DecisionView {
        let outbox = self.outbox
        return try await write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, let notice = try Self.notice(roundID, in: db) else {
                throw Problem.conflict("round.not_on_notice", article: round.kind.article, zh: "须先公示拟推荐名单", en: "the proposed list must be on public notice first")
            }
            let rule = SelectionRule(kind: round.kind, listed: notice.applicationIds, noticeEndsOn: notice.endsOn,
                                     objections: notice.objections.map { SelectionRule.Objection(id: $0.id, applicationId: $0.applicationId, upheld: $0.upheld) },
                                     excluded: excluded, exclusionReason: reason ?? "")
            let chosen = try rule.chosen(on: decidedOn)
            let millis = Millis.from(now)
            var outcomes: [DecisionController.Outcome] = []
            for application in try ApplicationStore.inRound(roundID, in: db) where !application.isWithdrawn && !(application.applicationStatus?.isFinal ?? true) {
                let verdict = rule.verdict(for: application, chosen: chosen)
                let content = application.content
                var studioID: StudioID?
                if verdict.chosen {
                    switch round.kind {
                    case .naming:
                        let id = StudioID.new()
                        studioID = id
                        try outbox.append(StudioNamed(studioID: id, applicationID: application.id, roundID: roundID, year: round.year,
                                                      studioName: content.studio.name, unitName: content.applicantUnit.name, unitCreditCode: content.applicantUnit.creditCode,
                                                      screeningBodyCode: content.screeningBodyCode, leaderName: content.leader.name, namedOn: decidedOn), in: db)
                    case .projectGrant, .demonstration:
                        // Qualification review only passes these with a registered studio; a missing one aborts the whole decision.
                        guard let id = content.studioID else {
                            throw Problem.conflict("decision.studio_missing", field: "applications.\(application.id)", article: round.kind.article,
                                                          zh: "申报 \(application.id) 没有工作室编号", en: "application \(application.id) names no studio")
                        }
                        studioID = id
                        if round.kind == .projectGrant {
                            try outbox.append(ProjectGrantAwarded(studioID: id, applicationID: application.id, roundID: roundID, year: round.year, decidedOn: decidedOn), in: db)
                        } else {
                            try outbox.append(DemonstrationSelected(studioID: id, applicationID: application.id, roundID: roundID, year: round.year), in: db)
                        }
                    }
                }
                try ApplicationStore.setStatus(application, to: verdict.status, reasons: verdict.reasons, outbox: outbox, nowMillis: millis, in: db)
                outcomes.append(DecisionController.Outcome(applicationId: application.id, status: verdict.status, studioId: studioID))
            }
            round.status = .decided
            round.updatedAt = now
            round.updatedBy = actor
            try RoundStore.save(round, in: db)
            try db.execute(sql: "INSERT INTO round_decision (round_id, decided_on, decided_by, decided_at, outcomes) VALUES (?, ?, ?, ?, ?)",
                           arguments: [roundID.rawValue, decidedOn.description, actor, millis, try JSONText.encode(outcomes)])
            try Audit.record("decision", round: roundID, detail: outcomes, actor: actor, at: millis, in: db)
            if !excluded.isEmpty {
                try Audit.record("decision.left_out", round: roundID, detail: ["applications": excluded.sorted().map(\.rawValue).joined(separator: ","), "reason": rule.exclusionReason],
                                 actor: actor, at: millis, in: db)
            }
            return DecisionController.DecisionView(roundId: roundID, decidedOn: decidedOn, decidedBy: actor, outcomes: outcomes)
        }
    }

    // MARK: The public notice (公示 is public)

    /// The public view of one published notice, built field by field so nothing else can slip in.
    private static func publicView(_ row: Row, today: LocalDate, referenceData: ReferenceData, in db: Database) throws -> PublicProposedList {
        let roundID = RoundID(row["round_id"] as String)
        let round = try RoundStore.require(roundID, in: db)
        let ids = try JSONText.decode([ApplicationID].self, row["application_ids"])
        let entries = try ids.map { id -> PublicProposedEntry in
            let content = try ApplicationStore.require(id, in: db).content
            let code = content.screeningBodyCode
            return PublicProposedEntry(applicationId: id.rawValue, studioName: content.studio.name, applicantUnit: content.applicantUnit.name,
                                       area: referenceData.screeningBody(code: code)?.nameZh ?? code, screeningBodyCode: code)
        }
        let start = try row.day("starts_on"), end = try row.day("ends_on")
        return PublicProposedList(roundId: roundID.rawValue, kind: round.kind, year: round.year, startsOn: start, endsOn: end,
                                  workingDays: row["working_days"],
                                  acceptingObjections: round.status == .notice && start <= today && today <= end, entries: entries)
    }

    /// Published notices, newest first, one page (`total` counts them all).
    func publicNotices(offset: Int, limit: Int, today: LocalDate, referenceData: ReferenceData) async throws -> PublicProposedListPage {
        try await read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM public_notice") ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM public_notice ORDER BY published_at DESC, round_id LIMIT ? OFFSET ?", arguments: [limit, offset])
            return PublicProposedListPage(items: try rows.map { try Self.publicView($0, today: today, referenceData: referenceData, in: db) }, total: total)
        }
    }

    func publicNotice(round roundID: RoundID, today: LocalDate, referenceData: ReferenceData) async throws -> PublicProposedList? {
        try await read { db -> PublicProposedList? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM public_notice WHERE round_id = ?", arguments: [roundID.rawValue]) else { return nil }
            return try Self.publicView(row, today: today, referenceData: referenceData, in: db)
        }
    }

    /// Anyone lodges an objection during the notice; `fieldIssues` are the input's own problems, reported with the list's.
    func lodgeObjection(round roundID: RoundID, _ input: PublicObjectionInput, fieldIssues: [DomainIssue], receivedOn received: LocalDate, at now: Int64) async throws -> PublicObjectionReceipt {
        try await write { db -> PublicObjectionReceipt in
            var issues = fieldIssues
            guard let notice = try Self.notice(roundID, in: db) else { throw Problem.notFound("public notice", zh: "公示", id: roundID) }
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, notice.startsOn <= received, received <= notice.endsOn else {
                throw Problem.conflict("objection.outside_notice", article: round.kind.article,
                                              zh: "异议须在公示期 \(notice.startsOn) 至 \(notice.endsOn) 内提出，今天（\(received)）不在公示期内",
                                              en: "objections are lodged during the notice, \(notice.startsOn) to \(notice.endsOn); today (\(received)) is outside it")
            }
            if issues.allSatisfy({ $0.field != "applicationId" }), !notice.applicationIds.contains(ApplicationID(input.applicationId)) {
                issues.append(DomainIssue(code: "objection.not_on_list", field: "applicationId", messageZh: "申报 \(input.applicationId) 不在公示名单上",
                                          messageEn: "application \(input.applicationId) is not on the notice"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
            try db.execute(sql: """
                INSERT INTO objection (round_id, application_id, text, received_on, recorded_by, recorded_at, source, objector_name, objector_contact)
                VALUES (?, ?, ?, ?, 'public', ?, 'public', ?, ?)
                """, arguments: [roundID.rawValue, input.applicationId, text, received.description, now,
                                 input.name.trimmingCharacters(in: .whitespacesAndNewlines), input.contact.trimmingCharacters(in: .whitespacesAndNewlines)])
            let id = db.lastInsertedRowID
            // The audit keeps what was objected to and when; the objector's contact stays in its own column.
            try Audit.record("objection.lodged", round: roundID, application: ApplicationID(input.applicationId),
                             detail: ["objection": String(id), "text": text, "receivedOn": received.description, "source": "public"],
                             actor: "public", at: now, in: db)
            return PublicObjectionReceipt(objectionId: id, roundId: roundID.rawValue, applicationId: input.applicationId, receivedOn: received)
        }
    }

    // MARK: Holiday calendars

    /// Every year with a calendar, each with where it comes from (the department's load over the shipped one).
    func calendars() async throws -> [(HolidayCalendar, HolidayCalendars.Origin)] {
        try await read { db in try HolidayCalendars.years(in: db).compactMap { try HolidayCalendars.find($0, in: db) } }
    }

    func calendar(_ year: Int) async throws -> (HolidayCalendar, HolidayCalendars.Origin)? {
        try await read { db in try HolidayCalendars.find(year, in: db) }
    }

    /// Loads or corrects a year (the whole year at once); published notices keep the end they were given.
    func loadCalendar(_ calendar: HolidayCalendar, by actor: String, at now: Int64) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO holiday_calendar (year, calendar, updated_by, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (year) DO UPDATE SET calendar = excluded.calendar, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """, arguments: [calendar.year, try JSONText.encode(calendar), actor, now])
            try Audit.record("calendar.loaded", round: nil, detail: ["year": String(calendar.year), "holidays": String(calendar.holidays.count),
                                                                     "makeUpWorkdays": String(calendar.makeUpWorkdays.count), "source": calendar.source ?? ""],
                             actor: actor, at: now, in: db)
        }
    }
}
