import ClauseLanguage

/// One grant in the fund's record, as the ledger counts it: which case, when, how much, and the
/// values of the facts the package's measures match on.
package struct LedgerEntry: Sendable, Hashable {
    package var caseID: String
    /// The record number in the store; nil for a grant stated by a scenario.
    package var decisionID: Int64?
    package var asOf: CivilDate
    package var amount: Money
    /// The values of every fact path the measures read, by path (absent when unknown).
    package var facts: [String: Value]
    /// Revoked since it was counted (set by the store when a recorded decision is shown or
    /// decided again): it no longer counts, and the justification says so beside it.
    package var revoked = false

    package init(caseID: String, decisionID: Int64?, asOf: CivilDate, amount: Money, facts: [String: Value]) {
        self.caseID = caseID
        self.decisionID = decisionID
        self.asOf = asOf
        self.amount = amount
        self.facts = facts
    }

    /// The entry for a granted decision of case `c`: the facts every measure of `policy` reads.
    /// `parts`: the amount granted under each award part, kept as `award.PART` for the
    /// figures that sum one part.
    package static func of(_ c: CaseFile, decisionID: Int64?, asOf: CivilDate, amount: Money, policy: Policy,
                           parts: [String: Money] = [:]) -> LedgerEntry {
        var facts: [String: Value] = [:]
        for path in Set(policy.ledger.flatMap(\.paths)) {
            if let v = FactPath.value(path, in: c, policy: policy) { facts[path] = v }
        }
        for (part, m) in parts { facts[LedgerMeasure.partPath(part)] = .money(m) }
        return LedgerEntry(caseID: c.id, decisionID: decisionID, asOf: asOf, amount: amount, facts: facts)
    }
}

extension LedgerEntry {
    /// For a figure of one award part: what this grant paid under it (nil for other figures),
    /// so a list of grants says what each added, not only its whole amount.
    package func partAmount(for measure: LedgerMeasure) -> Money? {
        guard case .sumPart(let part) = measure.aggregate else { return nil }
        if case .money(let m)? = facts[LedgerMeasure.partPath(part)] { return m }
        return .zero
    }
}

/// What a decision counted from the record: each measure's figure and the grants behind it.
package struct LedgerUse: Sendable, Hashable {
    package struct Figure: Sendable, Hashable {
        package var name: String
        package var label: String
        package var labelEn: String?
        package var clause: String
        package var value: Value
        /// The grants counted that the decision names, in record order: all of them, or, past
        /// `LedgerBook.listed`, the latest and the largest (a programme-wide figure may count
        /// thousands, and a justification that copies them all grows without bound).
        package var counted: [LedgerEntry]
        /// How many grants the figure counted, named or not.
        package var grants: Int
        /// The figure's limit for this case when it depends on the case (`limit: caps[batch]`);
        /// nil otherwise (the policy gives a fixed limit by date).
        package var limit: Value? = nil

        package init(name: String, label: String, labelEn: String?, clause: String, value: Value, counted: [LedgerEntry], grants: Int? = nil) {
            self.name = name
            self.label = label
            self.labelEn = labelEn
            self.clause = clause
            self.value = value
            self.counted = counted
            self.grants = grants ?? counted.count
        }

        /// Whether some counted grants are not named (`grants` says how many there were).
        package var isCut: Bool { grants > counted.count }
    }

    /// False when no record was consulted (no store): only the case's own keys counted.
    package var consulted: Bool
    package var figures: [Figure]

    package init(consulted: Bool, figures: [Figure]) {
        self.consulted = consulted
        self.figures = figures
    }

    package static let notConsulted = LedgerUse(consulted: false, figures: [])
}

/// The grants of the fund's record, latest decision per case, indexed per measure by the values
/// its `where` matches on, so a figure is a lookup, not a scan of every decision.
public struct LedgerBook: Sendable {
    private let policy: Policy
    /// The latest grant of each case (a case decided again replaces its entry; a refusal removes it).
    private var byCase: [String: LedgerEntry] = [:]
    /// Per measure: key of its matched values → case ids, in the order they were granted.
    private var index: [[String: [String]]]
    /// Per measure: key → the running figure of its grants, so a figure is a lookup even for a
    /// programme-wide one that thousands of grants share.
    private var tallies: [[String: Tally]]
    private var order: [String: Int] = [:]
    private var next = 0
    /// The figure whose sum no longer fits in 64 bits of fen, if any: only amounts altered by hand
    /// get there, and such a book must not be read (a wrapped sum would free room that is spent).
    package private(set) var overflowed: String?

