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
                ThreeValuedLogic.map(x(f)) { v in
                    switch ValueOperations.negate(v) {
                    case .value(let n), .rounded(let n): .value(n)
                    case .failed: .failed
                    }
                }
            }

        case .not(let e):
            let x = compile(e)
            return { f in ThreeValuedLogic.map(x(f)) { .value(ValueOperations.not($0)) } }

        case .and(let a, let b):
            let l = compile(a), r = compile(b)
            return { f in ThreeValuedLogic.and(l(f)) { r(f) } }

        case .or(let a, let b):
            let l = compile(a), r = compile(b)
            return { f in ThreeValuedLogic.or(l(f)) { r(f) } }

        case .arithmetic(let op, let a, let b):
            let l = compile(a), r = compile(b)
            let rounding = policy.rounding
            return { f in
                ThreeValuedLogic.combine(l(f), r(f)) { a, b in
                    switch ValueOperations.arithmetic(op, a, b, rounding: rounding) {
                    case .value(let v), .rounded(let v): .value(v)
                    case .failed: .failed
                    }
                }
            }

        case .compare(let op, let a, let b):
            let l = compile(a), r = compile(b)
            return { f in ThreeValuedLogic.combine(l(f), r(f)) { a, b in ValueOperations.compare(op, a, b).map { .value(.bool($0)) } ?? .failed } }

        case .inList(let a, let b, let negated):
            let l = compile(a), r = compile(b)
            return { f in ThreeValuedLogic.combine(l(f), r(f)) { lv, rv in .value(.bool(ValueOperations.contains(rv, lv, negated: negated))) } }

        case .inPeriod(let a, let b, let negated):
            let l = compile(a), r = compile(b)
            return { f in
                ThreeValuedLogic.combine(l(f), r(f)) { lv, rv in ValueOperations.inPeriod(lv, rv, negated: negated).map { .value(.bool($0)) } ?? .failed }
            }

        case .list(let items):
            let codes = items.map(compile)
            return { f in ThreeValuedLogic.list(codes.count) { codes[$0](f) } }

        case .aggregate(let agg, let body, let slot, _, let source, let filter):
            var base: String?
            if case .fact(_, let n) = source.kind { base = n }
            var inner = self
            inner.elementBases[localBase + slot] = .some(base)
            return AggregateCode(agg: agg, body: inner.compile(body), sumsInts: body.type == .int, slot: localBase + slot,
                                 source: compile(source), filter: filter.map(inner.compile)).code

        case .present(let e):
            let x = compile(e)
            return { f in ThreeValuedLogic.present(x(f)) }

        case .conditional(let c, let a, let b):
            let cond = compile(c), then = compile(a), otherwise = compile(b)
            return { f in ThreeValuedLogic.conditional(cond(f), then: { then(f) }, else: { otherwise(f) }) }

        case .otherwise(let a, let b):
            let first = compile(a), fallback = compile(b)
            return { f in ThreeValuedLogic.otherwise(first(f)) { fallback(f) } }

        case .extremum(let isMin, let items):
            let codes = items.map(compile)
            return { f in ThreeValuedLogic.extremum(codes.count, isMin: isMin, empty: .failed) { codes[$0](f) } }

        case .lookup(let table, let key):
            let t = compile(table), k = compile(key)
            return { f in
                guard case .value(.table(let rows)) = t(f) else { return .failed }
                return ThreeValuedLogic.map(k(f)) { .value(ValueOperations.lookup(rows, $0).value) }
            }

        case .periodBound(let e, let isStart):
            let x = compile(e)
            return { f in ThreeValuedLogic.map(x(f)) { v in ValueOperations.bound(v, isStart: isStart).map { .value($0) } ?? .failed } }
        }
    }
}

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
