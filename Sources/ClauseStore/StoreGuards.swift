import Foundation
import GRDB

/// Triggers that refuse a hand edit of the fund's record: a changed amount, a deleted grant that
/// counts, a moved ban. `clause` only ever appends (and fills in a decision's line and a case's
/// text, written empty and given before the batch commits), so any other change of these tables
/// comes from outside it.
///
/// A guard is a lock on the door, not a safe: whoever can write the file can drop a trigger
/// first, or put a harmless one in its place under its name. So a guard that is missing or not
/// as written here is itself evidence. Every command that opens the store asks `removed`, a
/// query of the schema that costs the same for any size of record: recording into such a store
/// is refused, reading it is warned about, and `clause verify` lists each such guard next to the
/// rows the chain finds altered. `verify`'s full check, not the guards, is what proves a record
/// unaltered.
///
/// A later migration that must change one of these tables drops the guard, changes the rows,
/// and installs the guard again.
package enum StoreGuards {
    package struct Guard: Sendable {
        package var name: String
        package var table: String
        var sql: String
    }

    /// A decision's columns but its line, which is written empty and given once before the commit.
    private static var decisionColumns: [String] {
        (RecordChain.kind("decision")?.columns ?? []).filter { $0 != "decision_json" }
    }

    /// Whether any of `columns` differs between the old row and the new.
    private static func changes(_ columns: [String]) -> String {
        columns.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")
    }

    /// - Parameter said: the refusal as SQLite reports it. The guards the first stores were made
    ///   with say theirs without the `clause: ` prefix, and keep saying it so: a guard is checked
    ///   by its text.
    private static func refuse(_ name: String, _ when: String, on table: String, _ why: String, when condition: String? = nil,
                               said: String? = nil) -> Guard {
        let clause = condition.map { " WHEN \($0)" } ?? ""
        let message = (said ?? "clause: \(why)").replacingOccurrences(of: "'", with: "''")
        return Guard(name: name, table: table, sql: """
            CREATE TRIGGER IF NOT EXISTS \(name) BEFORE \(when) ON \(table)\(clause)
            BEGIN SELECT RAISE(ABORT, '\(message)'); END
            """)
    }

    /// A table nobody but clause writes, and clause only appends to.
    private static func appendOnly(_ table: String, _ why: String, said: String? = nil) -> [Guard] {
        [refuse("\(table)_never_updated", "UPDATE", on: table, why, said: said),
         refuse("\(table)_never_deleted", "DELETE", on: table, why, said: said)]
    }

    /// A grant that counts leaves `live_grants` only when its case is decided again or it is
    /// revoked (`LiveGrants`); its keys leave with it, just before.
    private static let replacedOrRevoked = """
        NOT EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = OLD.decision_id)
        AND NOT EXISTS (SELECT 1 FROM decisions d JOIN decisions later ON later.case_id = d.case_id AND later.id > d.id
                        WHERE d.id = OLD.decision_id)
        """

    package static let all: [Guard] = {
        var guards: [Guard] = []
        for (table, what) in [("workflow_events", "workflow events"), ("revocations", "revocations"), ("ban_lifts", "ban lifts"),
                              ("ban_corrections", "ban corrections"), ("record_chain", "the record chain")] {
            let said = "\(what) \(what == "the record chain" ? "is" : "are") append-only"
            guards += appendOnly(table, said, said: said)
        }
        let decision = "a recorded decision is never changed: a correction is a new decision (clause record) or a revocation (clause revoke)"
        guards.append(refuse("decisions_never_updated", "UPDATE", on: "decisions", decision,
                             when: "OLD.decision_json IS NOT '' OR \(changes(decisionColumns))"))
        guards.append(refuse("decisions_never_deleted", "DELETE", on: "decisions", decision))
        guards += appendOnly("decision_keys", "a decision's keys are recorded with it and never changed")
        guards += appendOnly("decision_packages", "the packages a decision cites are never changed")
        guards += appendOnly("applications", "an application is recorded with its first decision and never changed")
        guards += appendOnly("bans", "a registered ban is never changed: lift or correct it (clause bans lift, clause bans correct)")
        guards += appendOnly("packages", "a stored package is never changed")
        guards += appendOnly("package_files", "a stored package is never changed")
        let text = "a recorded case text is never changed"
        guards.append(refuse("cases_never_updated", "UPDATE", on: "cases", text, when: "OLD.text IS NOT '' OR NEW.digest IS NOT OLD.digest"))
        guards.append(refuse("cases_never_deleted", "DELETE", on: "cases", text))
        let live = "the grants that count follow the recorded decisions: record a case again, or revoke its decision (clause revoke)"
        guards.append(refuse("live_grants_only_from_decisions", "INSERT", on: "live_grants", live, when: """
            NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = NEW.decision_id AND d.outcome = 'granted' AND d.case_id = NEW.case_id
                        AND d.policy_id = NEW.policy_id AND d.as_of = NEW.as_of AND d.amount_fen = NEW.amount_fen)
            """))
        guards.append(refuse("live_grants_never_updated", "UPDATE", on: "live_grants", live))
        guards.append(refuse("live_grants_leave_when_replaced", "DELETE", on: "live_grants", live, when: replacedOrRevoked))
        guards.append(refuse("live_keys_only_from_decisions", "INSERT", on: "live_keys", live, when: """
            NOT EXISTS (SELECT 1 FROM decision_keys k WHERE k.decision_id = NEW.decision_id AND k.path = NEW.path AND k.value = NEW.value)
            """))
        guards.append(refuse("live_keys_never_updated", "UPDATE", on: "live_keys", live))
        guards.append(refuse("live_keys_leave_when_replaced", "DELETE", on: "live_keys", live, when: replacedOrRevoked))
        return guards
    }()

    /// Installs every guard the store lacks; one that is not as written here is put back as it is.
    package static func install(_ db: Database) throws {
        let wrong = Set(try removed(db).map(\.name))
        for g in all {
            if wrong.contains(g.name) { try db.execute(sql: "DROP TRIGGER IF EXISTS \(g.name)") }
            try db.execute(sql: g.sql)
        }
    }

    /// The guards the store should have and has not: dropped by hand, or replaced by a trigger of
    /// the same name that does something else. A table that is gone took its guards with it; that
    /// is damage of another kind, named where the table is read.
    package static func removed(_ db: Database) throws -> [Guard] {
        var present: [String: String] = [:], tables: Set<String> = []
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table')")) {
            if row["type"] == "trigger" { present[row["name"]] = canonical(row["sql"] ?? "") } else { tables.insert(row["name"]) }
        }
        return all.filter { tables.contains($0.table) && present[$0.name] != canonical($0.sql) }
    }

    /// The tables `guards` keep, each once, in order: how every message names what is unguarded.
    package static func tables(of guards: [Guard]) -> [String] {
        Array(Set(guards.map(\.table))).sorted()
    }

    /// A trigger's text as compared: SQLite keeps it as written, less `IF NOT EXISTS`; white space
    /// is made single spaces, so a guard written over several lines is the same guard.
    private static func canonical(_ sql: String) -> String {
        sql.replacingOccurrences(of: "IF NOT EXISTS ", with: "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension RecordStore {
    /// The guards against hand edits that were dropped from this store (none in a sound one).
    package func removedGuards() throws -> [StoreGuards.Guard] {
        try read { db in try StoreGuards.removed(db) }
    }

    /// Puts back the guards that were dropped, and nothing else (`repair` also makes the table of
    /// grants that count again): how someone who edited by hand would cover the edit, as the
    /// tests do to show the chain still finds it.
    package func restoreGuards() throws {
        try write { db in try StoreGuards.install(db) }
    }

    /// Makes the table of grants that count again from the record and puts back every guard, in
    /// one transaction; what `verify --repair` does when the chained rows are unaltered and only
    /// that derived table (or the guards) differ. Returns how many grants count.
    package func repair() throws -> Int {
        try write { db in
            let n = try LiveGrants.rebuild(db)
            try StoreGuards.install(db)
            return n
        }
    }
}
