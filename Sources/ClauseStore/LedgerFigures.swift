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
    /// Per policy digest, each figure's SQL: its shape depends only on the measure, so it is
    /// written once rather than for every case (a tenth of recording's figure time).
    private var statements: [String: [FigureSQL]] = [:]

    /// The SQL of one figure: the aggregate, the two listings (latest, largest) and the part amounts.
    struct FigureSQL {
        var aggregate: String
        var latest: String
        var latestHalf: String
        var largest: String
        var parts: String
        var distinct: Bool
    }

    /// Whether figures are kept between cases (`FigureCache`): only while this process holds the
    /// store's only writer (a recording batch), between `batchBegan` and the batch's end.
    package var caches = false
    private var cache = FigureCache()
    /// The figure keys of the case last asked for (`use`), by case id and policy digest: a grant
    /// recorded next is that case's, and its keys are not worked out twice.
    private var lastKeys: (caseID: String, policy: String, keys: [FigureKey])?

    package init(store: RecordStore) {
        self.store = store
    }

    /// A recording batch was opened: what was kept from before may have changed (another
    /// recorder, a revocation), so nothing is.
    package func batchBegan() {
        cache = FigureCache()
    }

    /// The figure keys of case `c`, one per measure of its policy: worked out from the case alone,
    /// so the reading thread works them out while the case before is decided.
    package static func keys(_ c: CaseFile, _ policy: Policy) -> [FigureKey] {
        policy.ledger.map { key($0, c, policy) }
    }

    /// The figures of case `c`, or nil when the policy's grants cannot all be counted by index.
    ///
    /// - Parameter known: `keys(c, policy)`, when worked out already for the case as it is now.
    package func use(for c: CaseFile, policy: Policy, keys known: [FigureKey]? = nil) throws -> LedgerUse? {
        guard try isIndexed(policy) else { return nil }
        return try store.read { db in
            // A case with a grant that counts is being decided again: its figures leave its own
            // grant out, so they are not anyone else's, and recording it replaces that grant in
            // figures kept for others (of any policy: the grant it replaces is the case's, whatever
            // its policy). Rare (a correction): nothing kept is used or kept then.
            var keeps = caches
            if keeps, try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM live_grants WHERE case_id = ?)")
                .first(c.id.databaseValue, read: { try $0.required(0, as: Bool.self) }) == true {
                cache = FigureCache()
                keeps = false
            }
            var figures: [LedgerUse.Figure] = []
            let sql = sqlOf(policy)
            let ledger = policy.ledger
            figures.reserveCapacity(ledger.count)
            let keys = known.flatMap { $0.count == ledger.count ? $0 : nil } ?? Self.keys(c, policy)
            lastKeys = (c.id, policy.digest, keys)
            // The package's kept figures, taken out once for all its measures and put back after.
            var kept = keeps ? cache.take(policy) : [:]
            defer { if keeps { cache.put(kept, policy) } }
            for i in ledger.indices {
                let key = keys[i]
                guard keeps, let known = key.cacheKey(i) else {
                    figures.append(try figure(ledger[i], key, sql[i], c, policy, db))
                    continue
                }
                var figure: LedgerUse.Figure
                if let found = kept[known]?[key.about] {
                    figure = found
                } else {
                    figure = try self.figure(ledger[i], key, sql[i], c, policy, db)
                    kept[known, default: [:]][key.about] = figure
                }
                // The limit may depend on the case itself.
                if case .expression(let e, let slots) = ledger[i].limit { figure.limit = LedgerBook.limit(e, slots: slots, for: c, policy) }
                figures.append(figure)
            }
            return LedgerUse(consulted: true, figures: figures)
        }
    }

    /// Grant `d` of case `c`, just recorded in the open batch, counts from now on: the figures
    /// kept for its keys are counted again when next asked for.
    package func recorded(_ d: Decision, case c: CaseFile, policy: Policy) {
        guard caches, d.outcome == .granted else { return }
        let keys = lastKeys.flatMap { $0.caseID == c.id && $0.policy == policy.digest ? $0.keys : nil }
            ?? Self.keys(c, policy)
        for i in policy.ledger.indices {
            // The grant counts under a figure only where it meets the figure's literals itself.
            let key = keys[i]
            guard key.about, let known = key.cacheKey(i) else { continue }
            cache.forget(policy, known)
        }
    }

    /// What a figure of case `c` is counted over: the values its `where` matches, as the
    /// statement's arguments (before the policy and case), and whether the case meets its literals.
    package struct FigureKey: Sendable {
        /// In the order of the statement's placeholders (`sql`), policy and case left out.
        var arguments: [DatabaseValue]
        /// The same, as text, to keep the figure by (nil when the case shares nothing).
        var text: String?
        /// Whether the case meets the figure's literal conditions: then its grants are listed.
        var about: Bool

        /// The key a figure is kept under: the measure and the values.
        func cacheKey(_ measure: Int) -> String? { text.map { "\(measure)\u{1F}\($0)" } }
    }

    static func key(_ measure: LedgerMeasure, _ c: CaseFile, _ policy: Policy) -> FigureKey {
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
        // A case that does not say who it is (no credit code, no platform) shares nothing.
        guard known else { return FigureKey(arguments: [], text: nil, about: about) }
        var arguments: [String] = []
        switch measure.aggregate {
        case .countDistinct(let path): arguments.append(path)
        case .sumPart(let part): arguments.append(LedgerMeasure.partPath(part))
        default: break
        }
        for key in keys { arguments += [key.path, key.text] }
        for y in years { arguments += [y.path, yearPrefix(y.year), yearPrefix(y.year + 1)] }
        for key in literal { arguments += [key.path, key.text] }
        return FigureKey(arguments: arguments.map(\.databaseValue), text: arguments.joined(separator: "\u{1F}"), about: about)
    }

    /// The start of an ISO date in `year` (`2025-`), as `String(format: "%04d-")` writes it;
    /// padded by hand for the years a date holds, since Foundation's formatting was a fifth of
    /// working out a case's figure keys.
    static func yearPrefix(_ year: Int) -> String {
        guard (0...9999).contains(year) else { return String(format: "%04d-", year) }
        let digits = String(year)
        return String(repeating: "0", count: 4 - digits.count) + digits + "-"
    }

    /// Whether every path the policy's figures read is kept for every grant of the policy.
    func isIndexed(_ policy: Policy) throws -> Bool {
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

    /// Each figure's SQL for `policy`, written once per package.
    private func sqlOf(_ policy: Policy) -> [FigureSQL] {
        if let known = statements[policy.digest] { return known }
        let made = policy.ledger.map(Self.sql)
        statements[policy.digest] = made
        return made
    }

    /// A figure's SQL: the grants that count, of the policy, of other cases, whose keys match. The
    /// `same` keys are joined first, then the years (a date of the case's year: ISO dates sort as
    /// text), then the literals; CROSS JOIN keeps that order (SQLite does not reorder it).
    static func sql(_ measure: LedgerMeasure) -> FigureSQL {
        var tables: [String] = [], conditions: [String] = []
        var k = 0
        func join(_ condition: String) {
            tables.append("live_keys k\(k)")
            conditions.append(condition + (k == 0 ? "" : " AND k\(k).decision_id = k0.decision_id"))
            k += 1
        }
        let matches = measure.matches
        for m in matches { if case .same = m.wanted { join("k\(k).path = ? AND k\(k).value = ?") } }
        for m in matches { if case .sameYear = m.wanted { join("k\(k).path = ? AND k\(k).value >= ? AND k\(k).value < ?") } }
        for m in matches { if case .value = m.wanted { join("k\(k).path = ? AND k\(k).value = ?") } }
        tables.append("live_grants d")
        if k > 0 { conditions.append("d.decision_id = k0.decision_id") }
        conditions.append("d.policy_id = ? AND d.case_id <> ?")
        var extra = "", distinct = false
        switch measure.aggregate {
        case .countDistinct:
            // Its placeholder comes before the WHERE clause's.
            extra = " JOIN live_keys kd ON kd.decision_id = d.decision_id AND kd.path = ?"
            distinct = true
        case .sumPart:
            // A figure of one award part adds what each grant paid under it (nothing when it paid none).
            extra = " LEFT JOIN live_keys kp ON kp.decision_id = d.decision_id AND kp.path = ?"
        default: break
        }
        let from = "FROM \(tables.joined(separator: " CROSS JOIN "))\(extra) WHERE \(conditions.joined(separator: " AND "))"
        let columns = "SELECT d.decision_id AS id, d.case_id, d.as_of, d.amount_fen"
        return FigureSQL(
            aggregate: """
                SELECT count(*) AS grants, sum(d.amount_fen) AS fen, min(d.amount_fen) AS least, max(d.amount_fen) AS most,
                \(distinct ? "count(DISTINCT kd.value)" : "0") AS values_ \(from)
                """,
            latest: "\(columns) \(from) ORDER BY d.decision_id DESC LIMIT \(LedgerBook.listed)",
            latestHalf: "\(columns) \(from) ORDER BY d.decision_id DESC LIMIT \(LedgerBook.listed / 2)",
            largest: "\(columns) \(from) ORDER BY d.amount_fen DESC, d.decision_id LIMIT \(LedgerBook.listed)",
            parts: "SELECT d.decision_id AS id, kp.value AS part \(from)",
            distinct: distinct)
    }

    /// One figure: the grants that count of other cases whose keys match the case's on every
    /// `same` fact and equal every literal, named (at most `LedgerBook.listed`) when the case meets
    /// the literals too. The `same` keys are joined first: they pick a handful of grants by index
    /// (an enterprise, a platform), where a literal (the item) would pick thousands.
    private func figure(_ measure: LedgerMeasure, _ key: FigureKey, _ sql: FigureSQL, _ c: CaseFile, _ policy: Policy,
                        _ db: Database) throws -> LedgerUse.Figure {
        let about = key.about
        var empty = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                     value: measure.type == .money ? .money(.zero) : .int(0), counted: [], grants: 0)
        if case .expression(let e, let slots) = measure.limit { empty.limit = LedgerBook.limit(e, slots: slots, for: c, policy) }
        // A case that does not say who it is (no credit code, no platform) shares nothing.
        guard key.text != nil else { return empty }
        // The arguments in the order of the statement's placeholders (`sqlOf`).
        let arguments = key.arguments + [policy.id.databaseValue, c.id.databaseValue]
        var partPath: String?
        if case .sumPart(let part) = measure.aggregate { partPath = LedgerMeasure.partPath(part) }
        // Read straight from SQLite: this query runs for every figure of every case recorded.
        guard let row = try db.cachedStatement(sql: sql.aggregate).first(values: arguments, read: { r in
            (grants: try r.required(0, as: Int.self), fen: try r.optional(1, as: Int64.self), least: try r.optional(2, as: Int64.self),
             most: try r.optional(3, as: Int64.self), values: try r.required(4, as: Int64.self))
        }) else { return empty }
        let grants = row.grants
        guard grants > 0 else { return empty }
        let args = StatementArguments(arguments)
        guard let least = row.least, let most = row.most, let fen = row.fen, least >= 0, most <= Money.recordLimit.fen else {
            throw StoreBug.damaged("a grant counted by ledger figure '\(measure.name)' holds an amount no decision grants; run 'clause verify' to see which records were altered")
        }
        var parts: [Int64: Money] = [:]
        if partPath != nil {
            for r in try Row.fetchAll(db.cachedStatement(sql: sql.parts), arguments: args) {
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
        case .sumAmount: value = .money(Money(fen: fen))
        case .sumPart:
            var total: Int64 = 0
            for m in parts.values {
                let (sum, overflow) = total.addingReportingOverflow(m.fen)
                if overflow { throw StoreBug.damaged("the grants counted by ledger figure '\(measure.name)' add up past what an amount can hold") }
                total = sum
            }
            value = .money(Money(fen: total))
        case .count: value = .int(Int64(grants))
        case .countDistinct: value = .int(row.values)
        }
        var counted: [LedgerEntry] = []
        if about {
            var rows = try Row.fetchAll(db.cachedStatement(sql: grants > LedgerBook.listed ? sql.latestHalf : sql.latest), arguments: args)
            if grants > LedgerBook.listed {
                let latest = Set(try rows.map { try $0.decode(Int64.self, forColumn: "id") })
                for r in try Row.fetchAll(db.cachedStatement(sql: sql.largest), arguments: args) where !latest.contains(try r.decode(forColumn: "id")) && rows.count < LedgerBook.listed {
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

/// Figures counted in the open recording batch, by policy and key, kept until a grant under
/// their key is recorded: a programme-wide figure (every activities grant) was counted again by
/// a query over all its grants for every case, a cost that grew with the record, while it
/// changes only when a grant of its item is recorded. Exact because this process is the store's
/// only writer while its batch is open: every grant that changes a figure is recorded through
/// `LedgerFigures.recorded`, and a case decided again (whose own grant a figure leaves out) is
/// counted afresh.
struct FigureCache {
    /// Policy id → package digest → key → the figure with its grants listed (for a case that
    /// meets the figure's literals) or not (its case-dependent limit left to the case).
    private var figures: [String: [String: [String: [Bool: LedgerUse.Figure]]]] = [:]

    /// The figures kept for `policy`'s package, by key and whether listed, taken out to be read
    /// and added to without looking the package up for each measure; `put` puts them back.
    mutating func take(_ policy: Policy) -> [String: [Bool: LedgerUse.Figure]] {
        figures[policy.id]?.removeValue(forKey: policy.digest) ?? [:]
    }

    mutating func put(_ kept: [String: [Bool: LedgerUse.Figure]], _ policy: Policy) {
        figures[policy.id, default: [:]][policy.digest] = kept
    }

    /// Forgets the figures of `key` for `policy`'s package, listed or not, and every figure of
    /// another package of the same policy id (whose keys this package's measures cannot name).
    mutating func forget(_ policy: Policy, _ key: String) {
        guard var byDigest = figures.removeValue(forKey: policy.id), var mine = byDigest.removeValue(forKey: policy.digest) else { return }
        mine[key] = nil
        byDigest = [policy.digest: mine]
        figures[policy.id] = byDigest
    }
}
