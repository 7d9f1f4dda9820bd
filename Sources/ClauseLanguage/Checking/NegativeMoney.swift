/// Finds where a money result can go below zero: `cap − previously_granted` with no floor.
///
/// Amounts in a case are never negative, parameters are known, so the only ways down are a
/// subtraction (or `-x`, or a negative literal or rate) that nothing floors. A subtraction counts
/// as floored inside `max(…, 0元)` (any argument that cannot be negative), and in the `then` of
/// `if a >= b then a - b else …`. A definition is judged where it is defined, not where it is used,
/// so each subtraction is warned about once.
package struct NegativeMoney {
    let parameters: [Parameter]
    /// A rule's `let` expressions by slot.
    var lets: [Int: CheckedExpr] = [:]

    package init(parameters: [Parameter], lets: [Int: CheckedExpr] = [:]) {
        self.parameters = parameters
        self.lets = lets
    }

    /// The sub-expression that can make `c` negative, or nil when it provably cannot.
    package func culprit(_ c: CheckedExpr) -> CheckedExpr? {
        switch c.kind {
        case .constant(.money(let m)): return m.fen < 0 ? c : nil
        case .constant: return nil
        case .parameter(let i):
            return parameters[i].values.contains { if case .money(let m) = $0.value { m.fen < 0 } else { false } } ? c : nil
        case .local(let slot, _): return lets[slot].flatMap(culprit)
        case .negate: return c.type == .money ? c : nil
        case .arithmetic(let op, let a, let b):
            switch op {
            case .moneyAdd: return culprit(a) ?? culprit(b)
            case .moneySubtract:
                if let x = NegativeMoney.constantMoney(a, parameters), let y = NegativeMoney.constantMoney(b, parameters), x >= y {
                    return nil
                }
                return c
            case .moneyTimesPercent, .moneyDividePercent: return culprit(a) ?? (mayBeNegativeRate(b) ? c : nil)
            case .percentTimesMoney: return culprit(b) ?? (mayBeNegativeRate(a) ? c : nil)
            case .moneyTimesInt, .moneyDivideInt: return culprit(a)
            case .intTimesMoney: return culprit(b)
            default: return nil
            }
        case .extremum(let isMin, let items):
            if isMin { return items.lazy.compactMap(culprit).first }
            let culprits = items.map(culprit)
            return culprits.contains { $0 == nil } ? nil : culprits.first ?? nil
        case .conditional(let condition, let a, let b):
            if let inA = culprit(a), !NegativeMoney.guards(condition, inA) { return inA }
            return culprit(b)
        case .otherwise(let a, let b): return culprit(a) ?? culprit(b)
        case .aggregate(_, let body, _, _, _, _): return c.type.unwrapped == .money ? culprit(body) : nil
        case .lookup(let table, _):
            guard case .parameter(let i) = table.kind else { return nil }
            let negative = parameters[i].values.contains { dated in
                guard case .table(let t) = dated.value else { return false }
                return (t.rows.map(\.value) + [t.fallback].compactMap { $0 }).contains { if case .money(let m) = $0 { m.fen < 0 } else { false } }
            }
            return negative ? c : nil
        default: return nil
        }
    }

    private func mayBeNegativeRate(_ p: CheckedExpr) -> Bool {
        switch p.kind {
        case .constant(.percent(let r)): return r.millionths < 0
        case .parameter(let i): return parameters[i].values.contains { if case .percent(let r) = $0.value { r.millionths < 0 } else { false } }
        case .arithmetic(.percentAdd, let a, let b): return mayBeNegativeRate(a) || mayBeNegativeRate(b)
        case .arithmetic(.percentSubtract, _, _), .negate: return true
        default: return false
        }
    }

    private static func constantMoney(_ c: CheckedExpr, _ parameters: [Parameter]) -> Money? {
        switch c.kind {
        case .constant(.money(let m)): return m
        case .parameter(let i):
            let ms = parameters[i].values.compactMap { $0.value.asMoney }
            return ms.count == parameters[i].values.count ? ms.min() : nil
        default: return nil
        }
    }

    /// Whether `condition` (or one of its `and` parts) is `a >= b` for the subtraction `a - b`.
    private static func guards(_ condition: CheckedExpr, _ subtraction: CheckedExpr) -> Bool {
        guard case .arithmetic(.moneySubtract, let x, let y) = subtraction.kind else { return false }
        switch condition.kind {
        case .and(let p, let q): return guards(p, subtraction) || guards(q, subtraction)
        case .compare(let op, let l, let r):
            switch op {
            case .greater, .greaterEqual: return l.text == x.text && r.text == y.text
            case .less, .lessEqual: return l.text == y.text && r.text == x.text
            default: return false
            }
        default: return false
        }
    }
}
