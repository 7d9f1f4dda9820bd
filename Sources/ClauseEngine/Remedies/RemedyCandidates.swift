import ClauseLanguage

/// The values that could lift a rule, read from the rule's own expressions (and the definitions
/// they use): the other side of a comparison and the values next to it, the members of a list
/// or an enum, the ends of a period, both truth values, every level of a small range. Nothing
/// here knows a package: the candidates come from the compiled rules and the case's values.
///
/// A candidate is only a guess; `RemedyFinder` decides the case again with it and keeps what grants.
struct RemedyCandidates {
    /// One proposed change: a fact and a value.
    struct Candidate: Hashable {
        var address: FactAddress
        var value: Value
    }

    let policy: Policy
    let facts: [Value?]
    let asOf: CivilDate
    private var evaluator: Evaluator
    private(set) var found: [Candidate] = []
    /// The remedy rule of an address, read along the schema in place: a path is a few steps, and
    /// hashing the address to remember its rule cost more than walking them.
    private func rule(_ a: FactAddress) -> RemedyRule {
        a.remedyRule(in: policy)
    }

    /// Whether a list was longer than `maxElements` and only its first elements were looked at.
    private(set) var truncated = false
    /// The elements of one list looked at for candidates: the search is bounded by this, not by
    /// the size of the case (a hostile case of 110,000 expenses held the store for 22 s).
    static let maxElements = 200
    private var seen: Set<Candidate> = []
    private var visitedDefinitions: Set<Int> = []
    /// For an aggregation's element slot: the list fact's address and the element's index.
    private var elements: [Int: (list: FactAddress, index: Int)] = [:]

    init(policy: Policy, facts: [Value?], asOf: CivilDate) {
        self.init(facts: facts, evaluator: Evaluator(policy: policy, facts: facts, asOf: asOf, tracing: false))
    }

    /// Candidates over `facts`, evaluated as `evaluator` evaluates (its policy and date), which
    /// lends its parameters' values.
    init(facts: [Value?], evaluator base: Evaluator) {
        policy = base.policy
        self.facts = facts
        asOf = base.asOf
        evaluator = base.over(facts)
    }

    /// Candidates for everything `rule` reads: its `for`, `let`s, condition, needs and cap.
    mutating func collect(_ rule: Rule) {
        for l in rule.lets {
            if case .value(let v) = value(l.expr) { evaluator.setLocal(l.slot, v) }
        }
        // Walked in place, in this order: gathering them in an array first cost a few allocations a rule.
        if let a = rule.applies { walk(a) }
        for l in rule.lets { walk(l.expr) }
        walk(rule.main)
        for n in rule.needs { walk(n) }
        if let c = rule.cap { walk(c) }
        // An award of nothing that pays what was asked: ask for the cap.
        if rule.kind == .award, let cap = rule.cap, let a = address(rule.main), case .value(.money(let m)) = value(cap), m.fen > 0 {
            add(a, .money(m))
        }
    }

    private mutating func value(_ e: CheckedExpr) -> Evaluator.Outcome {
        var none: [TraceNode]? = nil
        return evaluator.eval(e, &none)
    }

    /// The fact an expression names directly, if it does: a fact path, or a field of a list
    /// element being aggregated.
    private func address(_ e: CheckedExpr) -> FactAddress? {
        switch e.kind {
        case .fact(let path, _):
            return FactAddress(steps: path.map { .field($0) })
        case .member(let base, let field, _):
            guard case .local(let slot, _) = base.kind, let el = elements[slot], let r = base.type.recordIndex,
                  field < policy.records[r].fields.count else { return nil }
            return FactAddress(steps: el.list.steps + [.element(el.index), .field(field)])
        default:
            return nil
        }
    }

    private mutating func walk(_ e: CheckedExpr) {
        if let a = address(e) { whole(a) }
        switch e.kind {
        case .constant, .local, .parameter, .asOf, .fact: break
        case .member(let b, _, _): walk(b)
        case .definition(let i):
            guard visitedDefinitions.insert(i).inserted else { return }
            walk(policy.definitions[i].expr)
        case .negate(let x), .not(let x), .present(let x), .periodBound(let x, _): walk(x)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .otherwise(let a, let b):
            walk(a); walk(b)
        case .compare(let op, let a, let b):
            compare(op, a, b)
            walk(a); walk(b)
        case .inList(let a, let b, _):
            if let addr = address(a), case .value(.list(let items)) = value(b), let t = target(addr) { for v in items { add(t, v) } }
            walk(a); walk(b)
        case .inPeriod(let a, let b, _):
            if let addr = address(a), case .value(.period(let p)) = value(b), let t = target(addr) {
                for d in [p.start, p.end, CivilDate(days: p.start.days - 1), CivilDate(days: p.end.days + 1)] { add(t, .date(d)) }
            }
            walk(a); walk(b)
        case .list(let items), .extremum(_, let items): items.forEach { walk($0) }
        case .conditional(let c, let a, let b): walk(c); walk(a); walk(b)
        case .lookup(let t, let k): walk(t); walk(k)
        case .aggregate(_, let body, let slot, _, let source, let filter):
            walk(source)
            // A list no remedy may change (expenses paid, fixed as a whole) has no element to
            // propose anything for; not walking it is what keeps a huge case's search short.
            guard let list = address(source), rule(list) != .fixed,
                  case .value(.list(let items)) = value(source) else { return }
            if items.count > Self.maxElements { truncated = true }
            for (k, item) in items.prefix(Self.maxElements).enumerated() {
                evaluator.setLocal(slot, item)
                elements[slot] = (list, k)
                walk(body)
                if let filter { walk(filter) }
            }
            elements[slot] = nil
        }
    }

