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

    private(set) var facts: [Value?]
    let asOf: CivilDate
    private let sites: RemedySites
    private var evaluator: Evaluator
    /// The evaluator's policy: the search makes candidates for every node it walks, and a copy
    /// of its own retained each of the policy's arrays and texts.
    var policy: Policy { _read { yield evaluator.policy } }
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

    init(policy: Policy, facts: [Value?], asOf: CivilDate, sites: RemedySites? = nil) {
        self.init(evaluating: Evaluator(policy: policy, facts: facts, asOf: asOf, tracing: false),
                  sites: sites ?? RemedySites(policy))
    }

    /// Candidates over the facts `evaluator` evaluates, on its date with its parameters' values;
    /// `sites` are the policy's (`RemedySites`).
    init(evaluating evaluator: consuming Evaluator, sites: RemedySites) {
        facts = evaluator.facts
        asOf = evaluator.asOf
        self.sites = sites
        self.evaluator = evaluator
    }

    /// Begins again over `facts` (the next node of a search), evaluated on the same date: nothing
    /// found or visited over the old facts is kept.
    mutating func restart(over facts: [Value?]) {
        self.facts = facts
        evaluator.restart(over: facts)
        found.removeAll(keepingCapacity: true)
        seen.removeAll(keepingCapacity: true)
        visitedDefinitions.removeAll(keepingCapacity: true)
        elements.removeAll(keepingCapacity: true)
        truncated = false
    }

    /// Candidates for everything rule `k` reads: its `for`, `let`s, condition, needs and cap.
    mutating func collect(_ k: Int) {
        // The parts of the rule read one by one: a whole `Rule` copied retains a score of texts.
        for l in policy.rules[k].lets {
            // A `let` the facts leave unknown holds no value: bound all the same, so that what reads
            // it never finds a slot unbound (or still holding another node's value).
            if case .value(let v) = value(l.expr) { evaluator.setLocal(l.slot, v) } else { evaluator.setLocal(l.slot, .none) }
        }
        visit(sites.rules[k])
        // An award of nothing that pays what was asked: ask for the cap.
        if policy.rules[k].kind == .award, let cap = policy.rules[k].cap, let a = address(policy.rules[k].main),
           case .value(.money(let m)) = value(cap), m.fen > 0 {
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
            guard case .local(let slot, _) = base.kind, let r = base.type.recordIndex,
                  field < policy.records[r].fields.count else { return nil }
            return element(slot, field)
        default:
            return nil
        }
    }

    /// Whether the element an aggregation over `slot` is at gives `field` (as its address would read it).
    private func elementGives(_ slot: Int, _ field: Int) -> Bool {
        guard elements[slot] != nil, slot < evaluator.locals.count, case .record(let fields) = evaluator.locals[slot],
              field < fields.count else { return false }
        return fields[field] != nil
    }

    /// The address of `field` of the element an aggregation over `slot` is at, if it is at one.
    private func element(_ slot: Int, _ field: Int) -> FactAddress? {
        guard let el = elements[slot] else { return nil }
        return FactAddress(steps: el.list.steps + [.element(el.index), .field(field)])
    }

    private mutating func visit(_ list: [RemedySites.Site]) {
        for site in list {
            switch site {
            case .named(let n):
                if let a = changeable(n) { whole(a) }
            case .compare(let op, let a, let b):
                side(op, a, b.expr)
                side(op, b, a.expr)
            case .inList(let a, let b):
                if let t = target(a), case .value(.list(let items)) = value(b) { for v in items { add(t, v) } }
            case .inPeriod(let a, let b):
                if let t = target(a), case .value(.period(let p)) = value(b) {
                    for d in [p.start, p.end, CivilDate(days: p.start.days - 1), CivilDate(days: p.end.days + 1)] { add(t, .date(d)) }
                }
            case .definition(let i):
                guard visitedDefinitions.insert(i).inserted else { continue }
                visit(sites.definitions[i])
            case .aggregate(let source, let slot, let body, let filter):
                // A list no remedy may change (expenses paid, fixed as a whole) has no element to
                // propose anything for; not walking it is what keeps a huge case's search short.
                guard let list = address(source), rule(list) != .fixed,
                      case .value(.list(let items)) = value(source) else { continue }
                if items.count > Self.maxElements { truncated = true }
                for (k, item) in items.prefix(Self.maxElements).enumerated() {
                    evaluator.setLocal(slot, item)
                    elements[slot] = (list, k)
                    visit(body)
                    visit(filter)
                }
                elements[slot] = nil
            }
        }
    }

    /// One side of `fact op other`: the fact on it, if the case may change it, then the other
    /// side's value (evaluated only then) and the values next to it.
    private mutating func side(_ op: BinaryOperator, _ fact: RemedySites.Side, _ other: CheckedExpr) {
        guard let target = target(fact), case .value(let v) = value(other) else { return }
        for c in Self.around(v) { add(target, c) }
        if op == .notEqual || op == .equal, case .enumeration(let t) = fact.expr.type.unwrapped {
            for k in policy.enums[t].cases.indices { add(target, .enumCase(type: t, index: k)) }
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

    /// The address of what `n` names, unless it is fixed and the case gives it: such a fact can
    /// propose nothing, and is passed over before its address is made or walked. A list
    /// element's field is asked of the element in hand.
    private func changeable(_ n: RemedySites.Named) -> FactAddress? {
        switch n {
        case .fact(let a, let fixed):
            return fixed && a.value(in: facts) != nil ? nil : a
        case .member(let slot, let field, let fixed):
            return fixed && elementGives(slot, field) ? nil : element(slot, field)
        }
    }

    /// The target a comparison's side names, if the case may change it. (Not written with
    /// `flatMap(changeable)`: a method taken as a value captures a copy of the whole walker.)
    private func target(_ side: RemedySites.Side) -> Target? {
        guard let n = side.names, let a = changeable(n) else { return nil }
        return target(a)
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
