import GRDB

/// The funding tables. Money is integer fen with CHECK constraints; the ledger refuses UPDATE and DELETE
/// and refuses a payment beyond what was granted, so even a bug in the code cannot break the books.
enum FundingSchema {
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("funding-v1") { db in
            try db.execute(sql: """
                CREATE TABLE funding_studio (
                    studio_id TEXT PRIMARY KEY NOT NULL,
                    studio_name TEXT NOT NULL DEFAULT '',
                    unit_name TEXT NOT NULL DEFAULT '',
                    screening_body_code TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL DEFAULT 'active',
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE payee_account (
                    studio_id TEXT PRIMARY KEY NOT NULL,
                    bank_name TEXT NOT NULL,
                    account_number TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL
                );

                CREATE TABLE budget (
                    year INTEGER PRIMARY KEY NOT NULL CHECK (year BETWEEN 2016 AND 9999),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
                    set_by TEXT NOT NULL,
                    set_at INTEGER NOT NULL
                );

                -- Every budget decision, kept: the budget row shows the current one.
                CREATE TABLE budget_change (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    year INTEGER NOT NULL,
                    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
                    set_by TEXT NOT NULL,
                    set_at INTEGER NOT NULL
                );

                CREATE TABLE funding_grant (
                    id TEXT PRIMARY KEY NOT NULL,
                    reference TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('naming', 'projectGrant', 'demonstration')),
                    studio_id TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    source_application_id TEXT NOT NULL,
                    source_event_id TEXT NOT NULL,
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    decided_on TEXT NOT NULL,
                    due_on TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('held', 'scheduled', 'approved', 'paid', 'cancelled')),
                    due_state TEXT NOT NULL DEFAULT 'not_due' CHECK (due_state IN ('not_due', 'due', 'overdue')),
                    hold_reason TEXT,
                    payee_name TEXT NOT NULL,
                    screening_body_code TEXT NOT NULL,
                    approved_by TEXT, approved_at INTEGER,
                    released_by TEXT, released_at INTEGER,
                    paid_by TEXT, paid_at INTEGER, paid_on TEXT, payment_reference TEXT UNIQUE,
                    cancelled_by TEXT, cancelled_at INTEGER, cancel_reason TEXT,
                    batch_id TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    CHECK (status <> 'paid' OR (paid_by IS NOT NULL AND payment_reference IS NOT NULL AND paid_on IS NOT NULL)),
                    CHECK (status <> 'cancelled' OR (cancel_reason IS NOT NULL AND cancelled_by IS NOT NULL))
                );
                -- Exactly once however often the deciding event arrives, even under a new webhook id.
                CREATE UNIQUE INDEX funding_grant_naming_once ON funding_grant (studio_id) WHERE kind = 'naming';
                CREATE UNIQUE INDEX funding_grant_per_year ON funding_grant (kind, studio_id, year);
                CREATE UNIQUE INDEX funding_grant_per_application ON funding_grant (kind, source_application_id);
                CREATE INDEX funding_grant_status ON funding_grant (status, year);

                CREATE TABLE ledger_entry (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    grant_id TEXT NOT NULL REFERENCES funding_grant (id),
                    studio_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('granted', 'cancelled', 'paid', 'expense')),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    occurred_on TEXT NOT NULL,
                    reference TEXT,
                    note TEXT,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL
                );
                CREATE INDEX ledger_entry_grant ON ledger_entry (grant_id);
                CREATE INDEX ledger_entry_studio ON ledger_entry (studio_id);
                CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
                CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
                CREATE TRIGGER ledger_entry_paid_within_granted BEFORE INSERT ON ledger_entry WHEN NEW.kind = 'paid'
                BEGIN
                    SELECT RAISE(ABORT, 'paid would exceed granted')
                    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry WHERE grant_id = NEW.grant_id AND kind = 'paid') + NEW.amount_fen
                        > (SELECT COALESCE(SUM(CASE kind WHEN 'granted' THEN amount_fen WHEN 'cancelled' THEN -amount_fen ELSE 0 END), 0)
                           FROM ledger_entry WHERE grant_id = NEW.grant_id);
                END;
                CREATE TRIGGER ledger_entry_cancel_only_unpaid BEFORE INSERT ON ledger_entry WHEN NEW.kind = 'cancelled'
                BEGIN
                    SELECT RAISE(ABORT, 'a paid grant cannot be cancelled')
                    WHERE EXISTS (SELECT 1 FROM ledger_entry WHERE grant_id = NEW.grant_id AND kind = 'paid');
                END;

                CREATE TABLE payment_batch (
                    id TEXT PRIMARY KEY NOT NULL,
                    grant_count INTEGER NOT NULL CHECK (grant_count >= 0),
                    total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
                    csv BLOB NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE expense (
                    id TEXT PRIMARY KEY NOT NULL,
                    studio_id TEXT NOT NULL,
                    grant_id TEXT NOT NULL REFERENCES funding_grant (id),
                    category TEXT NOT NULL CHECK (category IN ('analysisTesting', 'personnelLabour', 'meetingsResearch', 'printing', 'intellectualProperty')),
                    purpose TEXT NOT NULL CHECK (purpose IN ('talentTraining', 'technicalInnovation', 'dailyOperation')),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    spent_on TEXT NOT NULL,
                    description TEXT NOT NULL,
                    over_balance INTEGER NOT NULL DEFAULT 0,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL
                );
                CREATE TABLE expense_receipt (
                    id TEXT PRIMARY KEY NOT NULL,
                    expense_id TEXT NOT NULL REFERENCES expense (id),
                    file_name TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    content BLOB NOT NULL
                );

                CREATE TABLE inspection (
                    id TEXT PRIMARY KEY NOT NULL,
                    studio_id TEXT NOT NULL,
                    due_on TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('scheduled', 'closed')),
                    created_at INTEGER NOT NULL,
                    closed_by TEXT,
                    closed_at INTEGER,
                    UNIQUE (studio_id, due_on)
                );
                CREATE UNIQUE INDEX inspection_one_open ON inspection (studio_id) WHERE status = 'scheduled';
                CREATE TABLE inspection_signoff (
                    inspection_id TEXT NOT NULL REFERENCES inspection (id),
                    role TEXT NOT NULL CHECK (role IN ('department', 'finance', 'audit_office')),
                    signed_by TEXT NOT NULL,
                    signed_at INTEGER NOT NULL,
                    note TEXT,
                    PRIMARY KEY (inspection_id, role)
                );
                CREATE TABLE inspection_finding (
                    id TEXT PRIMARY KEY NOT NULL,
                    inspection_id TEXT NOT NULL REFERENCES inspection (id),
                    kind TEXT NOT NULL CHECK (kind IN ('compliant', 'misuse')),
                    grant_id TEXT,
                    amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen > 0),
                    description TEXT NOT NULL,
                    rectification_deadline TEXT,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    CHECK (kind <> 'misuse' OR (amount_fen IS NOT NULL AND rectification_deadline IS NOT NULL))
                );
                """)
        }
        // A receipt's type was the one its uploader claimed: it becomes the content's own, as new receipts get.
        migrator.registerMigration("funding-v2-receipt-checked-type") { db in
            try db.execute(sql: """
                UPDATE expense_receipt SET content_type = CASE
                    WHEN hex(substr(content, 1, 5)) = '255044462D' THEN 'application/pdf'
                    WHEN hex(substr(content, 1, 8)) = '89504E470D0A1A0A' THEN 'image/png'
                    WHEN hex(substr(content, 1, 3)) = 'FFD8FF' THEN 'image/jpeg'
                    ELSE 'application/octet-stream' END
                """)
        }
        // Append-only for every statement: INSERT OR REPLACE deletes the row it replaces without firing the delete
        // trigger, so an insert may not reuse an existing id; and a grant's amount and kind are its decision's.
        migrator.registerMigration("funding-v3-append-only-for-every-statement") { db in
            try db.execute(sql: """
                CREATE TRIGGER ledger_entry_no_replace BEFORE INSERT ON ledger_entry
                WHEN EXISTS (SELECT 1 FROM ledger_entry WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

                CREATE TRIGGER funding_grant_terms_fixed BEFORE UPDATE OF amount_fen, kind ON funding_grant
                WHEN NEW.amount_fen IS NOT OLD.amount_fen OR NEW.kind IS NOT OLD.kind
                BEGIN SELECT RAISE(ABORT, 'a grant''s amount and kind are fixed when it is created'); END;

                CREATE TRIGGER funding_grant_no_replace BEFORE INSERT ON funding_grant
                WHEN EXISTS (SELECT 1 FROM funding_grant WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'a grant''s amount and kind are fixed when it is created'); END;
                """)
        }
        // A finding is the inspection's (Art 16): a draft its signer may withdraw, final when the inspection closes,
        // which is when a misuse finding is announced. Misuse recorded before this was announced on recording.
        migrator.registerMigration("funding-v4-inspection-findings-are-the-inspections") { db in
            try db.execute(sql: """
                ALTER TABLE inspection_finding ADD COLUMN withdrawn_by TEXT;
                ALTER TABLE inspection_finding ADD COLUMN withdrawn_at INTEGER;
                ALTER TABLE inspection_finding ADD COLUMN announced_at INTEGER;
                UPDATE inspection_finding SET announced_at = recorded_at WHERE kind = 'misuse';
                """)
        }
        // Art 15 says 主要包括: beyond the five named categories, another cost serving the studio is recorded with a
        // justification and waits for the department's approval; what the department lists as unrelated is refused.
        // The category CHECK is rebuilt; existing expenses are the five's and need no approval.
        migrator.registerMigration("funding-v5-expenses-beyond-the-five-categories") { db in
            try db.execute(sql: """
                CREATE TABLE expense_v5 (
                    id TEXT PRIMARY KEY NOT NULL,
                    studio_id TEXT NOT NULL,
                    grant_id TEXT NOT NULL REFERENCES funding_grant (id),
                    category TEXT NOT NULL CHECK (category IN ('analysisTesting', 'personnelLabour', 'meetingsResearch', 'printing', 'intellectualProperty', 'other')),
                    other_kind TEXT,
                    justification TEXT,
                    purpose TEXT NOT NULL CHECK (purpose IN ('talentTraining', 'technicalInnovation', 'dailyOperation')),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    spent_on TEXT NOT NULL,
                    description TEXT NOT NULL,
                    over_balance INTEGER NOT NULL DEFAULT 0,
                    approval TEXT NOT NULL DEFAULT 'notNeeded' CHECK (approval IN ('notNeeded', 'pending', 'approved', 'rejected')),
                    decided_by TEXT,
                    decided_at INTEGER,
                    decision_note TEXT,
                    recorded_by TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    CHECK (category <> 'other' OR (other_kind IS NOT NULL AND justification IS NOT NULL AND approval <> 'notNeeded')),
                    CHECK (category = 'other' OR approval = 'notNeeded')
                );
                INSERT INTO expense_v5 (id, studio_id, grant_id, category, purpose, amount_fen, spent_on, description, over_balance, recorded_by, recorded_at)
                    SELECT id, studio_id, grant_id, category, purpose, amount_fen, spent_on, description, over_balance, recorded_by, recorded_at FROM expense;
                DROP TABLE expense;
                ALTER TABLE expense_v5 RENAME TO expense;
                CREATE INDEX expense_approval ON expense (approval);

                -- The department's list of what is unrelated to a studio's work (与工作室建设无关的开支): a cost whose
                -- kind contains one of these is refused under Art 15.
                CREATE TABLE expense_unrelated_kind (
                    keyword TEXT PRIMARY KEY NOT NULL,
                    added_by TEXT NOT NULL,
                    added_at INTEGER NOT NULL
                );
                INSERT INTO expense_unrelated_kind (keyword, added_by, added_at) VALUES
                    ('宴请', 'migration', 0), ('招待', 'migration', 0), ('礼品', 'migration', 0), ('礼金', 'migration', 0),
                    ('购物卡', 'migration', 0), ('车辆', 'migration', 0), ('汽车', 'migration', 0), ('旅游', 'migration', 0),
                    ('烟酒', 'migration', 0), ('个人消费', 'migration', 0);
                """)
        }
        // GET /grants pages over (created_at, id).
        migrator.registerMigration("funding-v6-grant-paging") { db in
            try db.execute(sql: "CREATE INDEX funding_grant_created ON funding_grant (created_at, id)")
        }
    }
}
