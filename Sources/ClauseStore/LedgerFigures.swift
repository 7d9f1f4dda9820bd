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
package final class LedgerFigures {
    private let store: RecordStore
    /// Per policy id: whether its figures can be counted by index (asked once per process).
    private var indexed: [String: Bool] = [:]

    package init(store: RecordStore) {
        self.store = store
    }

    /// The figures of case `c`, or nil when the policy's grants cannot all be counted by index.
    package func use(for c: CaseFile, policy: Policy) throws -> LedgerUse? {
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
        var years: [(path: String, year: Int)] = []
        var known = true, about = true
        for match in measure.matches {
            let own = FactPath.value(match.path, in: c, policy: policy)
            switch match.wanted {
            case .same:
                guard let own, own != .none, let text = DecisionKeys.caseText(own, policy: policy) else { known = false; continue }
                keys.append((match.path, text))
            case .sameYear:
                guard case .date(let d)? = own else { known = false; continue }
                years.append((match.path, Int(d.components.year)))
            case .value(let v):
                if own != v { about = false }
                guard let text = DecisionKeys.caseText(v, policy: policy) else { known = false; continue }
                literal.append((match.path, text))
            }
        }
        var empty = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                     value: measure.type == .money ? .money(.zero) : .int(0), counted: [], grants: 0)
        if case .expression(let e, let slots) = measure.limit { empty.limit = LedgerBook.limit(e, slots: slots, for: c, policy) }
        // A case that does not say who it is (no credit code, no platform) shares nothing.
        guard known else { return empty }
        var tables: [String] = [], conditions: [String] = [], arguments: [DatabaseValue] = []
        // The keys, then the years (a date of the case's year: ISO dates sort as text), then the literals.
        var k = 0
        for key in keys {
            tables.append("live_keys k\(k)")
            conditions.append("k\(k).path = ? AND k\(k).value = ?" + (k == 0 ? "" : " AND k\(k).decision_id = k0.decision_id"))
            arguments += [key.path.databaseValue, key.text.databaseValue]
            k += 1
        }
        for y in years {
            tables.append("live_keys k\(k)")
            conditions.append("k\(k).path = ? AND k\(k).value >= ? AND k\(k).value < ?" + (k == 0 ? "" : " AND k\(k).decision_id = k0.decision_id"))
            arguments += [y.path.databaseValue, String(format: "%04d-", y.year).databaseValue, String(format: "%04d-", y.year + 1).databaseValue]
            k += 1
        }
        for key in literal {
            tables.append("live_keys k\(k)")
            conditions.append("k\(k).path = ? AND k\(k).value = ?" + (k == 0 ? "" : " AND k\(k).decision_id = k0.decision_id"))
            arguments += [key.path.databaseValue, key.text.databaseValue]
            k += 1
        }
        tables.append("live_grants d")
        if k > 0 { conditions.append("d.decision_id = k0.decision_id") }
        conditions.append("d.policy_id = ? AND d.case_id <> ?")
        arguments += [policy.id.databaseValue, c.id.databaseValue]
        var distinct = ""
        if case .countDistinct(let path) = measure.aggregate {
            distinct = " JOIN live_keys kd ON kd.decision_id = d.decision_id AND kd.path = ?"
            arguments.insert(path.databaseValue, at: 0)  // its placeholder comes before the WHERE clause's
        }
        // A figure of one award part adds what each grant paid under it (nothing when it paid none).
        var partPath: String?
        if case .sumPart(let part) = measure.aggregate {
            partPath = LedgerMeasure.partPath(part)
            distinct = " LEFT JOIN live_keys kp ON kp.decision_id = d.decision_id AND kp.path = ?"
            arguments.insert(LedgerMeasure.partPath(part).databaseValue, at: 0)
        }
        // CROSS JOIN keeps this order: SQLite does not reorder it.
        let from = "FROM \(tables.joined(separator: " CROSS JOIN "))\(distinct) WHERE \(conditions.joined(separator: " AND "))"
        let args = StatementArguments(arguments)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) AS grants, sum(d.amount_fen) AS fen, min(d.amount_fen) AS least, max(d.amount_fen) AS most,
            \(distinct.contains(" kd ") ? "count(DISTINCT kd.value)" : "0") AS values_ \(from)
            """), arguments: args) else { return empty }
        let grants: Int = try row.decode(forColumn: "grants")
        guard grants > 0 else { return empty }
        let least: Int64 = try row.decode(forColumn: "least"), most: Int64 = try row.decode(forColumn: "most")
        guard least >= 0, most <= Money.recordLimit.fen else {
            throw StoreBug.damaged("a grant counted by ledger figure '\(measure.name)' holds an amount no decision grants; run 'clause verify' to see which records were altered")
        }
        var parts: [Int64: Money] = [:]
        if partPath != nil {
            for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT d.decision_id AS id, kp.value AS part \(from)"), arguments: StatementArguments(arguments)) {
                let text: String? = try r.decode(forColumn: "part")
                guard let text else { continue }
                guard case .success(let m) = ScalarValue.money(text), m.fen >= 0, m <= Money.recordLimit else {
                    throw StoreBug.damaged("a grant counted by ledger figure '\(measure.name)' holds the part amount '\(text)', which no decision grants")
                }
                parts[try r.decode(forColumn: "id")] = m
            }
        }
        let value: Value
        switch measure.aggregate {
        case .sumAmount: value = .money(Money(fen: try row.decode(forColumn: "fen")))
        case .sumPart:
            var total: Int64 = 0
            for m in parts.values {
                let (sum, overflow) = total.addingReportingOverflow(m.fen)
                if overflow { throw StoreBug.damaged("the grants counted by ledger figure '\(measure.name)' add up past what an amount can hold") }
                total = sum
            }
            value = .money(Money(fen: total))
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
                var facts: [String: Value] = [:]
                if let partPath { facts[partPath] = .money(parts[id] ?? .zero) }
                entries.append(LedgerEntry(caseID: try r.decode(forColumn: "case_id"), decisionID: id, asOf: asOf,
                                           amount: Money(fen: try r.decode(forColumn: "amount_fen")), facts: facts))
            }
            counted = entries.sorted { ($0.decisionID ?? 0) < ($1.decisionID ?? 0) }
        }
        var figure = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                      value: value, counted: counted, grants: about ? grants : 0)
        if case .expression(let e, let slots) = measure.limit { figure.limit = LedgerBook.limit(e, slots: slots, for: c, policy) }
        return figure
    }
}
