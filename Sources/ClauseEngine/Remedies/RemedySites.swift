import ClauseLanguage

/// Each rule's expressions as the candidate search reads them: only the places that may propose
/// a value, in the order a walk of the expressions meets them, each fact's address made once.
/// Built once per policy. Walking every expression tree again for every refused case (matching
/// each node, making an address for each fact read) had cost more than deciding the case again.
struct RemedySites: Sendable {
    indirect enum Site: Sendable {
        /// A fact read by its path; `fixed` when no remedy may change it (asked first: most are).
        case fact(FactAddress, fixed: Bool)
        /// A field of the list element an aggregation over `slot` is at; `fixed` when no remedy
        /// may change that field of any element.
        case member(slot: Int, field: Int, fixed: Bool)
        /// A comparison whose sides include a fact or an element's field.
        case compare(BinaryOperator, CheckedExpr, CheckedExpr)
        /// `fact in list`, `fact in period`, with a fact or an element's field on the left.
        case inList(CheckedExpr, CheckedExpr)
        case inPeriod(CheckedExpr, CheckedExpr)
        /// A definition's sites, read once per search node whichever rule meets it first.
        case definition(Int)
        /// An aggregation: its source, and the sites of its body and filter for each element.
        case aggregate(source: CheckedExpr, slot: Int, body: [Site], filter: [Site])
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
            case .fact(let path, _):
                let a = FactAddress(steps: path.map { .field($0) })
                out.append(.fact(a, fixed: a.remedyRule(in: policy) == .fixed))
            case .member(let base, _, _):
                if let (slot, field) = elementField(e), let r = base.type.recordIndex {
                    let f = policy.records[r].fields[field]
                    out.append(.member(slot: slot, field: field, fixed: f.remedy == .fixed || f.computed))
                }
            default: break
            }
            switch e.kind {
            case .definition(let i): out.append(.definition(i))
            case .compare(let op, let a, let b):
                if names(a) || names(b) { out.append(.compare(op, a, b)) }
                add(a, to: &out); add(b, to: &out)
            case .inList(let a, let b, _):
                if names(a) { out.append(.inList(a, b)) }
                add(a, to: &out); add(b, to: &out)
            case .inPeriod(let a, let b, _):
                if names(a) { out.append(.inPeriod(a, b)) }
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

        /// Whether `e` may name a fact to propose for: a fact, or a field of a list element.
        private func names(_ e: CheckedExpr) -> Bool {
            if case .fact = e.kind { return true }
            return elementField(e) != nil
        }

        /// For `element.field` over an aggregation's element: its slot and the field.
        private func elementField(_ e: CheckedExpr) -> (slot: Int, field: Int)? {
            guard case .member(let base, let field, _) = e.kind, case .local(let slot, _) = base.kind,
                  let r = base.type.recordIndex, field < policy.records[r].fields.count else { return nil }
            return (slot, field)
        }
    }
}
