import ClauseLanguage

/// What compiled code gives for an expression: its value, the facts the case does not give that
/// it depends on (named as the tracing `Evaluator` names them), or a failure. The words of a
/// failure are left to the `Evaluator`: a case that meets one is decided again by it.
enum Fast {
    case value(Value)
    case missing(Set<String>)
    case failed
}


/// One expression, compiled once per policy into a closure over a case's `Frame`.
typealias Code = @Sendable (Frame) -> Fast

/// One case's state while compiled code runs: its facts, the parameter values in force on the
/// evaluation date, local slots (lets, aggregation elements) and the definitions' cache.
///
/// Locals and the cache live in raw buffers so that writing a slot is a store, not a checked
/// access to a class property.
final class Frame {
    let facts: [Value?]
    let params: [Value]
    let asOf: CivilDate
    let locals: UnsafeMutablePointer<Value>
    /// For an aggregation's element slot: the element's index, to name its missing fields.
    let indices: UnsafeMutablePointer<Int>
    let localCount: Int
    let definitions: UnsafeMutablePointer<Fast?>
    let definitionCode: [Code]

    init(facts: [Value?], params: [Value], asOf: CivilDate, localCount: Int, definitionCode: [Code]) {
        self.facts = facts
        self.params = params
        self.asOf = asOf
        self.localCount = localCount
        self.definitionCode = definitionCode
        locals = .allocate(capacity: max(localCount, 1))
        locals.initialize(repeating: .none, count: max(localCount, 1))
        indices = .allocate(capacity: max(localCount, 1))
        indices.initialize(repeating: 0, count: max(localCount, 1))
        definitions = .allocate(capacity: max(definitionCode.count, 1))
        definitions.initialize(repeating: nil, count: max(definitionCode.count, 1))
    }

    deinit {
        locals.deinitialize(count: max(localCount, 1))
        locals.deallocate()
        indices.deallocate()
        definitions.deinitialize(count: max(definitionCode.count, 1))
        definitions.deallocate()
    }
}

/// Compiles checked expressions into closures, choosing each operation's code once, at load
/// time, from the types the checker resolved. The semantics are the tracing `Evaluator`'s, case
/// for case (three-valued `and`/`or`, `otherwise`, aggregates that ignore missing elements only
/// when the answer does not depend on them); `CompiledPolicyTests` hold the two to each other.
struct ExpressionCompiler {
    let policy: Policy
    /// Where this scope's local slots start in the frame (each definition has its own range).
    let localBase: Int
    /// The element slots of the aggregations being compiled, with the fact path of their list
    /// (nil for a computed list): `project.expenses` names `e.paid_on` `project.expenses[2].paid_on`.
    var elementBases: [Int: String?] = [:]

    init(policy: Policy, localBase: Int) {
        self.policy = policy
        self.localBase = localBase
    }

