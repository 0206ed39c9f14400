import GRDB

/// The review service's tables. Instants are integer ms UTC, business dates `YYYY-MM-DD` (Asia/Shanghai),
/// scores whole points (totals are exact fractions computed on read, never stored as floats).
enum ReviewSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review-v1") { db in
            try db.execute(sql: """
                CREATE TABLE review_round (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    status TEXT NOT NULL,                -- open, scoring, closed, notice, decided
                    quota INTEGER NOT NULL,
                    minimum_score INTEGER NOT NULL,      -- out of 100
                    experts_per_application INTEGER NOT NULL,
                    exclude_same_screening_body INTEGER NOT NULL,
                    normalise INTEGER NOT NULL,
                    outlier_threshold INTEGER NOT NULL,
                    rubric TEXT NOT NULL,                -- JSON Rubric
                    scoring_deadline TEXT,               -- LocalDate, inclusive
                    notice_working_days INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT
                );
                CREATE TABLE review_application (
                    id TEXT PRIMARY KEY NOT NULL,
                    round_id TEXT NOT NULL REFERENCES review_round(id),
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,                -- ApplicationStatus raw value, or withdrawn
                    version INTEGER NOT NULL,
                    content TEXT NOT NULL,               -- JSON ApplicationContent
                    submitted_on TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX review_application_round ON review_application(round_id);
                CREATE TABLE qualification_decision (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    application_id TEXT NOT NULL REFERENCES review_application(id),
                    application_version INTEGER NOT NULL,
                    outcome TEXT NOT NULL,               -- pass, fail, return
                    reasons TEXT NOT NULL,               -- JSON [DomainIssue]
                    decided_by TEXT NOT NULL,
                    decided_at INTEGER NOT NULL
                );
                CREATE TABLE expert (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    unit_name TEXT NOT NULL,
                    unit_credit_code TEXT,
                    screening_body_code TEXT,
                    specialities TEXT NOT NULL,          -- JSON [String]
                    title TEXT,
                    max_load INTEGER NOT NULL,
                    relationships TEXT NOT NULL,         -- JSON [DeclaredRelationship]
                    active INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE expert_round (
                    round_id TEXT NOT NULL REFERENCES review_round(id),
                    expert_id TEXT NOT NULL REFERENCES expert(id),
                    available INTEGER NOT NULL,
                    max_load INTEGER,
                    PRIMARY KEY (round_id, expert_id)
                );
                CREATE TABLE manual_conflict (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    expert_id TEXT NOT NULL REFERENCES expert(id),
                    application_id TEXT NOT NULL REFERENCES review_application(id),
                    reason TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE assignment (
                    application_id TEXT NOT NULL REFERENCES review_application(id),
                    expert_id TEXT NOT NULL REFERENCES expert(id),
                    round_id TEXT NOT NULL REFERENCES review_round(id),
                    source TEXT NOT NULL,                -- solver, manual
                    cost INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, expert_id)
                );
                CREATE INDEX assignment_expert ON assignment(expert_id);
                CREATE TABLE score_sheet (
                    application_id TEXT NOT NULL,
                    expert_id TEXT NOT NULL,
                    round_id TEXT NOT NULL,
                    scores TEXT NOT NULL,                -- JSON {criterion: points}
                    comments TEXT NOT NULL,              -- JSON {criterion: text}
                    comment TEXT,
                    status TEXT NOT NULL,                -- draft, submitted
                    submitted_at INTEGER,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, expert_id)
                );
                CREATE TABLE public_notice (
                    round_id TEXT PRIMARY KEY NOT NULL REFERENCES review_round(id),
                    application_ids TEXT NOT NULL,       -- JSON [String], in rank order
                    starts_on TEXT NOT NULL,
                    ends_on TEXT NOT NULL,               -- last working day of the notice
                    working_days INTEGER NOT NULL,
                    note TEXT,
                    published_by TEXT NOT NULL,
                    published_at INTEGER NOT NULL
                );
                CREATE TABLE objection (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    round_id TEXT NOT NULL REFERENCES review_round(id),
                    application_id TEXT NOT NULL REFERENCES review_application(id),
                    text TEXT NOT NULL,
                    received_on TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    upheld INTEGER,
                    resolution TEXT,
                    resolved_by TEXT,
                    resolved_at INTEGER
                );
                CREATE TABLE round_decision (
                    round_id TEXT PRIMARY KEY NOT NULL REFERENCES review_round(id),
                    decided_on TEXT NOT NULL,
                    decided_by TEXT NOT NULL,
                    decided_at INTEGER NOT NULL,
                    outcomes TEXT NOT NULL               -- JSON [{applicationId, status, studioId}]
                );
                CREATE TABLE studio_replica (
                    studio_id TEXT PRIMARY KEY NOT NULL,
                    studio_name TEXT NOT NULL,
                    unit_name TEXT NOT NULL,
                    screening_body_code TEXT NOT NULL,
                    level TEXT NOT NULL,
                    status TEXT NOT NULL,
                    named_on TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                -- Every decision and adjustment: who, when, what (qualification, assignment changes, reopenings,
                -- aggregation adjustments, notice, objections, decision).
                CREATE TABLE review_audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    round_id TEXT,
                    application_id TEXT,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("review-v2-minimum-load") { db in
            try db.execute(sql: "ALTER TABLE expert_round ADD COLUMN min_load INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("review-v3-aggregate") { db in
            // The aggregate becomes a setting; rounds that trimmed before (5 experts or more) keep trimming.
            try db.execute(sql: """
                ALTER TABLE review_round ADD COLUMN aggregate TEXT NOT NULL DEFAULT 'mean';
                UPDATE review_round SET aggregate = 'trimmedMean' WHERE experts_per_application >= 5;
                """)
        }
        migrator.registerMigration("review-v4-public-objections") { db in
            // 公示 is public: anyone may lodge an objection; who they are and how to reach them stays with the
            // department (never on a public page). Objections the department records by hand are 'department'.
            try db.execute(sql: """
                ALTER TABLE objection ADD COLUMN source TEXT NOT NULL DEFAULT 'department';
                ALTER TABLE objection ADD COLUMN objector_name TEXT;
                ALTER TABLE objection ADD COLUMN objector_contact TEXT;
                CREATE INDEX public_notice_published ON public_notice(published_at);
                """)
        }
        migrator.registerMigration("review-v5-holiday-calendars") { db in
            // A year's holidays and make-up working days as the department loaded or corrected them; they take
            // precedence over the calendars shipped in Resources/holidays.
            try db.execute(sql: """
                CREATE TABLE holiday_calendar (
                    year INTEGER PRIMARY KEY NOT NULL,
                    calendar TEXT NOT NULL,              -- JSON HolidayCalendar
                    updated_by TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("review-v6-paper-sheets") { db in
            // 评审会: a sheet scored on paper and entered by the department for the expert, until they confirm it.
            try db.execute(sql: """
                ALTER TABLE score_sheet ADD COLUMN entered_by TEXT;
                ALTER TABLE score_sheet ADD COLUMN entered_at INTEGER;
                ALTER TABLE score_sheet ADD COLUMN confirmed_at INTEGER;
                """)
        }
        migrator.registerMigration("review-v7-site-visits") { db in
            // 实地考察: the visit and its photos (checked JPEG/PNG, kept here with the rest of review's data).
            try db.execute(sql: """
                CREATE TABLE site_visit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    application_id TEXT NOT NULL REFERENCES review_application(id),
                    round_id TEXT NOT NULL REFERENCES review_round(id),
                    visited_on TEXT NOT NULL,
                    visitors TEXT NOT NULL,              -- JSON [String]
                    findings TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL
                );
                CREATE INDEX site_visit_application ON site_visit(application_id);
                CREATE TABLE site_visit_photo (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    visit_id INTEGER NOT NULL REFERENCES site_visit(id),
                    file_name TEXT NOT NULL,
                    media_type TEXT NOT NULL,            -- image/jpeg or image/png, from the content
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    content BLOB NOT NULL,
                    added_by TEXT NOT NULL,
                    added_at INTEGER NOT NULL
                );
                CREATE INDEX site_visit_photo_visit ON site_visit_photo(visit_id);
                """)
        }
        // Intake's corrections of a round: its current deadline for submissions, and its cancellation (撤销批次).
        migrator.registerMigration("review-v9-round-corrections") { db in
            try db.execute(sql: """
                ALTER TABLE review_round ADD COLUMN intake_deadline TEXT;
                ALTER TABLE review_round ADD COLUMN cancelled_on TEXT;
                ALTER TABLE review_round ADD COLUMN cancel_reason TEXT;
                """)
        }
    }
}

extension ReviewSchema {
    /// What intake was last told of each application's panel (`panel.changed`), so a change is sent once.
    static func migratePanelAccess(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review-v8-panel-access") { db in
            try db.execute(sql: """
                CREATE TABLE panel_access (
                    application_id TEXT PRIMARY KEY NOT NULL,
                    expert_ids TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
    }
}
