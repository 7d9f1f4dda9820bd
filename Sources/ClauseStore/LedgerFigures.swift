import ClauseEngine
import ClauseLanguage
import GRDB

/// A case's ledger figures counted by index from the grants that count now (`LiveGrants`): one
/// query per figure, whatever the size of the record, so deciding one case beside a store of
/// 100,000 decisions reads only the grants that share its keys. The same figures as `LedgerBook`:
/// the latest decision of each other case, granted and not revoked, whose keys match.
///
/// Used only where every grant a figure could count has its keys (`key_paths`); a store with
/// grants recorded before keys were kept is counted by the book instead.
final class LedgerFigures {
    private let store: RecordStore
    /// Per policy id: whether its figures can be counted by index (asked once per process).
    private var indexed: [String: Bool] = [:]

    init(store: RecordStore) {
        self.store = store
    }

    /// The figures of case `c`, or nil when the policy's grants cannot all be counted by index.
    func use(for c: CaseFile, policy: Policy) throws -> LedgerUse? {
        guard try isIndexed(policy) else { return nil }
        return try store.read { db in
            var figures: [LedgerUse.Figure] = []
            for measure in policy.ledger {
                figures.append(try figure(measure, c, policy, db))
            }
            return LedgerUse(consulted: true, figures: figures)
        }
    }