    /// What a key's grants add up to, kept as grants come and go.
    private struct Tally: Sendable {
        var fen: Int64 = 0
        var grants = 0
        /// Distinct values of a `count_distinct` fact, with how many grants hold each.
        var distinct: [String: Int] = [:]

        /// Adds (`sign` 1) or takes away (-1) a grant; false when the sum would not fit.
        @discardableResult
        mutating func add(_ e: LedgerEntry, _ measure: LedgerMeasure, _ sign: Int) -> Bool {
            let amount = LedgerBook.amount(e, measure)
            let (sum, overflow) = sign > 0 ? fen.addingReportingOverflow(amount) : fen.subtractingReportingOverflow(amount)
            if overflow { return false }
            fen = sum
            grants += sign
            if case .countDistinct(let path) = measure.aggregate, let v = e.facts[path] {
                let k = FactPath.key(v)
                distinct[k, default: 0] += sign
                if distinct[k] == 0 { distinct[k] = nil }
            }
            return true
        }

        func figure(_ measure: LedgerMeasure) -> Value {
            switch measure.aggregate {
            case .sumAmount, .sumPart: .money(Money(fen: fen))
            case .count: .int(Int64(grants))
            case .countDistinct: .int(Int64(distinct.count))
            }
        }
    }

    package init(policy: Policy) {
        self.policy = policy
        index = Array(repeating: [:], count: policy.ledger.count)
        tallies = Array(repeating: [:], count: policy.ledger.count)
    }

    package var isEmpty: Bool { byCase.isEmpty }

    /// Records case `caseID`'s latest decision: its grant, or (nil) that it no longer counts.
    package mutating func record(_ caseID: String, grant: LedgerEntry?) {
        if let old = byCase.removeValue(forKey: caseID) {
            for (m, measure) in policy.ledger.enumerated() {
                guard let key = LedgerBook.key(measure, old.facts) else { continue }
                index[m][key]?.removeAll { $0 == caseID }
                if !tallies[m][key, default: Tally()].add(old, measure, -1) { overflowed = measure.name }
            }
        }
        guard let grant else { return }
        byCase[caseID] = grant
        order[caseID] = next
        next += 1
        for (m, measure) in policy.ledger.enumerated() {
            guard let key = LedgerBook.key(measure, grant.facts) else { continue }
            index[m][key, default: []].append(caseID)
            if !tallies[m][key, default: Tally()].add(grant, measure, 1) { overflowed = measure.name }
        }
    }

    /// Each measure's figure for case `c`: the grants of other cases that match it.
    ///
    /// The grants behind a figure are listed only where the figure is about the case: the case
    /// meets the figure's literal conditions too (an activities total for an activities
    /// application, not for every application), so a justification names what bears on it and
    /// a programme-wide figure does not copy thousands of grants into every decision.
    package func use(for c: CaseFile) -> LedgerUse {
        var figures: [LedgerUse.Figure] = []
        for (m, measure) in policy.ledger.enumerated() {
            var wanted: [String: Value] = [:]
            var known = true
            var about = true
            for match in measure.matches {
                let own = FactPath.value(match.path, in: c, policy: policy)
                switch match.wanted {
                case .value(let v):
                    wanted[match.path] = v
                    if own != v { about = false }
                case .same, .sameYear:
                    // Unknown or none (no credit code, no platform, no selection): nobody to be the same as.
                    if let own, own != .none { wanted[match.path] = own } else { known = false }
                }
            }
            // A case that does not say who it is (no credit code, no platform) shares nothing.
            let key = known ? LedgerBook.key(measure, wanted) : nil
            var tally = key.flatMap { tallies[m][$0] } ?? Tally()
            // The case never counts against itself (decided again, its earlier grant is its own).
            if let own = byCase[c.id], let key, LedgerBook.key(measure, own.facts) == key { tally.add(own, measure, -1) }
            let (counted, grants) = about ? named(key.flatMap { index[m][$0] } ?? [], except: c.id) : ([], 0)
            var figure = LedgerUse.Figure(name: measure.name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause,
                                          value: tally.figure(measure), counted: counted, grants: grants)
            if case .expression(let e, let slots) = measure.limit { figure.limit = LedgerBook.limit(e, slots: slots, for: c, policy) }
            figures.append(figure)
        }
        return LedgerUse(consulted: true, figures: figures)
    }