    /// `fact op other`: the other side's value and the values next to it.
    private mutating func compare(_ op: BinaryOperator, _ a: CheckedExpr, _ b: CheckedExpr) {
        for (fact, other) in [(a, b), (b, a)] {
            guard let addr = address(fact), case .value(let v) = value(other), let target = target(addr) else { continue }
            for c in Self.around(v) { add(target, c) }
            if op == .notEqual || op == .equal, case .enumeration(let t) = fact.type.unwrapped {
                for k in policy.enums[t].cases.indices { add(target, .enumCase(type: t, index: k)) }
            }
        }
    }

    /// A value and its neighbours: a threshold is met at it, or just past it.
    static func around(_ v: Value) -> [Value] {
        switch v {
        case .int(let n): return [.int(n), .int(n &+ 1), .int(n &- 1)]
        case .money(let m): return [.money(m), .money(Money(fen: m.fen &+ 1)), .money(Money(fen: m.fen &- 1))]
        case .date(let d): return [.date(d), .date(CivilDate(days: d.days + 1)), .date(CivilDate(days: d.days - 1))]
        default: return [v]
        }
    }

    /// Values a fact can take whatever it is compared with: both truth values, every case of an
    /// enum, every level of a range of at most 10, and for a fact the case does not give, the
    /// evaluation date for a date (an acceptance given now).
    private mutating func whole(_ a: FactAddress) {
        // Asked first: most facts a refusing rule reads are fixed (who applied, what was paid).
        guard let t = target(a) else { return }
        let (r, i) = (t.record, t.field)
        switch policy.records[r].fields[i].type.unwrapped {
        case .bool: add(t, .bool(true)); add(t, .bool(false))
        case .enumeration(let e): for k in policy.enums[e].cases.indices { add(t, .enumCase(type: e, index: k)) }
        case .int:
            if let lo = policy.records[r].fields[i].minimum, let hi = policy.records[r].fields[i].maximum, hi - lo <= 10 {
                for n in lo...hi { add(t, .int(n)) }
            }
        case .date:
            if t.current == nil { add(t, .date(asOf)) }
        default: break
        }
    }

    /// A fact candidates may be proposed for, with what `add` asks of it, looked up once for all
    /// the values proposed for it (an enum's every case, a threshold and its neighbours).
    private struct Target {
        var address: FactAddress
        var rule: RemedyRule
        var current: Value?
        /// Where its declared field is (`FactAddress.last`).
        var record: Int
        var field: Int
    }

    /// nil for a fixed fact the case gives (never changed: asked first, before anything else is
    /// looked up; most facts a refusing rule reads are such) and for an address naming no field.
    private func target(_ a: FactAddress) -> Target? {
        let remedy = rule(a)
        let current = a.value(in: facts)
        if remedy == .fixed, current != nil { return nil }
        // The field read in place: copying a `Field` out retains each of its texts.
        guard let (r, i) = a.last(in: policy) else { return nil }
        return Target(address: a, rule: remedy, current: current, record: r, field: i)
    }

    /// Keeps a candidate the schema allows: not fixed, a `later` date only later than it was,
    /// within `min`/`max`, never a negative amount, and different from the case's value.
    private mutating func add(_ a: FactAddress, _ v: Value) {
        if let t = target(a) { add(t, v) }
    }

    private mutating func add(_ t: Target, _ v: Value) {
        let (r, i, current) = (t.record, t.field, t.current)
        if current == v { return }
        switch t.rule {
        // A fixed fact the case does not give may still be stated: supplying it changes nothing
        // that happened (a 补正 asks for it), so a notice never says nothing can help.
        case .fixed: if current != nil { return }
        case .later:
            if case .date(let was)? = current, case .date(let d) = v, d <= was { return }
        case .open: break
        }
        guard Self.fits(v, policy.records[r].fields[i].type) else { return }
        if case .int(let n) = v {
            if let lo = policy.records[r].fields[i].minimum, n < lo { return }
            if let hi = policy.records[r].fields[i].maximum, n > hi { return }
        }
        if case .money(let m) = v, m.fen < 0 || m > Money.maxLiteral { return }
        let c = Candidate(address: t.address, value: v)
        if seen.insert(c).inserted { found.append(c) }
    }

    /// Whether `v` is a value of the fact's type (a comparison may set a list fact's element type apart).
    static func fits(_ v: Value, _ t: ValueType) -> Bool {
        switch (v, t.unwrapped) {
        case (.none, _): return t.isOptional
        case (.bool, .bool), (.int, .int), (.money, .money), (.percent, .percent), (.date, .date), (.text, .text),
             (.period, .period), (.duration, .duration): return true
        case (.enumCase(let a, _), .enumeration(let b)): return a == b
        default: return false
        }
    }
}

extension ValueType {
    /// The record a record type (or an optional record) names.
    var recordIndex: Int? {
        if case .record(let r) = unwrapped { return r }
        return nil
    }
}
