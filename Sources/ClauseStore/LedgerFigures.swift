import ClauseEngine
import ClauseLanguage
import GRDB

/// A case's ledger figures counted by index from the keys stored with each decision: one query
/// per figure, whatever the size of the record, so deciding one case beside a store of 100,000
/// decisions reads only the grants that share its keys. The same figures as `LedgerBook`: the
/// latest decision of each other case, granted and not revoked, whose keys match.
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

    /// One figure: the grants of other cases whose keys match the case's on every `same` fact and
    /// equal every literal, named (at most `LedgerBook.listed`) when the case meets the literals too.
    private func figure(_ measure: LedgerMeasure, _ c: CaseFile, _ policy: Policy, _ db: Database) throws -> LedgerUse.Figure {
        var joins = "", arguments: [DatabaseValueConvertible?] = []
        var known = true, about = true
        for (k, match) in measure.matches.enumerated() {
            let own = FactPath.value(match.path, in: c, policy: policy)
            let wanted: Value?
            switch match.wanted {
            case .same: wanted = own == Value.none ? nil : own
            case .value(let v):
                wanted = v
                if own != v { about = false }
            }
            guard let wanted, let text = DecisionKeys.caseText(wanted, policy: policy) else {
                known = false
                break
            }
            joins += " JOIN decision_keys k\(k) ON k\(k).decision_id = d.id AND k\(k).path = ? AND k\(k).value = ?"
            arguments += [match.path, text]
        }
        let empty = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                     value: measure.type == .money ? .money(.zero) : .int(0), counted: [], grants: 0)
        // A case that does not say who it is (no credit code, no platform) shares nothing.
        guard known else { return empty }
        var distinct = ""
        if case .countDistinct(let path) = measure.aggregate {
            distinct = " JOIN decision_keys kd ON kd.decision_id = d.id AND kd.path = ? AND kd.value IS NOT NULL"
            arguments.append(path)
        }
        let from = """
            FROM decisions d\(joins)\(distinct)
            WHERE d.policy_id = ? AND d.outcome = 'granted' AND d.case_id <> ?
            AND d.id = (SELECT max(x.id) FROM decisions x WHERE x.case_id = d.case_id)
            AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id)
            """
        arguments += [policy.id, c.id]
        let args = StatementArguments(arguments.map { $0?.databaseValue ?? .null })
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
            let half = LedgerBook.listed / 2
            var rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT d.id, d.case_id, d.as_of, d.amount_fen \(from) ORDER BY d.id DESC LIMIT \(grants > LedgerBook.listed ? half : LedgerBook.listed)"),
                                        arguments: args)
            if grants > LedgerBook.listed {
                let latest = Set(try rows.map { try $0.decode(Int64.self, forColumn: "id") })
                for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT d.id, d.case_id, d.as_of, d.amount_fen \(from) ORDER BY d.amount_fen DESC, d.id LIMIT \(LedgerBook.listed)"),
                                          arguments: args) where !latest.contains(try r.decode(forColumn: "id")) && rows.count < LedgerBook.listed {
                    rows.append(r)
                }
            }
            for r in rows.sorted(by: { (($0["id"] as Int64?) ?? 0) < (($1["id"] as Int64?) ?? 0) }) {
                let on: String = try r.decode(forColumn: "as_of")
                guard let asOf = CivilDate(iso: Substring(on)) else {
                    throw StoreBug.damaged("decision #\(try r.decode(Int64.self, forColumn: "id")) has the evaluation date '\(on)', which is not a date")
                }
                counted.append(LedgerEntry(caseID: try r.decode(forColumn: "case_id"), decisionID: try r.decode(forColumn: "id"), asOf: asOf,
                                           amount: Money(fen: try r.decode(forColumn: "amount_fen")), facts: [:]))
            }
        }
        return LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                value: value, counted: counted, grants: about ? grants : 0)
    }
}