    /// A limit that depends on the case, evaluated on it as of its application date; nil when
    /// the case does not give what it needs.
    package static func limit(_ e: CheckedExpr, slots: Int, for c: CaseFile, _ policy: Policy) -> Value? {
        guard let asOf = policy.evaluationDate(of: c.facts) else { return nil }
        var ev = Evaluator(policy: policy, facts: c.facts, asOf: asOf, tracing: false)
        ev.prepareLocals(slots)
        var none: [TraceNode]? = nil
        if case .value(let v) = ev.eval(e, &none) { return v }
        return nil
    }

    /// How many grants a figure names at most: the latest half and the largest half.
    package static let listed = 20

    /// The grants of `ids` (record order) a figure names, and how many there are.
    private func named(_ ids: [String], except own: String) -> ([LedgerEntry], Int) {
        let count = ids.count - (ids.contains(own) ? 1 : 0)
        guard count > LedgerBook.listed else { return (ids.filter { $0 != own }.compactMap { byCase[$0] }, count) }
        var keep = Set<String>()
        for id in ids.reversed() where id != own {
            keep.insert(id)
            if keep.count == LedgerBook.listed / 2 { break }
        }
        // The largest of the rest, ties to the earlier grant.
        var largest: [(fen: Int64, at: Int, id: String)] = []
        for (at, id) in ids.enumerated() where id != own && !keep.contains(id) {
            guard let e = byCase[id] else { continue }
            largest.append((e.amount.fen, at, id))
        }
        largest.sort { $0.fen != $1.fen ? $0.fen > $1.fen : $0.at < $1.at }
        for l in largest.prefix(LedgerBook.listed / 2) { keep.insert(l.id) }
        return (ids.filter { keep.contains($0) }.compactMap { byCase[$0] }, count)
    }

    /// One key of a measure with its grants and figure: a line of the `clause ledger` report.
    package struct Group: Sendable {
        /// The matched facts' values, in the measure's `where` order.
        package var values: [(path: String, value: Value)]
        package var figure: Value
        package var entries: [LedgerEntry]
    }

    /// Every key of measure `m` that holds grants, in the order first granted.
    package func groups(of m: Int) -> [Group] {
        let measure = policy.ledger[m]
        return index[m].values.compactMap { ids -> Group? in
            let entries = ids.compactMap { byCase[$0] }
            guard let first = entries.first else { return nil }
            // The index holds every grant under its own values; a literal of `where` picks the keys.
            for match in measure.matches {
                if case .value(let wanted) = match.wanted, first.facts[match.path] != wanted { return nil }
            }
            let values = measure.matches.compactMap { match -> (path: String, value: Value)? in
                switch (match.wanted, first.facts[match.path]) {
                case (.same, let v?): return (match.path, v)
                case (.sameYear, .date(let d)?): return (match.path, .int(Int64(d.components.year)))
                default: return nil
                }
            }
            return Group(values: values, figure: LedgerBook.aggregate(measure, entries), entries: entries)
        }.sorted { (order[$0.entries[0].caseID] ?? 0) < (order[$1.entries[0].caseID] ?? 0) }
    }

    private static func aggregate(_ measure: LedgerMeasure, _ entries: [LedgerEntry]) -> Value {
        switch measure.aggregate {
        case .sumAmount, .sumPart:
            // The tallies have added the same amounts without overflowing, so this sum fits too.
            var total: Int64 = 0
            for e in entries { total = total.addingReportingOverflow(amount(e, measure)).partialValue }
            return .money(Money(fen: total))
        case .count: return .int(Int64(entries.count))
        case .countDistinct(let path):
            var seen = Set<String>()
            for e in entries { if let v = e.facts[path] { seen.insert(FactPath.key(v)) } }
            return .int(Int64(seen.count))
        }
    }

