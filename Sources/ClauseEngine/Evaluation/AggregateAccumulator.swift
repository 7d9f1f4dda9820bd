import ClauseLanguage

/// What an aggregation has gathered so far: the one definition of `sum`, `count`, `any`, `all`,
/// `min` and `max` that the tracing evaluator and compiled code both use.
struct AggregateAccumulator {
    let agg: Aggregate
    private var sumMoney = Money.zero, sumInt: Int64 = 0, count: Int64 = 0
    private var anyTrue = false, allTrue = true
    private var best: Value?

    init(_ agg: Aggregate) { self.agg = agg }

    /// Adds one included element's value; why it cannot, when it cannot.
    mutating func add(_ v: Value) -> EvaluationFault? {
        switch (agg, v) {
        case (.sum, .money(let m)):
            guard let s = sumMoney.adding(m) else { return "amount overflow in sum" }
            sumMoney = s
        case (.sum, .int(let n)):
            let (s, o) = sumInt.addingReportingOverflow(n)
            if o { return "number overflow in sum" }
            sumInt = s
        case (.count, _): count += 1
        case (.any, .bool(let b)): anyTrue = anyTrue || b
        case (.all, .bool(let b)): allTrue = allTrue && b
        case (.min, _), (.max, _): ValueOperations.extremum(&best, v, isMin: agg == .min)
        default: return .brokenInvariant("aggregate value")
        }
        return nil
    }

    /// An answer no missing element can change: `any` has found a true, `all` a false.
    var settled: Bool? {
        if agg == .any, anyTrue { return true }
        if agg == .all, !allTrue { return false }
        return nil
    }

    /// The result once every element is known; `min`/`max` of nothing is `none`.
    func result(sumsInts: Bool) -> Value {
        switch agg {
        case .sum: sumsInts ? .int(sumInt) : .money(sumMoney)
        case .count: .int(count)
        case .any: .bool(anyTrue)
        case .all: .bool(allTrue)
        case .min, .max: best ?? .none
        }
    }
}
