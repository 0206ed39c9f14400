import GRDB

/// Intake's tables. Instants are integer milliseconds UTC; business days are `YYYY-MM-DD` in Asia/Shanghai;
/// money is integer fen inside the stored form JSON.
enum IntakeSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v1") { db in
            try db.execute(sql: """
                -- 申报批次, opened by the department (one not cancelled per kind and year: intake-v5).
                CREATE TABLE intake_round (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    opens_on TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    quota_per_body INTEGER,
                    quotas_json TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    UNIQUE (kind, year)
                );

                -- The application as it stands now; versions and status history are kept beside it.
                CREATE TABLE intake_application (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    round_id TEXT NOT NULL REFERENCES intake_round(id),
                    screening_body TEXT NOT NULL,
                    status TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 0,
                    credit_code TEXT,
                    studio_name TEXT,
                    studio_id TEXT,
                    recommendation_order INTEGER,
                    form_json TEXT NOT NULL,
                    submitted_on TEXT,
                    withdrawn_on TEXT,
                    status_reasons_json TEXT NOT NULL DEFAULT '[]',
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX intake_application_round_body ON intake_application (round_id, screening_body, status);
                CREATE INDEX intake_application_unit ON intake_application (round_id, credit_code, studio_name);
                CREATE INDEX intake_application_studio ON intake_application (round_id, studio_id);

                -- Every submitted content: version 1 at submission, then one per amendment.
                CREATE TABLE intake_application_version (
                    application_id TEXT NOT NULL REFERENCES intake_application(id),
                    version INTEGER NOT NULL,
                    form_json TEXT NOT NULL,
                    recorded_on TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, version)
                );

                CREATE TABLE intake_status_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    application_id TEXT NOT NULL REFERENCES intake_application(id),
                    status TEXT NOT NULL,
                    reasons_json TEXT NOT NULL DEFAULT '[]',
                    source TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX intake_status_history_application ON intake_status_history (application_id, id);

                -- Idempotency-Key: the stored response of a create, per caller and key.
                CREATE TABLE intake_idempotency (
                    caller TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (caller, key)
                );

                -- Attachments by content: one blob per SHA-256, linked to applications by name.
                CREATE TABLE intake_blob (
                    sha256 TEXT PRIMARY KEY NOT NULL,
                    media_type TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    content BLOB NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE intake_attachment (
                    application_id TEXT NOT NULL REFERENCES intake_application(id),
                    sha256 TEXT NOT NULL REFERENCES intake_blob(sha256),
                    file_name TEXT NOT NULL,
                    added_at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, file_name)
                );

                -- The studio register as assessment's events describe it (never read from its database).
                CREATE TABLE intake_studio (
                    id TEXT PRIMARY KEY NOT NULL,
                    application_id TEXT,
                    studio_name TEXT NOT NULL,
                    unit_name TEXT NOT NULL,
                    screening_body TEXT NOT NULL,
                    level TEXT NOT NULL,
                    status TEXT NOT NULL,
                    named_on TEXT NOT NULL,
                    cycle_number INTEGER NOT NULL,
                    cycle_start TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        // Why a studio was revoked, as studio.revoked says: Art 17 (failed assessment) and Art 20 (fraud) differ.
        migrator.registerMigration("intake-v2-revocation-reason") { db in
            try db.execute(sql: "ALTER TABLE intake_studio ADD COLUMN revocation_reason TEXT")
        }
        // A round the department cancelled (撤销批次) keeps its row, with when and why.
        migrator.registerMigration("intake-v3-round-cancellation") { db in
            try db.execute(sql: "ALTER TABLE intake_round ADD COLUMN cancelled_at INTEGER")
            try db.execute(sql: "ALTER TABLE intake_round ADD COLUMN cancel_reason TEXT")
        }
        // Lists page over (created_at, id): the first page of 5,000 costs what it costs of 50, also for one county.
        migrator.registerMigration("intake-v4-application-paging") { db in
            try db.execute(sql: """
                CREATE INDEX intake_application_created ON intake_application (created_at, id);
                CREATE INDEX intake_application_body_created ON intake_application (screening_body, created_at, id);
                """)
        }
        // After a cancellation (撤销批次) the department opens the kind and year again: the rule is one round per kind
        // and year that is not cancelled (a partial unique index), no longer one round per kind and year. SQLite
        // cannot drop a table's UNIQUE constraint, so the table is rebuilt with its rows (the standard copy, drop,
        // rename; GRDB runs a migration with foreign keys off and checks them all before it commits, so the
        // applications' `round_id` references stay whole).
        migrator.registerMigration("intake-v5-round-reopen-after-cancel") { db in
            try db.execute(sql: """
                CREATE TABLE intake_round_new (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    opens_on TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    quota_per_body INTEGER,
                    quotas_json TEXT NOT NULL DEFAULT '{}',
                    created_at INTEGER NOT NULL,
                    cancelled_at INTEGER,
                    cancel_reason TEXT
                );
                INSERT INTO intake_round_new (id, kind, year, opens_on, deadline, quota_per_body, quotas_json, created_at, cancelled_at, cancel_reason)
                    SELECT id, kind, year, opens_on, deadline, quota_per_body, quotas_json, created_at, cancelled_at, cancel_reason FROM intake_round;
                DROP TABLE intake_round;
                ALTER TABLE intake_round_new RENAME TO intake_round;
                CREATE UNIQUE INDEX intake_round_one_open_per_kind_year ON intake_round (kind, year) WHERE cancelled_at IS NULL;
                """)
        }
        // Fewer B-trees changed per submission, so fewer pages appended to the WAL at each commit (BENCHMARKS.md,
        // issue 20). The rows are rebuilt with their data (create, copy, drop, rename; GRDB checks every foreign key
        // before the migration commits):
        // - the application and its versions are stored in their key's order (`WITHOUT ROWID`): a rowid table with
        //   a text primary key is two trees, the rows and the key's index (the idempotency keys were tried the same
        //   way and cost more pages, not fewer: their keys are random and each row holds a whole response);
        // - a version's form is kept in its row once the version is superseded; the current version's is NULL,
        //   meaning the application's own (`ApplicationStore.versions`), so a submission writes the form once
        //   to the application and not again to version 1 (existing rows keep their copies, which read the same);
        // - the status history is numbered per application (`seq`), stored in (application, seq) order: one tree
        //   instead of the rows, the application index and AUTOINCREMENT's `sqlite_sequence` row;
        // - the studio index holds only applications that name a studio (Art 13, 14): a naming has none.
        migrator.registerMigration("intake-v6-fewer-trees-per-submission") { db in
            try db.execute(sql: """
                CREATE TABLE intake_application_keyed (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    round_id TEXT NOT NULL REFERENCES intake_round(id),
                    screening_body TEXT NOT NULL,
                    status TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 0,
                    credit_code TEXT,
                    studio_name TEXT,
                    studio_id TEXT,
                    recommendation_order INTEGER,
                    form_json TEXT NOT NULL,
                    submitted_on TEXT,
                    withdrawn_on TEXT,
                    status_reasons_json TEXT NOT NULL DEFAULT '[]',
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO intake_application_keyed (id, kind, round_id, screening_body, status, version, credit_code, studio_name,
                        studio_id, recommendation_order, form_json, submitted_on, withdrawn_on, status_reasons_json, created_at, updated_at)
                    SELECT id, kind, round_id, screening_body, status, version, credit_code, studio_name,
                        studio_id, recommendation_order, form_json, submitted_on, withdrawn_on, status_reasons_json, created_at, updated_at
                    FROM intake_application;
                DROP TABLE intake_application;
                ALTER TABLE intake_application_keyed RENAME TO intake_application;
                CREATE INDEX intake_application_round_body ON intake_application (round_id, screening_body, status);
                CREATE INDEX intake_application_unit ON intake_application (round_id, credit_code, studio_name);
                CREATE INDEX intake_application_studio ON intake_application (round_id, studio_id) WHERE studio_id IS NOT NULL;
                CREATE INDEX intake_application_created ON intake_application (created_at, id);
                CREATE INDEX intake_application_body_created ON intake_application (screening_body, created_at, id);

                CREATE TABLE intake_application_version_keyed (
                    application_id TEXT NOT NULL REFERENCES intake_application(id),
                    version INTEGER NOT NULL,
                    form_json TEXT,
                    recorded_on TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, version)
                ) WITHOUT ROWID;
                INSERT INTO intake_application_version_keyed (application_id, version, form_json, recorded_on, recorded_at)
                    SELECT application_id, version, form_json, recorded_on, recorded_at FROM intake_application_version;
                DROP TABLE intake_application_version;
                ALTER TABLE intake_application_version_keyed RENAME TO intake_application_version;

                CREATE TABLE intake_status_history_keyed (
                    application_id TEXT NOT NULL REFERENCES intake_application(id),
                    seq INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    reasons_json TEXT NOT NULL DEFAULT '[]',
                    source TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (application_id, seq)
                ) WITHOUT ROWID;
                INSERT INTO intake_status_history_keyed (application_id, seq, status, reasons_json, source, at)
                    SELECT application_id, ROW_NUMBER() OVER (PARTITION BY application_id ORDER BY id), status, reasons_json, source, at
                    FROM intake_status_history;
                DROP TABLE intake_status_history;
                ALTER TABLE intake_status_history_keyed RENAME TO intake_status_history;
                """)
        }
    }
}
