import ClauseLanguage

/// Each rule's expressions as the candidate search reads them: only the places that may propose
/// a value, in the order a walk of the expressions meets them, each fact's address made once.
/// Built once per policy. Walking every expression tree again for every refused case (matching
/// each node, making an address for each fact read) had cost more than deciding the case again.
struct RemedySites: Sendable {
    indirect enum Site: Sendable {
        /// A fact read by its path, or a field of the list element an aggregation is at.
        case named(Named)
        /// A comparison whose sides include a fact or an element's field, each side with what it names.
        case compare(BinaryOperator, Side, Side)
        /// `fact in list`, `fact in period`, with a fact or an element's field on the left.
        case inList(Side, CheckedExpr)
        case inPeriod(Side, CheckedExpr)
        /// A definition's sites, read once per search node whichever rule meets it first.
        case definition(Int)
        /// An aggregation: its source, and the sites of its body and filter for each element.
        case aggregate(source: CheckedExpr, slot: Int, body: [Site], filter: [Site])
    }

    /// One side of a comparison or membership test, and the fact it names, if it names one.
    struct Side: Sendable {
        var expr: CheckedExpr
        var names: Named?
    }

    /// A fact an expression names, worked out once with whether no remedy may change it: asked
    /// first, so that a fixed fact the case gives costs neither an address nor a walk along the
    /// schema each time a refusing rule is walked (most facts a refusing rule reads are such).
    enum Named: Sendable {
        case fact(FactAddress, fixed: Bool)
        /// A field of the list element an aggregation over `slot` is at; `fixed` says only the
        /// field is (the list holding it may be fixed too: the search asks that of the address).
        case member(slot: Int, field: Int, fixed: Bool)
    }

    /// Per rule, the sites of its `for`, `let`s, condition, needs and cap, in that order.
    let rules: [[Site]]
    let definitions: [[Site]]

    init(_ policy: Policy) {
        let builder = Builder(policy: policy)
        rules = policy.rules.map { rule in
            var out: [Site] = []
            if let a = rule.applies { builder.add(a, to: &out) }
            for l in rule.lets { builder.add(l.expr, to: &out) }
            builder.add(rule.main, to: &out)
            for n in rule.needs { builder.add(n, to: &out) }
            if let c = rule.cap { builder.add(c, to: &out) }
            return out
        }
        definitions = policy.definitions.map { d in
            var out: [Site] = []
            builder.add(d.expr, to: &out)
            return out
        }
    }

    private struct Builder {
        let policy: Policy

        /// The sites of `e`, in the order `RemedyCandidates` once met them walking the tree: a
        /// node's own address first, then its parts left to right.
        func add(_ e: CheckedExpr, to out: inout [Site]) {
            switch e.kind {
            case .fact, .member:
                if let n = named(e) { out.append(.named(n)) }
            default: break
            }
            switch e.kind {
            case .definition(let i): out.append(.definition(i))
            case .compare(let op, let a, let b):
                let (x, y) = (Side(expr: a, names: named(a)), Side(expr: b, names: named(b)))
                if x.names != nil || y.names != nil { out.append(.compare(op, x, y)) }
                add(a, to: &out); add(b, to: &out)
            case .inList(let a, let b, _):
                if let n = named(a) { out.append(.inList(Side(expr: a, names: n), b)) }
                add(a, to: &out); add(b, to: &out)
            case .inPeriod(let a, let b, _):
                if let n = named(a) { out.append(.inPeriod(Side(expr: a, names: n), b)) }
                add(a, to: &out); add(b, to: &out)
            case .aggregate(_, let body, let slot, _, let source, let filter):
                add(source, to: &out)
                var inBody: [Site] = [], inFilter: [Site] = []
                add(body, to: &inBody)
                if let filter { add(filter, to: &inFilter) }
                out.append(.aggregate(source: source, slot: slot, body: inBody, filter: inFilter))
            default:
                for x in e.operands { add(x, to: &out) }
            }
        }

        /// The fact `e` may propose for: a fact, or a field of a list element; nil for anything else.
        private func named(_ e: CheckedExpr) -> Named? {
            switch e.kind {
            case .fact(let path, _):
                let a = FactAddress(steps: path.map { .field($0) })
                return .fact(a, fixed: a.remedyRule(in: policy) == .fixed)
            case .member(let base, _, _):
                guard let (slot, field) = elementField(e), let r = base.type.recordIndex else { return nil }
                let f = policy.records[r].fields[field]
                return .member(slot: slot, field: field, fixed: f.remedy == .fixed || f.computed)
            default:
                return nil
            }
        }

        /// For `element.field` over an aggregation's element: its slot and the field.
        private func elementField(_ e: CheckedExpr) -> (slot: Int, field: Int)? {
            guard case .member(let base, let field, _) = e.kind, case .local(let slot, _) = base.kind,
                  let r = base.type.recordIndex, field < policy.records[r].fields.count else { return nil }
            return (slot, field)
        }
    }
}