    /// What grant `e` adds to a money figure: its amount, or its amount under the figure's part
    /// (nothing when it was granted none of that part).
    fileprivate static func amount(_ e: LedgerEntry, _ measure: LedgerMeasure) -> Int64 {
        guard case .sumPart(let part) = measure.aggregate else { return e.amount.fen }
        if case .money(let m)? = e.facts[LedgerMeasure.partPath(part)] { return m.fen }
        return 0
    }

    /// The index key of the values a measure matches on; nil when one of them is unknown. A
    /// `same_year` match keys by the date's year, so a year's grants share one key.
    private static func key(_ measure: LedgerMeasure, _ facts: [String: Value]) -> String? {
        var parts: [String] = []
        for match in measure.matches {
            guard let v = facts[match.path], v != .none else { return nil }
            if case .sameYear = match.wanted, case .date(let d) = v { parts.append(String(d.components.year)); continue }
            parts.append(FactPath.key(v))
        }
        return parts.joined(separator: "\u{1F}")
    }
}

/// Fact values by dotted path, outside the interpreter (the ledger and the ban registry read a
/// case's facts by name).
package enum FactPath {
    /// The value of `path` in case `c` (nil when unknown or not in the schema; none is a value).
    ///
    /// The path is walked in place, a name at a time: recording asks this several times a
    /// decision (the ledger's keys, the registry's credit code, the decision's keys), and
    /// splitting the path into an array of strings and copying each record's schema cost a
    /// tenth of recording.
    package static func value(_ path: String, in c: CaseFile, policy: Policy) -> Value? {
        var slots = c.facts
        var record = 0  // the case's own schema
        var found: Value?, field = 0
        var rest = Substring(path)
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: ".")) ?? rest.endIndex
            let name = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
            if name.isEmpty { continue }
            // Another name after a value: the value must be a record, read by its own schema.
            if let v = found {
                guard case .record(let inner) = v, case .record(let r) = policy.records[record].fields[field].type.unwrapped else { return nil }
                slots = inner
                record = r
            }
            guard let i = policy.records[record].index[String(name)], i < slots.count, let v = slots[i] else { return nil }
            found = v
            field = i
        }
        return found
    }

    /// A value as an index key: equal values, equal keys (the values a ledger matches on are
    /// of one type per path, so the kinds need no tag). `String(describing:)` was a tenth of
    /// recording's time.
    static func key(_ v: Value) -> String {
        switch v {
        case .text(let t): t
        case .enumCase(_, let index): String(index)
        case .int(let n): String(n)
        case .money(let m): String(m.fen)
        case .bool(let b): b ? "1" : "0"
        case .date(let d): d.iso
        default: String(describing: v)
        }
    }

    /// Sets the computed record `ledger` of case `c` to the figures of `use`.
    package static func setLedger(_ use: LedgerUse, in c: inout CaseFile, policy: Policy) {
        guard let i = policy.caseSchema.index[LedgerMeasure.factName], i < c.facts.count,
              case .record(let r) = policy.caseSchema.fields[i].type else { return }
        var slots = [Value?](repeating: nil, count: policy.records[r].fields.count)
        for (k, f) in policy.records[r].fields.enumerated() {
            slots[k] = use.figures.first { $0.name == f.name }?.value ?? f.defaultValue
        }
        c.facts[i] = .record(slots)
    }
}

extension Decision {
    /// Marks the grants this decision counted that have been revoked since (as `why` and the
    /// workbench show a recorded decision); returns them as `case #id`, empty when none.
    @discardableResult
    package mutating func markRevoked(_ revoked: Set<Int64>) -> [String] {
        guard var use = ledger, !revoked.isEmpty else { return [] }
        var marked: [String] = []
        for i in use.figures.indices {
            for k in use.figures[i].counted.indices {
                guard let id = use.figures[i].counted[k].decisionID, revoked.contains(id) else { continue }
                use.figures[i].counted[k].revoked = true
                marked.append("\(use.figures[i].counted[k].caseID) #\(id)")
            }
        }
        if !marked.isEmpty { ledger = use }
        return marked
    }
}
