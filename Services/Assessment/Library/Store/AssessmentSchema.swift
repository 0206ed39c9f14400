import GRDB

/// The assessment database: the register (名册) and everything that changes a studio's title.
/// Dates are `YYYY-MM-DD` text in Asia/Shanghai, instants integer milliseconds UTC.
enum AssessmentSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("assessment-v1") { db in
            try db.execute(sql: """
                CREATE TABLE studio (
                    id TEXT PRIMARY KEY,
                    application_id TEXT UNIQUE,
                    studio_name TEXT NOT NULL,
                    unit_name TEXT NOT NULL,
                    unit_credit_code TEXT,
                    screening_body_code TEXT NOT NULL,
                    leader_name TEXT,
                    level TEXT NOT NULL CHECK (level IN ('city', 'provincial')),
                    status TEXT NOT NULL CHECK (status IN ('active', 'demonstration', 'revoked', 'expired')),
                    named_on TEXT NOT NULL,
                    plaque_number TEXT UNIQUE,
                    plaque_issued_on TEXT,
                    cycle_number INTEGER NOT NULL CHECK (cycle_number >= 1),
                    cycle_start TEXT NOT NULL,
                    origin TEXT NOT NULL CHECK (origin IN ('naming', 'provincial_import')),
                    registered_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX studio_status ON studio (status);

                -- Art 12: plaque numbers run per naming year, 衢工创〔2026〕第001号.
                CREATE TABLE plaque_counter (
                    year INTEGER PRIMARY KEY,
                    last_number INTEGER NOT NULL
                );

                -- Every change of title or register entry: who, when, why. Append-only.
                CREATE TABLE title_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    kind TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    details_zh TEXT NOT NULL,
                    reference TEXT,
                    effective_on TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    actor_subject TEXT,
                    recorded_at INTEGER NOT NULL
                );
                CREATE INDEX title_history_studio ON title_history (studio_id, id);
                CREATE TRIGGER title_history_no_update BEFORE UPDATE ON title_history
                    BEGIN SELECT RAISE(ABORT, 'title_history is append-only'); END;
                CREATE TRIGGER title_history_no_delete BEFORE DELETE ON title_history
                    BEGIN SELECT RAISE(ABORT, 'title_history is append-only'); END;

                -- Art 17: one end-of-cycle assessment per studio and cycle.
                CREATE TABLE cycle_assessment (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    cycle_number INTEGER NOT NULL,
                    cycle_start TEXT NOT NULL,
                    cycle_end TEXT NOT NULL,
                    result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
                    scores TEXT NOT NULL,
                    total_score INTEGER NOT NULL,
                    site_visit_on TEXT NOT NULL,
                    site_visitors TEXT NOT NULL,
                    plaque_displayed INTEGER NOT NULL,
                    reasons TEXT NOT NULL,
                    assessed_on TEXT NOT NULL,
                    late INTEGER NOT NULL,
                    recorded_by_role TEXT NOT NULL,
                    recorded_by_subject TEXT,
                    recorded_at INTEGER NOT NULL,
                    UNIQUE (studio_id, cycle_number)
                );

                -- Art 14: the acceptance assessment of a studio review selected for demonstration status.
                CREATE TABLE demonstration_acceptance (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    application_id TEXT NOT NULL UNIQUE,
                    round_id TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'failed')),
                    opened_at INTEGER NOT NULL,
                    scores TEXT,
                    total_score INTEGER,
                    reasons TEXT,
                    assessed_on TEXT,
                    recorded_by_role TEXT,
                    recorded_by_subject TEXT,
                    recorded_at INTEGER
                );

                -- Art 19: a reported change of unit name or affiliation and the federation's adjustment.
                CREATE TABLE change_report (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    new_unit_name TEXT,
                    new_screening_body_code TEXT,
                    previous_unit_name TEXT NOT NULL,
                    previous_screening_body_code TEXT NOT NULL,
                    reported_on TEXT NOT NULL,
                    note TEXT,
                    reported_by_role TEXT NOT NULL,
                    reported_by_subject TEXT,
                    reported_at INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'adjusted', 'declined')),
                    decision_note TEXT,
                    effective_on TEXT,
                    decided_by_role TEXT,
                    decided_by_subject TEXT,
                    decided_at INTEGER
                );

                -- Art 20: a case of plagiarism, fraud or misuse, opened by the department or by funding's inspection.
                CREATE TABLE revocation_case (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    origin TEXT NOT NULL CHECK (origin IN ('department', 'inspection')),
                    inspection_id TEXT UNIQUE,
                    grant_id TEXT,
                    amount_fen INTEGER,
                    description TEXT NOT NULL,
                    found_on TEXT NOT NULL,
                    rectification_deadline TEXT,
                    opened_by_role TEXT NOT NULL,
                    opened_by_subject TEXT,
                    opened_at INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'revoked', 'dismissed')),
                    reason TEXT,
                    decision_reasons TEXT,
                    decided_on TEXT,
                    decided_by_role TEXT,
                    decided_by_subject TEXT,
                    decided_at INTEGER,
                    notice_id TEXT
                );

                -- 通报: public notices of revocations (Art 17 fail, Art 20).
                CREATE TABLE public_notice (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    kind TEXT NOT NULL CHECK (kind IN ('revocation')),
                    reason TEXT NOT NULL,
                    title_zh TEXT NOT NULL,
                    body_zh TEXT NOT NULL,
                    published_on TEXT NOT NULL,
                    published_at INTEGER NOT NULL,
                    issued_by_role TEXT NOT NULL,
                    issued_by_subject TEXT
                );
                """)
        }
        // A studio whose cycle ended unassessed expires with a public notice of its own kind (the CHECK is rebuilt).
        migrator.registerMigration("assessment-v2-expiry-notices") { db in
            try db.execute(sql: """
                CREATE TABLE public_notice_v2 (
                    id TEXT PRIMARY KEY,
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    kind TEXT NOT NULL CHECK (kind IN ('revocation', 'expiry')),
                    reason TEXT NOT NULL,
                    title_zh TEXT NOT NULL,
                    body_zh TEXT NOT NULL,
                    published_on TEXT NOT NULL,
                    published_at INTEGER NOT NULL,
                    issued_by_role TEXT NOT NULL,
                    issued_by_subject TEXT
                );
                INSERT INTO public_notice_v2 SELECT id, studio_id, kind, reason, title_zh, body_zh, published_on, published_at,
                    issued_by_role, issued_by_subject FROM public_notice;
                DROP TABLE public_notice;
                ALTER TABLE public_notice_v2 RENAME TO public_notice;
                """)
        }
        // The cycles already reported overdue (studio.assessment_overdue), so the sweep tells each once.
        migrator.registerMigration("assessment-v3-overdue-reports") { db in
            try db.execute(sql: """
                CREATE TABLE overdue_report (
                    studio_id TEXT NOT NULL REFERENCES studio (id),
                    cycle_number INTEGER NOT NULL,
                    overdue_on TEXT NOT NULL,
                    reported_at INTEGER NOT NULL,
                    PRIMARY KEY (studio_id, cycle_number)
                );
                """)
        }
    }
}