    func compile(_ c: CheckedExpr) -> Code {
        switch c.kind {
        case .constant(let v):
            let r = Fast.value(v)
            return { _ in r }

        case .fact(let path, let name):
            let missing = Fast.missing([name])
            if path.count == 1 {
                let i = path[0]
                return { f in
                    guard i < f.facts.count, let v = f.facts[i] else { return missing }
                    return .value(v)
                }
            }
            return { f in
                var slots = f.facts
                for (k, i) in path.enumerated() {
                    guard i < slots.count, let v = slots[i] else { return missing }
                    if k == path.count - 1 { return .value(v) }
                    guard case .record(let inner) = v else { return missing }
                    slots = inner
                }
                return missing
            }

        case .local(let slot, _):
            let s = localBase + slot
            return { f in .value(f.locals[s]) }

        case .member(let base, let field, let name):
            let b = compile(base)
            let text = c.text
            var element: (slot: Int, list: String)?
            if case .local(let slot, _) = base.kind, case .some(.some(let list)) = elementBases[localBase + slot] {
                element = (localBase + slot, list)
            }
            let named = element
            return { f in
                let r = b(f)
                guard case .value(let bv) = r else { return r }
                guard case .record(let fields) = bv else { return .failed }
                if let v = fields[field] { return .value(v) }
                if let named { return .missing(["\(named.list)[\(f.indices[named.slot])].\(name)"]) }
                return .missing([text])
            }

        case .parameter(let i):
            return { f in .value(f.params[i]) }

        case .definition(let i):
            return { f in
                if let cached = f.definitions[i] { return cached }
                let r = f.definitionCode[i](f)
                f.definitions[i] = r
                return r
            }

        case .asOf:
            return { f in .value(.date(f.asOf)) }

        case .negate(let e):
            let x = compile(e)
            return { f in
                let r = x(f)
                guard case .value(let v) = r else { return r }
                switch v {
                case .int(let n): return n == .min ? .failed : .value(.int(-n))
                case .money(let m): return .value(.money(Money(fen: -m.fen)))
                case .percent(let p): return .value(.percent(Percent(millionths: -p.millionths)))
                default: return .failed
                }
            }

        case .not(let e):
            let x = compile(e)
            return { f in
                let r = x(f)
                guard case .value(let v) = r else { return r }
                return .value(.bool(!(v.asBool ?? false)))
            }

        case .and(let a, let b):
            let l = compile(a), r = compile(b)
            return { f in
                let lv = l(f)
                if case .value(.bool(false)) = lv { return lv }
                let rv = r(f)
                if case .value(.bool(false)) = rv { return rv }
                return Self.combine(lv, rv) { _, v in .value(v) }
            }

        case .or(let a, let b):
            let l = compile(a), r = compile(b)
            return { f in
                let lv = l(f)
                if case .value(.bool(true)) = lv { return lv }
                let rv = r(f)
                if case .value(.bool(true)) = rv { return rv }
                return Self.combine(lv, rv) { _, v in .value(v) }
            }

        case .arithmetic(let op, let a, let b):
            let l = compile(a), r = compile(b)
            let apply = Self.arithmetic(op, rounding: policy.rounding)
            return { f in Self.combine(l(f), r(f), apply) }

        case .compare(let op, let a, let b):
            let l = compile(a), r = compile(b)
            let holds = Self.comparison(op)
            return { f in Self.combine(l(f), r(f), holds) }

        case .inList(let a, let b, let negated):
            let l = compile(a), r = compile(b)
            return { f in
                Self.combine(l(f), r(f)) { lv, rv in
                    guard case .list(let items) = rv else { return .value(.bool(negated)) }
                    return .value(.bool(items.contains { same($0, lv) } != negated))
                }
            }

        case .inPeriod(let a, let b, let negated):
            let l = compile(a), r = compile(b)
            return { f in
                Self.combine(l(f), r(f)) { lv, rv in
                    guard case .date(let d) = lv, case .period(let p) = rv else { return .failed }
                    return .value(.bool(p.contains(d) != negated))
                }
            }

        case .list(let items):
            let codes = items.map(compile)
            return { f in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                var missing: Set<String> = []
                for code in codes {
                    switch code(f) {
                    case .value(let v): values.append(v)
                    case .missing(let m): missing.formUnion(m)
                    case .failed: return .failed
                    }
                }
                return missing.isEmpty ? .value(.list(values)) : .missing(missing)
            }

        case .aggregate(let agg, let body, let slot, _, let source, let filter):
            var base: String?
            if case .fact(_, let n) = source.kind { base = n }
            var inner = self
            inner.elementBases[localBase + slot] = .some(base)
            return AggregateCode(agg: agg, body: inner.compile(body), sumsInts: body.type == .int, slot: localBase + slot,
                                 source: compile(source), filter: filter.map(inner.compile)).code

        case .present(let e):
            let x = compile(e)
            return { f in
                if case .value(let v) = x(f), v != .none { return .value(.bool(true)) }
                return .value(.bool(false))
            }

        case .conditional(let c, let a, let b):
            let cond = compile(c), then = compile(a), otherwise = compile(b)
            return { f in
                switch cond(f) {
                case .value(.bool(true)): return then(f)
                case .value: return otherwise(f)
                case let other: return other
                }
            }

        case .otherwise(let a, let b):
            let first = compile(a), fallback = compile(b)
            return { f in
                let l = first(f)
                switch l {
                case .value(let v) where v != .none: return l
                case .failed: return l
                default: return fallback(f)
                }
            }

        case .extremum(let isMin, let items):
            let codes = items.map(compile)
            return { f in
                var best: Value?
                var missing: Set<String> = []
                for code in codes {
                    switch code(f) {
                    case .value(let v):
                        if let b = best, let o = Evaluator.order(v, b) {
                            if isMin ? o < 0 : o > 0 { best = v }
                        } else if best == nil { best = v }
                    case .missing(let m): missing.formUnion(m)
                    case .failed: return .failed
                    }
                }
                if !missing.isEmpty { return .missing(missing) }
                return best.map { .value($0) } ?? .failed
            }

        case .lookup(let table, let key):
            let t = compile(table), k = compile(key)
            return { f in
                guard case .value(.table(let rows)) = t(f) else { return .failed }
                let kv = k(f)
                guard case .value(let v) = kv else { return kv }
                return .value(rows.lookup(v)?.value ?? .none)
            }

        case .periodBound(let e, let isStart):
            let x = compile(e)
            return { f in
                let r = x(f)
                guard case .value(let v) = r else { return r }
                guard case .period(let p) = v else { return .failed }
                return .value(.date(isStart ? p.start : p.end))
            }
        }
    }