    /// Whether every path the policy's figures read is kept for every grant of the policy.
    private func isIndexed(_ policy: Policy) throws -> Bool {
        if let known = indexed[policy.id] { return known }
        let paths = Set(policy.ledger.flatMap(\.paths))
        let answer = try store.read { db -> Bool in
            let since = try Row.fetchAll(db, sql: "SELECT path, since FROM key_paths WHERE policy_id = ?", arguments: [policy.id])
            var from: [String: Int64] = [:]
            for row in since { from[try row.decode(forColumn: "path")] = try row.decode(forColumn: "since") }
            guard paths.allSatisfy({ from[$0] != nil }) else {
                // No key kept for some path yet: indexed only while nothing is granted under the policy.
                return try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM decisions WHERE policy_id = ? AND outcome = 'granted')",
                                           arguments: [policy.id]) ?? true)
            }
            let first = paths.compactMap { from[$0] }.max() ?? 0
            // Grants recorded before the keys were kept (a range of record numbers, read by rowid).
            return try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM decisions WHERE id < ? AND policy_id = ? AND outcome = 'granted')",
                                       arguments: [first, policy.id]) ?? true)
        }
        indexed[policy.id] = answer
        return answer
    }

    /// One figure: the grants that count of other cases whose keys match the case's on every
    /// `same` fact and equal every literal, named (at most `LedgerBook.listed`) when the case meets
    /// the literals too. The `same` keys are joined first: they pick a handful of grants by index
    /// (an enterprise, a platform), where a literal (the item) would pick thousands.
    private func figure(_ measure: LedgerMeasure, _ c: CaseFile, _ policy: Policy, _ db: Database) throws -> LedgerUse.Figure {
        var keys: [(path: String, text: String)] = []
        var literal: [(path: String, text: String)] = []
        var known = true, about = true
        for match in measure.matches {
            let own = FactPath.value(match.path, in: c, policy: policy)
            switch match.wanted {
            case .same:
                guard let own, own != .none, let text = DecisionKeys.caseText(own, policy: policy) else { known = false; continue }
                keys.append((match.path, text))
            case .value(let v):
                if own != v { about = false }
                guard let text = DecisionKeys.caseText(v, policy: policy) else { known = false; continue }
                literal.append((match.path, text))
            }
        }
        let empty = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                     value: measure.type == .money ? .money(.zero) : .int(0), counted: [], grants: 0)
        // A case that does not say who it is (no credit code, no platform) shares nothing.
        guard known else { return empty }
        var tables: [String] = [], conditions: [String] = [], arguments: [DatabaseValue] = []
        for (k, key) in (keys + literal).enumerated() {
            tables.append("live_keys k\(k)")
            conditions.append("k\(k).path = ? AND k\(k).value = ?" + (k == 0 ? "" : " AND k\(k).decision_id = k0.decision_id"))
            arguments += [key.path.databaseValue, key.text.databaseValue]
        }
        tables.append("live_grants d")
        if !keys.isEmpty || !literal.isEmpty { conditions.append("d.decision_id = k0.decision_id") }
        conditions.append("d.policy_id = ? AND d.case_id <> ?")
        arguments += [policy.id.databaseValue, c.id.databaseValue]
        var distinct = ""
        if case .countDistinct(let path) = measure.aggregate {
            distinct = " JOIN live_keys kd ON kd.decision_id = d.decision_id AND kd.path = ?"
            arguments.insert(path.databaseValue, at: 0)  // its placeholder comes before the WHERE clause's
        }
        // CROSS JOIN keeps this order: SQLite does not reorder it.
        let from = "FROM \(tables.joined(separator: " CROSS JOIN "))\(distinct) WHERE \(conditions.joined(separator: " AND "))"
        let args = StatementArguments(arguments)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) AS grants, sum(d.amount_fen) AS fen, min(d.amount_fen) AS least, max(d.amount_fen) AS most,
            \(distinct.isEmpty ? "0" : "count(DISTINCT kd.value)") AS values_ \(from)
            """), arguments: args) else { return empty }
        let grants: Int = try row.decode(forColumn: "grants")
        guard grants > 0 else { return empty }
        let least: Int64 = try row.decode(forColumn: "least"), most: Int64 = try row.decode(forColumn: "most")
        guard least >= 0, most <= Money.recordLimit.fen else {
            throw StoreBug.damaged("a grant counted by ledger figure '\(measure.name)' holds an amount no decision grants; run 'clause verify' to see which records were altered")
        }
        let value: Value
        switch measure.aggregate {
        case .sumAmount: value = .money(Money(fen: try row.decode(forColumn: "fen")))
        case .count: value = .int(Int64(grants))
        case .countDistinct: value = .int(try row.decode(forColumn: "values_"))
        }
        var counted: [LedgerEntry] = []
        if about {
            let columns = "SELECT d.decision_id AS id, d.case_id, d.as_of, d.amount_fen"
            let half = LedgerBook.listed / 2
            var rows = try Row.fetchAll(db.cachedStatement(sql: "\(columns) \(from) ORDER BY d.decision_id DESC LIMIT \(grants > LedgerBook.listed ? half : LedgerBook.listed)"),
                                        arguments: args)
            if grants > LedgerBook.listed {
                let latest = Set(try rows.map { try $0.decode(Int64.self, forColumn: "id") })
                for r in try Row.fetchAll(db.cachedStatement(sql: "\(columns) \(from) ORDER BY d.amount_fen DESC, d.decision_id LIMIT \(LedgerBook.listed)"),
                                          arguments: args) where !latest.contains(try r.decode(forColumn: "id")) && rows.count < LedgerBook.listed {
                    rows.append(r)
                }
            }
            var entries: [LedgerEntry] = []
            for r in rows {
                let on: String = try r.decode(forColumn: "as_of")
                let id: Int64 = try r.decode(forColumn: "id")
                guard let asOf = CivilDate(iso: Substring(on)) else {
                    throw StoreBug.damaged("decision #\(id) has the evaluation date '\(on)', which is not a date")
                }
                entries.append(LedgerEntry(caseID: try r.decode(forColumn: "case_id"), decisionID: id, asOf: asOf,
                                           amount: Money(fen: try r.decode(forColumn: "amount_fen")), facts: [:]))
            }
            counted = entries.sorted { ($0.decisionID ?? 0) < ($1.decisionID ?? 0) }
        }
        return LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                value: value, counted: counted, grants: about ? grants : 0)
    }
}
