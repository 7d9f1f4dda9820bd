import ClauseEngine
import ClauseLanguage
import GRDB

extension StoreLedger {
    /// Each key of figure `m` of `policy` that holds grants that count now, in the order first
    /// granted, with its grants, one key at a time from the table of grants that count (grouped by
    /// SQLite): `clause ledger` over 100,000 decisions holds one key's grants, never the book of
    /// them all. The same keys, figures and grants as `book(for:)`'s `groups(of:)`.
    ///
    /// - Returns: false, having called `body` for nothing, when the policy's grants cannot all be
    ///   counted by index (grants recorded before keys were kept): the caller reads the book.
    package func eachLiveGroup(of policy: Policy, measure m: Int, _ body: (LedgerKeyGroup) throws -> Void) throws -> Bool {
        guard try figures.isIndexed(policy) else { return false }
        let measure = policy.ledger[m]
        // One join of live_keys per matched fact; a literal fixes its value, the others group.
        var joins: [String] = [], arguments: [DatabaseValue] = [], grouped: [(column: String, match: LedgerMeasure.Match)] = []
        for (i, match) in measure.matches.enumerated() {
            var on = "k\(i).decision_id = g.decision_id AND k\(i).path = ?"
            arguments.append(match.path.databaseValue)
            switch match.wanted {
            case .value(let v):
                guard let text = DecisionKeys.caseText(v, policy: policy) else { return true }
                on += " AND k\(i).value = ?"
                arguments.append(text.databaseValue)
            case .same: grouped.append(("k\(i).value", match))
            case .sameYear: grouped.append(("substr(k\(i).value, 1, length(k\(i).value) - 6)", match))
            }
            joins.append("JOIN live_keys k\(i) ON \(on)")
        }
        // Where each grouped match's value stands among the grouped ones, by match.
        var position: [Int: Int] = [:]
        for (i, match) in measure.matches.enumerated() {
            switch match.wanted {
            case .same, .sameYear: position[i] = position.count
            case .value: break
            }
        }
        let from = "FROM live_grants g \(joins.joined(separator: " ")) WHERE g.policy_id = ?"
        let groupColumns = grouped.enumerated().map { "\($1.column) AS v\($0)" }
        let groupsSQL = "SELECT min(g.decision_id) AS first\(groupColumns.map { ", " + $0 }.joined()) \(from)"
            + (grouped.isEmpty ? "" : " GROUP BY \(grouped.indices.map { "v\($0)" }.joined(separator: ", "))") + " ORDER BY first"
        // The grants of one key: the grouped values fixed.
        var extra = ""
        var extraArguments: [DatabaseValue] = []
        switch measure.aggregate {
        case .sumPart(let part):
            extra = ", (SELECT value FROM live_keys x WHERE x.decision_id = g.decision_id AND x.path = ?) AS fact"
            extraArguments.append(LedgerMeasure.partPath(part).databaseValue)
        case .countDistinct(let path):
            extra = ", (SELECT value FROM live_keys x WHERE x.decision_id = g.decision_id AND x.path = ?) AS fact"
            extraArguments.append(path.databaseValue)
        default: break
        }
        // The grants of one key are found by index: its `same` values first, then its years (a
        // range of ISO dates), then the literals, then the grants themselves; CROSS JOIN keeps
        // that order (SQLite would otherwise start from every grant of the policy, once per key).
        var tables: [String] = [], conditions: [String] = []
        var fixed: [DatabaseValue] = []
        for pass in 0..<3 {
            for match in measure.matches {
                let k = "k\(tables.count)"
                switch (pass, match.wanted) {
                case (0, .same):
                    conditions.append("\(k).path = ? AND \(k).value = ?")
                case (1, .sameYear):
                    conditions.append("\(k).path = ? AND \(k).value >= ? AND \(k).value < ?")
                case (2, .value):
                    conditions.append("\(k).path = ? AND \(k).value = ?")
                default: continue
                }
                tables.append("live_keys \(k)")
                if k != "k0" { conditions[conditions.count - 1] += " AND \(k).decision_id = k0.decision_id" }
                fixed.append(match.path.databaseValue)
                if pass == 2, case .value(let v) = match.wanted { fixed.append((DecisionKeys.caseText(v, policy: policy) ?? "").databaseValue) }
            }
        }
        tables.append("live_grants g")
        if tables.count > 1 { conditions.append("g.decision_id = k0.decision_id") }
        conditions.append("g.policy_id = ?")
        let grantsSQL = "SELECT g.decision_id, g.case_id, g.as_of, g.amount_fen\(extra) FROM \(tables.joined(separator: " CROSS JOIN ")) WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY g.decision_id"
        /// The arguments of one key's grants, in the order of `grantsSQL`'s placeholders.
        func grantArguments(_ texts: [String]) -> [DatabaseValue] {
            var out = extraArguments, paths = fixed[...]
            for pass in 0..<3 {
                for (i, match) in measure.matches.enumerated() {
                    switch (pass, match.wanted) {
                    case (0, .same):
                        out += [paths.removeFirst(), texts[position[i]!].databaseValue]
                    case (1, .sameYear):
                        let year = Int(texts[position[i]!]) ?? 0
                        out += [paths.removeFirst(), String(format: "%04d-", year).databaseValue, String(format: "%04d-", year + 1).databaseValue]
                    case (2, .value):
                        out += [paths.removeFirst(), paths.removeFirst()]
                    default: continue
                    }
                }
            }
            return out + [policy.id.databaseValue]
        }
        let store = self.store
        try store.read { db in
            let groups = try Row.fetchCursor(db.cachedStatement(sql: groupsSQL), arguments: StatementArguments(arguments + [policy.id.databaseValue]))
            while let group = try groups.next()?.copy() {
                // No grant at all: a programme-wide figure's one aggregate row.
                guard (group["first"] as DatabaseValue) != .null else { continue }
                var texts: [String] = [], values: [(path: String, value: Value)] = [], readable = true
                for (i, g) in grouped.enumerated() {
                    let text: String = try group.decode(forColumn: "v\(i)")
                    texts.append(text)
                    if case .sameYear = g.match.wanted {
                        guard let year = Int64(text) else { readable = false; continue }
                        values.append((g.match.path, .int(year)))
                    } else {
                        // A key today's schema no longer reads counts under no key (as in the book).
                        guard let v = DecisionKeys.value(text, path: g.match.path, policy: policy) else { readable = false; continue }
                        values.append((g.match.path, v))
                    }
                }
                guard readable else { continue }
                var entries: [LedgerEntry] = []
                var fen: Int64 = 0
                var distinct = Set<String>()
                let rows = try Row.fetchCursor(db.cachedStatement(sql: grantsSQL), arguments: StatementArguments(grantArguments(texts)))
                while let r = try rows.next()?.copy() {
                    let id: Int64 = try r.decode(forColumn: "decision_id"), caseID: String = try r.decode(forColumn: "case_id")
                    let amount: Int64 = try r.decode(forColumn: "amount_fen"), on: String = try r.decode(forColumn: "as_of")
                    guard (0...Money.recordLimit.fen).contains(amount) else {
                        throw StoreBug.damaged("decision #\(id) of case '\(caseID)' grants \(amount) fen, which no decision grants; run 'clause verify' to see which records were altered")
                    }
                    guard let asOf = CivilDate(iso: Substring(on)) else {
                        throw StoreBug.damaged("decision #\(id) has the evaluation date '\(on)', which is not a date")
                    }
                    var facts: [String: Value] = [:]
                    var adds = amount
                    switch measure.aggregate {
                    case .sumPart(let name):
                        adds = 0
                        let path = LedgerMeasure.partPath(name)
                        let text: String? = try r.decode(forColumn: "fact")
                        if let text, case .money(let part)? = DecisionKeys.value(text, path: path, policy: policy) {
                            guard part.fen >= 0, part <= Money.recordLimit else {
                                throw StoreBug.damaged("a grant counted by ledger figure '\(measure.name)' holds the part amount '\(text)', which no decision grants")
                            }
                            facts[path] = .money(part)
                            adds = part.fen
                        }
                    case .countDistinct(let path):
                        let text: String? = try r.decode(forColumn: "fact")
                        // Stored keys are canonical: one text per value.
                        if let text, let v = DecisionKeys.value(text, path: path, policy: policy) {
                            facts[path] = v
                            distinct.insert(text)
                        }
                    default: break
                    }
                    let (sum, overflow) = fen.addingReportingOverflow(adds)
                    if overflow {
                        throw StoreBug.damaged("the grants counted by ledger figure '\(measure.name)' add up past what an amount can hold; run 'clause verify' to see which records were altered")
                    }
                    fen = sum
                    entries.append(LedgerEntry(caseID: caseID, decisionID: id, asOf: asOf, amount: Money(fen: amount), facts: facts))
                }
                guard !entries.isEmpty else { continue }
                let figure: Value
                switch measure.aggregate {
                case .sumAmount, .sumPart: figure = .money(Money(fen: fen))
                case .count: figure = .int(Int64(entries.count))
                case .countDistinct: figure = .int(Int64(distinct.count))
                }
                try body(LedgerKeyGroup(values: values, figure: figure, entries: entries))
            }
        }
        return true
    }
}

extension StoreLedger {
    /// This store's grants of `policy` as a ledger report reads them.
    package func source(for policy: Policy) -> LedgerSource {
        LedgerSource(
            revoked: { try self.revokedBook(for: policy) },
            eachLiveGroup: { m, body in try self.eachLiveGroup(of: policy, measure: m, body) },
            book: { try self.book(for: policy) })
    }
}