    /// Both sides known: apply `op`; otherwise a failure wins, else every missing fact of both
    /// sides, as in the tracing evaluator.
    @inline(__always)
    static func combine(_ l: Fast, _ r: Fast, _ op: (Value, Value) -> Fast) -> Fast {
        switch (l, r) {
        case (.value(let a), .value(let b)): return op(a, b)
        case (.failed, _), (_, .failed): return .failed
        case (.missing(let a), .missing(let b)): return .missing(a.union(b))
        case (.missing, _): return l
        default: return r
        }
    }

    static func comparison(_ op: BinaryOperator) -> @Sendable (Value, Value) -> Fast {
        switch op {
        case .equal: return { a, b in .value(.bool(same(a, b))) }
        case .notEqual: return { a, b in .value(.bool(!same(a, b))) }
        default:
            let holds: @Sendable (Int) -> Bool
            switch op {
            case .less: holds = { $0 < 0 }
            case .lessEqual: holds = { $0 <= 0 }
            case .greater: holds = { $0 > 0 }
            default: holds = { $0 >= 0 }
            }
            return { a, b in
                if case .money(let x) = a, case .money(let y) = b { return .value(.bool(holds(x.fen < y.fen ? -1 : (x.fen == y.fen ? 0 : 1)))) }
                guard let o = Evaluator.order(a, b) else { return .failed }
                return .value(.bool(holds(o)))
            }
        }
    }

