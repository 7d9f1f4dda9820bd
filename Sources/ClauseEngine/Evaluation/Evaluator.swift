import ClauseLanguage

/// Evaluates checked expressions over one case's facts, with three-valued logic for facts the case
/// does not give: a result is a value, or the set of missing facts it depends on.
///
/// `false and missing` is false and `true or missing` is true, so a refusal that does not depend
/// on a missing fact is still made: missing is never read as false. With `tracing`, every sub-expression's
/// value is recorded for the justification; without it, nothing is allocated for traces.
package struct Evaluator {
    package enum Outcome {
        case value(Value)
        case missing(Set<String>)
        case failed(EvaluationFault)
    }

    let policy: Policy
    private(set) var facts: [Value?]
    let asOf: CivilDate
    let parameterValues: [Parameter.DatedValue]
    let tracing: Bool
    var locals: [Value] = []
    /// For a local bound to a list element of a fact: that element's path, for missing-fact names.
    var localPaths: [String?] = []
    var definitionCache: [Outcome?]
    package var definitionTraces: [Int: TraceNode] = [:]

    package init(policy: Policy, facts: [Value?], asOf: CivilDate, tracing: Bool) {
        self.policy = policy
        self.facts = facts
        self.asOf = asOf
        self.tracing = tracing
        parameterValues = policy.parameters.map { $0.value(on: asOf) }
        definitionCache = Array(repeating: nil, count: policy.definitions.count)
    }

    /// Evaluates over other facts from now on, on the same date with the same parameters, as a
    /// fresh evaluator would: the definitions worked out over the old facts are dropped. Locals
    /// are kept, as every local is bound before it is read. The remedy search walks node after
    /// node so; a fresh evaluator for each copied the whole policy.
    mutating func restart(over facts: [Value?]) {
        self.facts = facts
        for i in definitionCache.indices { definitionCache[i] = nil }
        definitionTraces.removeAll()
    }

    /// With the parameters' values on `asOf` already looked up (`CompiledPolicy.datedParameters(on:)`).
    init(policy: Policy, facts: [Value?], asOf: CivilDate, parameterValues: [Parameter.DatedValue], tracing: Bool) {
        self.policy = policy
        self.facts = facts
        self.asOf = asOf
        self.tracing = tracing
        self.parameterValues = parameterValues
        definitionCache = Array(repeating: nil, count: policy.definitions.count)
    }

    mutating func prepareLocals(_ count: Int) {
        if locals.count < count {
            locals = Array(repeating: .none, count: count)
            localPaths = Array(repeating: nil, count: count)
        }
    }

    mutating func setLocal(_ slot: Int, _ v: Value) {
        prepareLocals(slot + 1)
        locals[slot] = v
        localPaths[slot] = nil
    }

    /// Evaluates `c`, appending its trace node to `trace` when tracing.
    package mutating func eval(_ c: CheckedExpr, _ trace: inout [TraceNode]?, role: TraceNode.Role? = nil) -> Outcome {
        guard trace != nil else {
            var none: [TraceNode]? = nil
            var extra = TraceExtra()
            return compute(c, &none, &extra)
        }
        var children: [TraceNode]? = []
        // Room for both operands at once: grown one by one, a node of two took two allocations.
        if Self.hasTwoOperands(c.kind) { children!.reserveCapacity(2) }
        var extra = TraceExtra()
        let r = compute(c, &children, &extra)
        if !c.isConstant || role != nil {
            let result: TraceNode.Result
            switch r {
            case .value(let v): result = .value(v)
            case .missing(let m): result = .missing(m.sorted())
            case .failed: result = .missing([])
            }
            trace!.append(TraceNode(text: c.text, role: role, type: c.type, result: result, children: children ?? [], exact: extra.exact,
                                    elements: extra.elements, label: extra.label, origin: extra.origin, start: c.start, end: c.end,
                                    variable: extra.variable, kind: TraceKinds.kind(of: c, row: extra.row)))
        }
        return r
    }

    /// Whether an expression of this kind evaluates two operands, each traced unless constant.
    private static func hasTwoOperands(_ kind: CheckedExpr.Kind) -> Bool {
        switch kind {
        case .and, .or, .arithmetic, .compare, .inList, .inPeriod, .otherwise, .lookup: true
        default: false
        }
    }

    struct TraceExtra {
        var exact: String?
        var elements: [ElementTrace]?
        var label: String?
        var origin: String?
        var variable: String?
        /// For a table read: the row the key chose.
        var row: TraceNode.LookupRow?
    }

    private mutating func compute(_ c: CheckedExpr, _ t: inout [TraceNode]?, _ x: inout TraceExtra) -> Outcome {
        switch c.kind {
        case .constant(let v):
            return .value(v)

        case .fact(let path, let name):
            if t != nil { x.label = label(ofFactPath: path) }
            var slots = facts
            for (k, i) in path.enumerated() {
                guard i < slots.count, let v = slots[i] else { return .missing([name]) }
                if k == path.count - 1 { return .value(v) }
                guard case .record(let inner) = v else { return .missing([name]) }
                slots = inner
            }
            return .missing([name])

        case .local(let slot, _):
            return .value(locals[slot])

        case .member(let base, let field, let name):
            if t != nil, case .record(let r) = base.type.unwrapped { x.label = policy.fieldLabels.label(record: r, field: field) }
            let b = eval(base, &t)
            guard case .value(let bv) = b else { return b }
            guard case .record(let fields) = bv else { return .failed(.brokenInvariant("member of a non-record")) }
            if let v = fields[field] { return .value(v) }
            if case .local(let slot, _) = base.kind, let p = localPaths[slot] { return .missing(["\(p).\(name)"]) }
            return .missing([c.text])

        case .parameter(let i):
            if t != nil {
                x.label = policy.parameters[i].label
                x.origin = origin(ofParameter: i)
            }
            // The value alone read where it lies: the whole dated value copied retained its texts.
            return .value(parameterValues[i].value)

        case .definition(let i):
            if t != nil { x.label = policy.definitions[i].label }
            return definition(i)

        case .asOf:
            return .value(.date(asOf))

        case .negate(let e):
            return map(eval(e, &t)) { v in
                switch ValueOperations.negate(v) {
                case .value(let n), .rounded(let n): .value(n)
                case .failed(.overflow): .failed("number overflow")
                case .failed: .failed(.brokenInvariant("negate"))
                }
            }

        case .not(let e):
            return map(eval(e, &t)) { .value(ValueOperations.not($0)) }

        case .and(let a, let b):
            return ThreeValuedLogic.and(eval(a, &t)) { eval(b, &t) }

        case .or(let a, let b):
            return ThreeValuedLogic.or(eval(a, &t)) { eval(b, &t) }

        case .arithmetic(let op, let a, let b):
            let l = eval(a, &t), r = eval(b, &t)
            return combine(l, r) { lv, rv in self.arithmetic(op, lv, rv, &x) }

        case .compare(let op, let a, let b):
            let l = eval(a, &t), r = eval(b, &t)
            return combine(l, r) { lv, rv in
                ValueOperations.compare(op, lv, rv).map { .value(.bool($0)) } ?? .failed(.brokenInvariant("order"))
            }

        case .inList(let a, let b, let negated):
            let l = eval(a, &t), r = eval(b, &t)
            return combine(l, r) { lv, rv in .value(.bool(ValueOperations.contains(rv, lv, negated: negated))) }

        case .inPeriod(let a, let b, let negated):
            let l = eval(a, &t), r = eval(b, &t)
            return combine(l, r) { lv, rv in
                ValueOperations.inPeriod(lv, rv, negated: negated).map { .value(.bool($0)) } ?? .failed(.brokenInvariant("in period"))
            }

        case .list(let items):
            return ThreeValuedLogic.list(items.count) { eval(items[$0], &t) }

        case .aggregate(let agg, let body, let slot, let variable, let source, let filter):
            if t != nil { x.variable = variable }
            return aggregate(agg, body, slot, source, filter, &t, &x)

        case .present(let e):
            var ignored: [TraceNode]? = t == nil ? nil : []
            let r = eval(e, &ignored)
            if let node = ignored?.first { t?.append(node) }
            return ThreeValuedLogic.present(r)

        case .conditional(let c, let a, let b):
            return ThreeValuedLogic.conditional(eval(c, &t), then: { eval(a, &t) }, else: { eval(b, &t) })

        case .otherwise(let a, let b):
            return ThreeValuedLogic.otherwise(eval(a, &t)) { eval(b, &t) }

        case .extremum(let isMin, let items):
            return ThreeValuedLogic.extremum(items.count, isMin: isMin, empty: .failed(.brokenInvariant("empty min/max"))) { eval(items[$0], &t) }

        case .lookup(let table, let key):
            return lookup(table, key, &t, &x)

        case .periodBound(let e, let isStart):
            return map(eval(e, &t)) { v in ValueOperations.bound(v, isStart: isStart).map { .value($0) } ?? .failed(.brokenInvariant("period")) }
        }
    }

    // MARK: - Helpers

    private func map(_ r: Outcome, _ f: (Value) -> Outcome) -> Outcome { ThreeValuedLogic.map(r, f) }

    private func combine(_ l: Outcome, _ r: Outcome, _ f: (Value, Value) -> Outcome) -> Outcome { ThreeValuedLogic.combine(l, r, f) }

    /// The shared arithmetic, with its faults in words and, when money was rounded, the exact
    /// value for the trace.
    private func arithmetic(_ op: CheckedExpr.Arithmetic, _ a: Value, _ b: Value, _ x: inout TraceExtra) -> Outcome {
        switch ValueOperations.arithmetic(op, a, b, rounding: policy.rounding) {
        case .value(let v): return .value(v)
        case .rounded(let v):
            if tracing {
                switch (a, b) {
                case (.money(let m), .percent(let p)) where op == .moneyDividePercent:
                    x.exact = "≈ \(Double(m.fen) / Double(p.millionths) * 10_000 / 100)"
                case (.money(let m), .percent(let p)), (.percent(let p), .money(let m)): x.exact = Evaluator.exactProduct(m, p)
                case (.money(let m), .int(let n)): x.exact = "≈ \(Double(m.fen) / Double(n) / 100)"
                default: break
                }
            }
            return .value(v)
        case .failed(.overflow): return .failed("amount overflow in '\(op.symbol)'")
        case .failed(.divisionByZero): return .failed("division by zero")
        case .failed(.divisionByZeroRate): return .failed("division by a rate of 0%")
        case .failed(.dateOutOfRange): return .failed("date out of range")
        case .failed(.unexpected): return .failed(.brokenInvariant("arithmetic on unexpected values"))
        }
    }

    /// The row of a table parameter the key selects; the trace names the table and the row
    /// (`改造补贴上限（按等级） [3]`), or says that no row matched (the value is then none).
    private mutating func lookup(_ table: CheckedExpr, _ key: CheckedExpr, _ t: inout [TraceNode]?, _ x: inout TraceExtra) -> Outcome {
        var quiet: [TraceNode]? = nil
        let tv = eval(table, &quiet)
        guard case .value(.table(let rows)) = tv else { return .failed(.brokenInvariant("lookup in a non-table")) }
        let k = eval(key, &t)
        guard case .value(let kv) = k else { return k }
        let found = ValueOperations.lookup(rows, kv)
        if t != nil, case .parameter(let i) = table.kind {
            x.origin = origin(ofParameter: i)
            let row = Evaluator.row(found.row, rows, kv, policy)
            x.row = row
            x.label = "\(policy.parameters[i].label) [\(row.zh)]"
        }
        return .value(found.value)
    }

    /// Where parameter `i`'s value came from when an amendment set it (the date it applies from,
    /// the notice and its clause); nil for a value the package itself gives.
    private func origin(ofParameter i: Int) -> String? {
        guard let from = parameterValues[i].from, parameterValues[i].packageID != policy.packages.first?.id else { return nil }
        return "\(from.iso)|\(parameterValues[i].packageID)|\(parameterValues[i].clause)"
    }

    /// Which row a table read chose (`row` nil: the default; -1: none), its key as the trace
    /// writes it (`3`, `3..4`, an enum value's label).
    static func row(_ row: Int?, _ table: Table, _ key: Value, _ policy: Policy) -> TraceNode.LookupRow {
        guard let row else { return .byDefault }
        guard row >= 0, row < table.rows.count else { return .none }
        switch table.rows[row].key {
        case .int(let n): return .written(String(n))
        case .ints(let lo, let hi): return .written("\(lo)..\(hi)")
        case .enumCase(let i):
            if case .enumCase(let t, _) = key, t < policy.enums.count, i < policy.enums[t].cases.count { return .written(policy.enums[t].cases[i].label) }
            return .written(String(i))
        }
    }

    /// The exact yuan value of `m × p`, for showing what rounding did: `0.505`.
    static func exactProduct(_ m: Money, _ p: Percent) -> String {
        let product = Int128(m.fen) * Int128(p.millionths)  // in 1e-8 yuan
        let negative = product < 0
        let mag = negative ? -product : product
        let whole = mag / 100_000_000
        var frac = String(mag % 100_000_000)
        frac = String(repeating: "0", count: 8 - frac.count) + frac
        while frac.last == "0" { frac.removeLast() }
        return "\(negative ? "-" : "")\(whole)\(frac.isEmpty ? "" : ".\(frac)")"
    }

    private mutating func definition(_ i: Int) -> Outcome {
        if let cached = definitionCache[i] { return cached }
        let d = policy.definitions[i]
        let savedLocals = locals, savedPaths = localPaths
        locals = Array(repeating: .none, count: d.slotCount)
        localPaths = Array(repeating: nil, count: d.slotCount)
        var trace: [TraceNode]? = tracing ? [] : nil
        let r = eval(d.expr, &trace, role: .binding(d.name))
        locals = savedLocals
        localPaths = savedPaths
        if let node = trace?.first { definitionTraces[i] = node }
        definitionCache[i] = r
        return r
    }

    private mutating func aggregate(_ agg: Aggregate, _ body: CheckedExpr, _ slot: Int, _ source: CheckedExpr, _ filter: CheckedExpr?,
                                    _ t: inout [TraceNode]?, _ x: inout TraceExtra) -> Outcome {
        let s = eval(source, &t)
        guard case .value(let sv) = s else { return s }
        guard case .list(let items) = sv else { return .failed(.brokenInvariant("aggregate over a non-list")) }
        prepareLocals(slot + 1)
        let basePath: String? = { if case .fact(_, let n) = source.kind { return n } else { return nil } }()
        var missing: Set<String> = []
        var gathered = AggregateAccumulator(agg)
        var elements: [ElementTrace] = []
        for (k, item) in items.enumerated() {
            locals[slot] = item
            localPaths[slot] = basePath.map { "\($0)[\(k)]" }
            var filterTrace: [TraceNode]? = t == nil ? nil : []
            var included = true
            if let filter {
                switch eval(filter, &filterTrace) {
                case .value(let v): included = v.asBool ?? false
                case .missing(let m):
                    missing.formUnion(m)
                    included = false
                case .failed(let f): return .failed(f)
                }
            }
            var contribution: [TraceNode]? = t == nil ? nil : []
            if included {
                switch eval(body, &contribution) {
                case .value(let v): if let failure = gathered.add(v) { return .failed(failure) }
                case .missing(let m): missing.formUnion(m)
                case .failed(let f): return .failed(f)
                }
            }
            if t != nil {
                elements.append(ElementTrace(index: k, element: item, included: included, filter: filterTrace?.first,
                                             contribution: contribution?.first))
            }
        }
        if t != nil { x.elements = elements }
        // A known `true` for any (or `false` for all) does not depend on the missing elements.
        if let settled = gathered.settled { return .value(.bool(settled)) }
        if !missing.isEmpty { return .missing(missing) }
        return .value(gathered.result(sumsInts: body.type == .int))
    }

    /// The label of the fact a path names, from the policy's flat table (`FieldLabels`): a traced
    /// case asks this of every fact it reads.
    private func label(ofFactPath path: [Int]) -> String? {
        policy.fieldLabels.label(along: path)
    }
}
