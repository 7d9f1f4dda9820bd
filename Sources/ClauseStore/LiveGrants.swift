import ClauseEngine
import ClauseLanguage
import GRDB

/// The grants that count now, kept as decisions are recorded and revoked: each case's latest
/// decision when it is a grant and not revoked, with the keys the figures match on. Figures are
/// counted from here by index (`LedgerFigures`), so no figure reads the whole record, and a
/// programme-wide figure reads only the grants that still count.
///
/// Derived from the chained rows: `verify` recomputes it and names any difference, so an edit
/// here (a grant deleted to free room) is found like an edit of a decision.
enum LiveGrants {
    /// Decision `id` of case `caseID` is now the case's latest: its earlier grant stops counting,
    /// and a grant counts with its keys (those the case gives).
    ///
    /// - Parameter first: whether no decision is recorded under the case id yet (no application,
    ///   and none in the decisions either). It then has no grant that counts, since a grant counts
    ///   only from a recorded decision: the two deletes, a third of this function's cost, are
    ///   skipped for it.
    static func record(_ d: Decision, id: Int64, keys: [(path: String, value: String?)], first: Bool, _ db: Database) throws {
        if !first {
            try db.cachedStatement(sql: "DELETE FROM live_keys WHERE decision_id IN (SELECT decision_id FROM live_grants WHERE case_id = ?)")
                .run(d.caseID.databaseValue)
            try db.cachedStatement(sql: "DELETE FROM live_grants WHERE case_id = ?").run(d.caseID.databaseValue)
        }
        guard d.outcome == .granted else { return }
        try db.cachedStatement(sql: "INSERT INTO live_grants (decision_id, policy_id, case_id, as_of, amount_fen) VALUES (?, ?, ?, ?, ?)")
            .run(id.databaseValue, d.policyID.databaseValue, d.caseID.databaseValue, d.asOf.iso.databaseValue, d.amount.fen.databaseValue)
        let insert = try db.cachedStatement(sql: "INSERT INTO live_keys (decision_id, path, value) VALUES (?, ?, ?)")
        for k in keys { if let v = k.value { try insert.run(id.databaseValue, k.path.databaseValue, v.databaseValue) } }
    }

    /// Decision `id` was revoked: it counts for nothing.
    static func revoke(_ id: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM live_keys WHERE decision_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM live_grants WHERE decision_id = ?", arguments: [id])
    }

    /// The grants the record says count: each case's latest decision, granted, not revoked,
    /// recorded with its keys (one recorded before keys were kept is counted from its case text).
    private static let counting = """
        SELECT d.id, d.policy_id, d.case_id, d.as_of, d.amount_fen FROM decisions d
        WHERE d.outcome = 'granted' AND d.id = (SELECT max(x.id) FROM decisions x WHERE x.case_id = d.case_id)
        AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id)
        AND EXISTS (SELECT 1 FROM decision_keys k WHERE k.decision_id = d.id)
        """

    /// Makes the table again from the record, for `clause verify --repair` once the chained rows
    /// are found unaltered: it is derived from them, so nothing recorded is lost. The guards that
    /// keep the table in step with the record refuse this, so they are dropped for it here and
    /// put back by the caller. Returns how many grants count.
    static func rebuild(_ db: Database) throws -> Int {
        for g in StoreGuards.all where g.table == "live_grants" || g.table == "live_keys" {
            try db.execute(sql: "DROP TRIGGER IF EXISTS \(g.name)")
        }
        try db.execute(sql: "DELETE FROM live_keys")
        try db.execute(sql: "DELETE FROM live_grants")
        try db.execute(sql: "INSERT INTO live_grants (decision_id, policy_id, case_id, as_of, amount_fen) \(counting)")
        try db.execute(sql: """
            INSERT INTO live_keys (decision_id, path, value)
            SELECT k.decision_id, k.path, k.value FROM decision_keys k JOIN live_grants g ON g.decision_id = k.decision_id
            WHERE k.value IS NOT NULL
            """)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM live_grants") ?? 0
    }

    /// Where the table differs from what the record says counts (decisions recorded with keys).
    static func findings(_ db: Database) throws -> [ChainFinding] {
        var expected: [Int64: (policy: String, caseID: String, asOf: String, fen: Int64)] = [:]
        for row in try Row.fetchAll(db, sql: counting) {
            expected[try row.decode(forColumn: "id")] = (try row.decode(forColumn: "policy_id"), try row.decode(forColumn: "case_id"),
                                                          try row.decode(forColumn: "as_of"), try row.decode(forColumn: "amount_fen"))
        }
        var findings: [ChainFinding] = []
        func finding(_ id: Int64, _ caseID: String?, _ detail: String) {
            findings.append(ChainFinding(problem: .edited, kind: "live", rowID: id, caseID: caseID, detail: detail))
        }
        var seen = Set<Int64>()
        for row in try Row.fetchAll(db, sql: "SELECT decision_id, policy_id, case_id, as_of, amount_fen FROM live_grants ORDER BY decision_id") {
            let id: Int64 = try row.decode(forColumn: "decision_id")
            let caseID: String = try row.decode(forColumn: "case_id")
            seen.insert(id)
            guard let e = expected[id] else { finding(id, caseID, "it counts a decision that does not count"); continue }
            let got = (try row.decode(String.self, forColumn: "policy_id"), caseID, try row.decode(String.self, forColumn: "as_of"),
                       try row.decode(Int64.self, forColumn: "amount_fen"))
            if got != e { finding(id, caseID, "it holds other values than the decision") }
            let keys = try Row.fetchAll(db, sql: "SELECT path, value FROM live_keys WHERE decision_id = ? ORDER BY path", arguments: [id])
                .map { "\(try $0.decode(String.self, forColumn: "path"))=\(try $0.decode(String.self, forColumn: "value"))" }
            let recorded = try Row.fetchAll(db, sql: "SELECT path, value FROM decision_keys WHERE decision_id = ? AND value IS NOT NULL ORDER BY path",
                                            arguments: [id])
                .map { "\(try $0.decode(String.self, forColumn: "path"))=\(try $0.decode(String.self, forColumn: "value"))" }
            if keys != recorded { finding(id, caseID, "its keys are not the decision's") }
        }
        for (id, e) in expected.sorted(by: { $0.key < $1.key }) where !seen.contains(id) {
            finding(id, e.caseID, "a grant that counts is missing from it")
        }
        let orphans = try Int.fetchOne(db, sql: "SELECT count(*) FROM live_keys WHERE decision_id NOT IN (SELECT decision_id FROM live_grants)") ?? 0
        if orphans > 0 { finding(0, nil, "\(orphans) key\(orphans == 1 ? "" : "s") belong to no grant that counts") }
        return findings
    }
}