    /// The code for one arithmetic operation, overflow checked.
    static func arithmetic(_ op: CheckedExpr.Arithmetic, rounding: Rounding) -> @Sendable (Value, Value) -> Fast {
        switch op {
        case .moneyAdd:
            return { a, b in if case .money(let l) = a, case .money(let r) = b { money(l.adding(r)) } else { .failed } }
        case .moneySubtract:
            return { a, b in if case .money(let l) = a, case .money(let r) = b { money(l.subtracting(r)) } else { .failed } }
        case .moneyTimesPercent, .percentTimesMoney:
            return { a, b in
                switch (a, b) {
                case (.money(let m), .percent(let p)), (.percent(let p), .money(let m)):
                    return money(m.multiplied(by: p, rounding: rounding)?.0)
                default: return .failed
                }
            }
        case .moneyTimesInt, .intTimesMoney:
            return { a, b in
                switch (a, b) {
                case (.money(let m), .int(let n)), (.int(let n), .money(let m)): return money(m.multiplied(by: n))
                default: return .failed
                }
            }
        case .moneyDivideInt:
            return { a, b in
                guard case .money(let m) = a, case .int(let n) = b, n != 0 else { return .failed }
                return money(m.divided(by: n, rounding: rounding)?.0)
            }
        case .moneyDividePercent:
            return { a, b in
                guard case .money(let m) = a, case .percent(let p) = b, p.millionths != 0 else { return .failed }
                return money(m.divided(by: p, rounding: rounding)?.0)
            }
        case .intAdd:
            return { a, b in if case .int(let l) = a, case .int(let r) = b { int(l.addingReportingOverflow(r)) } else { .failed } }
        case .intSubtract:
            return { a, b in if case .int(let l) = a, case .int(let r) = b { int(l.subtractingReportingOverflow(r)) } else { .failed } }
        case .intMultiply:
            return { a, b in if case .int(let l) = a, case .int(let r) = b { int(l.multipliedReportingOverflow(by: r)) } else { .failed } }
        case .dateAddDuration:
            return { a, b in
                guard case .date(let d) = a, case .duration(let u) = b else { return .failed }
                return d.adding(u).map { .value(.date($0)) } ?? .failed
            }
        case .dateSubtractDuration:
            return { a, b in
                guard case .date(let d) = a, case .duration(let u) = b else { return .failed }
                return d.adding(u, sign: -1).map { .value(.date($0)) } ?? .failed
            }
        case .durationAdd:
            return { a, b in if case .duration(let l) = a, case .duration(let r) = b { .value(.duration(l + r)) } else { .failed } }
        case .percentAdd:
            return { a, b in
                if case .percent(let l) = a, case .percent(let r) = b { .value(.percent(Percent(millionths: l.millionths + r.millionths))) } else { .failed }
            }
        case .percentSubtract:
            return { a, b in
                if case .percent(let l) = a, case .percent(let r) = b { .value(.percent(Percent(millionths: l.millionths - r.millionths))) } else { .failed }
            }
        }
    }
}

/// `==` on values, without the generic witness for the kinds rules compare most (an enum case
/// against a constant, a flag, an amount, a date).
@inline(__always) private func same(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.enumCase(let t, let x), .enumCase(let u, let y)): return t == u && x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.money(let x), .money(let y)): return x == y
    case (.date(let x), .date(let y)): return x == y
    default: return a == b
    }
}

@inline(__always) private func money(_ m: Money?) -> Fast { m.map { .value(.money($0)) } ?? .failed }
@inline(__always) private func int(_ r: (partialValue: Int64, overflow: Bool)) -> Fast { r.overflow ? .failed : .value(.int(r.partialValue)) }

/// `sum(…)`, `count(…)`, `any(…)`, `all(…)`, `min(…)`, `max(…)` over a list, compiled.
private struct AggregateCode {
    let agg: Aggregate
    let body: Code
    let sumsInts: Bool
    let slot: Int
    let source: Code
    let filter: Code?

    var code: Code {
        let agg = agg, body = body, sumsInts = sumsInts, slot = slot, source = source, filter = filter
        return { f in
            let s = source(f)
            guard case .value(let sv) = s else { return s }
            guard case .list(let items) = sv else { return .failed }
            var missing: Set<String> = []
            var gathered = AggregateAccumulator(agg)
            for (k, item) in items.enumerated() {
                f.locals[slot] = item
                f.indices[slot] = k
                var included = true
                if let filter {
                    switch filter(f) {
                    case .value(let v): included = v.asBool ?? false
                    case .missing(let m):
                        missing.formUnion(m)
                        included = false
                    case .failed: return .failed
                    }
                }
                guard included else { continue }
                switch body(f) {
                case .value(let v): if gathered.add(v) != nil { return .failed }
                case .missing(let m): missing.formUnion(m)
                case .failed: return .failed
                }
            }
            if let settled = gathered.settled { return .value(.bool(settled)) }
            if !missing.isEmpty { return .missing(missing) }
            return .value(gathered.result(sumsInts: sumsInts))
        }
    }
}
