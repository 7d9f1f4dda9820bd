import ClauseLanguage
import GRDB

/// The store's tables, created and evolved by GRDB's migrator.
///
/// A store is recognised by its SQLite `application_id` ("CLRS"); a database without it that
/// already has tables is someone else's and is refused rather than altered. A store that holds
/// a migration this binary does not know was written by a newer `clause` and is refused too:
/// reading it with an older idea of the schema could silently drop what it records.
///
/// Decisions and workflow events are append-only: nothing here is ever updated or deleted, and
/// the tables that decide money refuse a hand edit (`StoreGuards`).
/// Package and case texts are content-addressed (keyed by their sha256 digest), stored once
/// however many decisions cite them.
package enum StoreSchema {
    /// "CLRS" as a big-endian 32-bit integer.
    package static let applicationID: Int32 = 0x434C_5253

    package static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-decisions") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                -- A policy package as it was when it decided: its metadata, and each *.yaml file
                -- by name and text, so the package can be rebuilt in a folder and re-run.
                CREATE TABLE packages (
                    digest     TEXT PRIMARY KEY NOT NULL,   -- sha256:… over the files (PackageFiles)
                    policy_id  TEXT NOT NULL,
                    version    TEXT NOT NULL,
                    title      TEXT NOT NULL,
                    stored_at  TEXT NOT NULL
                );
                CREATE TABLE package_files (
                    digest  TEXT NOT NULL REFERENCES packages(digest),
                    name    TEXT NOT NULL,
                    text    TEXT NOT NULL,
                    PRIMARY KEY (digest, name)
                ) WITHOUT ROWID;
                -- A case file exactly as given.
                CREATE TABLE cases (
                    digest  TEXT PRIMARY KEY NOT NULL,      -- sha256:… of the text (UTF-8)
                    text    TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE decisions (
                    id                INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id           TEXT NOT NULL,
                    case_digest       TEXT NOT NULL REFERENCES cases(digest),
                    case_path         TEXT NOT NULL,
                    policy_id         TEXT NOT NULL,
                    policy_digest     TEXT NOT NULL,    -- the decision's policy_digest: one package's, or a base and its amendments combined
                    policy_version    TEXT NOT NULL,
                    item              TEXT,
                    as_of             TEXT NOT NULL,    -- the evaluation date (YYYY-MM-DD)
                    outcome           TEXT NOT NULL,
                    amount_fen        INTEGER NOT NULL,
                    reasons           TEXT NOT NULL,    -- JSON array, as in the decision line
                    clawback_fen      INTEGER NOT NULL,
                    blacklisted_until TEXT,
                    registry_ban_decision INTEGER REFERENCES decisions(id),  -- the ban the registry supplied
                    decision_json     TEXT NOT NULL,    -- the whole JSON line (zh), trace included
                    clause_version    TEXT NOT NULL,
                    recorded_at       TEXT NOT NULL,    -- UTC, ISO 8601 with milliseconds
                    recorded_by       TEXT NOT NULL
                );
                CREATE INDEX decisions_by_case ON decisions(case_id, id);
                -- Every package that took part in a decision: today one that decides; an amending
                -- package will add rows with role 'amends'.
                CREATE TABLE decision_packages (
                    decision_id  INTEGER NOT NULL REFERENCES decisions(id),
                    position     INTEGER NOT NULL,
                    digest       TEXT NOT NULL REFERENCES packages(digest),
                    role         TEXT NOT NULL,
                    PRIMARY KEY (decision_id, position)
                ) WITHOUT ROWID;
                -- 第十三条 bans registered by recorded decisions.
                CREATE TABLE bans (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    credit_code  TEXT NOT NULL,
                    from_date    TEXT NOT NULL,
                    through      TEXT NOT NULL,
                    clause       TEXT NOT NULL,
                    case_id      TEXT NOT NULL,
                    decision_id  INTEGER NOT NULL UNIQUE REFERENCES decisions(id)
                );
                CREATE INDEX bans_by_code ON bans(credit_code, through);
                """)
        }
        // Never edit a migration that has shipped: stores in the field have run it. Add one.
        m.registerMigration("v2-workflow-events") { db in
            try db.execute(sql: """
                -- A case's `history:` (see docs/reference), one row per event, appended as recordings of
                -- the case bring new events; an event once recorded is never rewritten.
                CREATE TABLE workflow_events (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id      TEXT NOT NULL,
                    seq          INTEGER NOT NULL,     -- 0-based index in the history
                    event        TEXT NOT NULL,
                    on_date      TEXT,                 -- the event's `on`, as written
                    role         TEXT,                 -- by.role
                    district     TEXT,                 -- by.district
                    name         TEXT,                 -- by.name
                    payload      TEXT NOT NULL,        -- the event mapping as given, JSON, keys in code-point order
                    case_digest  TEXT NOT NULL REFERENCES cases(digest),      -- the case text it came with
                    decision_id  INTEGER NOT NULL REFERENCES decisions(id),   -- the decision it was recorded with
                    recorded_at  TEXT NOT NULL,
                    UNIQUE (case_id, seq)
                );
                CREATE TRIGGER workflow_events_never_updated BEFORE UPDATE ON workflow_events
                BEGIN SELECT RAISE(ABORT, 'workflow events are append-only'); END;
                CREATE TRIGGER workflow_events_never_deleted BEFORE DELETE ON workflow_events
                BEGIN SELECT RAISE(ABORT, 'workflow events are append-only'); END;
                """)
        }
        m.registerMigration("v3-revocations") { db in
            try db.execute(sql: """
                -- A decision taken back (false material found later, an administrative correction):
                -- appended with who and why; the decision itself stays as it was made, but its
                -- grant stops counting in the ledger of later cases.
                CREATE TABLE revocations (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    decision_id  INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
                    case_id      TEXT NOT NULL,
                    reason       TEXT NOT NULL,
                    revoked_by   TEXT NOT NULL,
                    revoked_at   TEXT NOT NULL
                );
                CREATE TRIGGER revocations_never_updated BEFORE UPDATE ON revocations
                BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
                CREATE TRIGGER revocations_never_deleted BEFORE DELETE ON revocations
                BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
                -- A registered ban lifted (a correction of the registry), with who and why; the ban's
                -- row stays, and decisions that saw it keep what they saw.
                CREATE TABLE ban_lifts (
                    id         INTEGER PRIMARY KEY AUTOINCREMENT,
                    ban_id     INTEGER NOT NULL UNIQUE REFERENCES bans(id),
                    reason     TEXT NOT NULL,
                    lifted_by  TEXT NOT NULL,
                    lifted_at  TEXT NOT NULL
                );
                CREATE TRIGGER ban_lifts_never_updated BEFORE UPDATE ON ban_lifts
                BEGIN SELECT RAISE(ABORT, 'ban lifts are append-only'); END;
                CREATE TRIGGER ban_lifts_never_deleted BEFORE DELETE ON ban_lifts
                BEGIN SELECT RAISE(ABORT, 'ban lifts are append-only'); END;
                """)
        }
        m.registerMigration("v4-ban-corrections") { db in
            try db.execute(sql: """
                -- A registered ban's dates corrected (a wrong day of finding, a shortened ban), with
                -- who and why; the latest correction of a ban is the registry's word. The ban's row
                -- stays, and each decision names the correction it saw, so it replays as it was made.
                CREATE TABLE ban_corrections (
                    id            INTEGER PRIMARY KEY AUTOINCREMENT,
                    ban_id        INTEGER NOT NULL REFERENCES bans(id),
                    from_date     TEXT NOT NULL,
                    through       TEXT NOT NULL,
                    reason        TEXT NOT NULL,
                    corrected_by  TEXT NOT NULL,
                    corrected_at  TEXT NOT NULL
                );
                CREATE INDEX ban_corrections_by_ban ON ban_corrections(ban_id, id);
                CREATE TRIGGER ban_corrections_never_updated BEFORE UPDATE ON ban_corrections
                BEGIN SELECT RAISE(ABORT, 'ban corrections are append-only'); END;
                CREATE TRIGGER ban_corrections_never_deleted BEFORE DELETE ON ban_corrections
                BEGIN SELECT RAISE(ABORT, 'ban corrections are append-only'); END;
                ALTER TABLE decisions ADD COLUMN registry_ban_correction INTEGER REFERENCES ban_corrections(id);
                """)
        }
        // No table changes: from here `decisions.decision_json` may hold a zlib blob (`DecisionBlob`)
        // beside the text of older records. Recorded so that an older clause, which would read
        // the blob as text, refuses the store as newer instead.
        m.registerMigration("v5-compressed-decisions") { _ in }
        m.registerMigration("v6-compressed-cases") { db in
            try db.execute(sql: """
                -- From here `cases.text` may hold a zlib blob (CaseBlob) beside the text of older
                -- records: each case is compressed against the first case recorded written the
                -- same way (YAML or JSON), named here. An older clause refuses the store as newer.
                CREATE TABLE case_references (
                    shape   TEXT PRIMARY KEY NOT NULL,  -- 'yaml' or 'json'
                    digest  TEXT NOT NULL REFERENCES cases(digest)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v7-exact-record") { db in
            try db.execute(sql: """
                -- One case id is one application: who applied (the credit code, canonical) and for
                -- which item, fixed by the first decision recorded under the id. A later recording
                -- of the id must keep both: it corrects that application, never replaces another.
                CREATE TABLE applications (
                    case_id         TEXT PRIMARY KEY NOT NULL,
                    policy_id       TEXT NOT NULL,
                    applicant       TEXT,              -- canonical credit code; null when the case has none
                    item            TEXT,
                    first_decision  INTEGER NOT NULL REFERENCES decisions(id)
                ) WITHOUT ROWID;
                -- The facts the fund's figures match on (item, credit codes, platform, subject…), in
                -- their canonical spelling as each decision was recorded: figures are counted from
                -- here, not by reading case texts again. Values are written as a case file writes them.
                -- Decisions recorded before keys were kept have none, and are read from their case texts.
                CREATE TABLE decision_keys (
                    decision_id  INTEGER NOT NULL REFERENCES decisions(id),
                    path         TEXT NOT NULL,
                    value        TEXT,                 -- null: the case gave none
                    PRIMARY KEY (decision_id, path)
                ) WITHOUT ROWID;
                CREATE INDEX decision_keys_by_value ON decision_keys(path, value, decision_id);
                -- Per policy, each path keys are kept for, and the record number from which every
                -- decision of the policy keeps it: figures are counted from the keys by index only
                -- when every grant they could count has them (older grants are read from their texts).
                -- The grants that count now (each case's latest decision, granted, not revoked), with
                -- their keys: what the figures are counted from, by index, kept as decisions are
                -- recorded and revoked. Derived from the rows above; `clause verify` recomputes it.
                CREATE TABLE live_grants (
                    decision_id  INTEGER PRIMARY KEY REFERENCES decisions(id),
                    policy_id    TEXT NOT NULL,
                    case_id      TEXT NOT NULL UNIQUE,
                    as_of        TEXT NOT NULL,
                    amount_fen   INTEGER NOT NULL
                );
                CREATE TABLE live_keys (
                    decision_id  INTEGER NOT NULL REFERENCES live_grants(decision_id),
                    path         TEXT NOT NULL,
                    value        TEXT NOT NULL,
                    PRIMARY KEY (decision_id, path)
                ) WITHOUT ROWID;
                CREATE INDEX live_keys_by_value ON live_keys(path, value, decision_id);
                CREATE TABLE key_paths (
                    policy_id  TEXT NOT NULL,
                    path       TEXT NOT NULL,
                    since      INTEGER NOT NULL,
                    PRIMARY KEY (policy_id, path)
                ) WITHOUT ROWID;
                -- Tamper evidence: every row that decides money or a ban, in the order written, its
                -- digest chained to the one before (RecordChain). An edited, inserted or deleted row
                -- breaks the chain where it stands.
                CREATE TABLE record_chain (
                    seq     INTEGER PRIMARY KEY,
                    kind    TEXT NOT NULL,
                    row_id  INTEGER NOT NULL,
                    digest  TEXT NOT NULL,
                    UNIQUE (kind, row_id)
                );
                CREATE TRIGGER record_chain_never_updated BEFORE UPDATE ON record_chain
                BEGIN SELECT RAISE(ABORT, 'the record chain is append-only'); END;
                CREATE TRIGGER record_chain_never_deleted BEFORE DELETE ON record_chain
                BEGIN SELECT RAISE(ABORT, 'the record chain is append-only'); END;
                """)
            // Bans registered under a code as the case spelled it are put under the code it spells,
            // so a case read in the canonical spelling still meets them.
            for row in try Row.fetchAll(db, sql: "SELECT id, credit_code FROM bans") {
                let id: Int64 = try row.decode(forColumn: "id"), code: String = try row.decode(forColumn: "credit_code")
                if case .success(let canonical) = CreditCode.read(code), canonical != code {
                    try db.execute(sql: "UPDATE bans SET credit_code = ? WHERE id = ?", arguments: [canonical, id])
                }
            }
            try RecordChain.sealExisting(db)
        }
        // Sealing and verifying read a decision's application by its first decision: without an
        // index each read was a scan of every application, a cost that grew with the record.
        m.registerMigration("v8-applications-by-decision") { db in
            try db.execute(sql: "CREATE INDEX applications_by_first_decision ON applications(first_decision)")
        }
        // Every read of a decision's keys is by decision (its primary key): figures are counted from
        // `live_keys`, which has its own index by value. This index of every decision's keys by
        // value answered no query, and cost two B-tree inserts a key at random places, pages that
        // every batch wrote again.
        m.registerMigration("v9-no-decision-keys-by-value") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS decision_keys_by_value")
        }
        // The tables that decide money refuse a hand edit (`StoreGuards`): an amount lowered or a
        // grant deleted to free room under a cap was found only by `clause verify`, while every
        // `evaluate` beside the edited record decided on it without a word.
        m.registerMigration("v10-guards") { db in
            try StoreGuards.install(db)
        }
        return m
    }
}
