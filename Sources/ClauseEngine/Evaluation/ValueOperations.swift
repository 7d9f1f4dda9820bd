import ClauseLanguage

/// The language's operations on values, written once: the tracing `Evaluator` and the compiled
/// code both call these, so the two cannot disagree on what `a - b`, `-x`, `a < b`, `x in list`,
/// `min(…)` or a table read give.
///
/// Each is small and inlined into its caller: the compiled path is the hot one.
package enum ValueOperations {
    /// What went wrong in one operation; the tracing evaluator puts it in words.
    package enum Fault: Sendable, Equatable {
        /// The result does not fit (an amount, a number, a sum).
        case overflow
        case divisionByZero
        case divisionByZeroRate
        case dateOutOfRange
        /// Values of kinds the checker rules out: a bug in us, not in the input.
        case unexpected
    }

    /// An operation's result: its value (`rounded` when money had to be rounded to the fen, so
    /// the trace can show the exact value), or its fault.
    package enum Operated {
        case value(Value)
        case rounded(Value)
        case failed(Fault)
    }

    /// The arithmetic table: which operand kinds each operation takes and what it gives, overflow
    /// checked; money × rate and money ÷ (rate or number) round by the policy's rounding.
    @inline(__always)
    package static func arithmetic(_ op: CheckedExpr.Arithmetic, _ a: Value, _ b: Value, rounding: Rounding) -> Operated {
        switch (op, a, b) {
        case (.moneyAdd, .money(let l), .money(let r)): return money(l.adding(r))
        case (.moneySubtract, .money(let l), .money(let r)): return money(l.subtracting(r))
        case (.moneyTimesPercent, .money(let m), .percent(let p)), (.percentTimesMoney, .percent(let p), .money(let m)):
            guard let (v, exact) = m.multiplied(by: p, rounding: rounding) else { return .failed(.overflow) }
            return exact ? .value(.money(v)) : .rounded(.money(v))
        case (.moneyTimesInt, .money(let m), .int(let n)), (.intTimesMoney, .int(let n), .money(let m)):
            return money(m.multiplied(by: n))
        case (.moneyDividePercent, .money(let m), .percent(let p)):
            guard p.millionths != 0 else { return .failed(.divisionByZeroRate) }
            guard let (v, exact) = m.divided(by: p, rounding: rounding) else { return .failed(.overflow) }
            return exact ? .value(.money(v)) : .rounded(.money(v))
        case (.moneyDivideInt, .money(let m), .int(let n)):
            guard n != 0 else { return .failed(.divisionByZero) }
            guard let (v, exact) = m.divided(by: n, rounding: rounding) else { return .failed(.overflow) }
            return exact ? .value(.money(v)) : .rounded(.money(v))
        case (.intAdd, .int(let l), .int(let r)): return int(l.addingReportingOverflow(r))
        case (.intSubtract, .int(let l), .int(let r)): return int(l.subtractingReportingOverflow(r))
        case (.intMultiply, .int(let l), .int(let r)): return int(l.multipliedReportingOverflow(by: r))
        case (.dateAddDuration, .date(let d), .duration(let u)):
            return d.adding(u).map { .value(.date($0)) } ?? .failed(.dateOutOfRange)
        case (.dateSubtractDuration, .date(let d), .duration(let u)):
            return d.adding(u, sign: -1).map { .value(.date($0)) } ?? .failed(.dateOutOfRange)
        case (.durationAdd, .duration(let l), .duration(let r)): return .value(.duration(l + r))
        case (.percentAdd, .percent(let l), .percent(let r)): return .value(.percent(Percent(millionths: l.millionths + r.millionths)))
        case (.percentSubtract, .percent(let l), .percent(let r)): return .value(.percent(Percent(millionths: l.millionths - r.millionths)))
        default: return .failed(.unexpected)
        }
    }

    /// `-x` for a number, an amount or a rate; the smallest number has no negation.
    @inline(__always)
    package static func negate(_ v: Value) -> Operated {
        switch v {
        case .int(let n): n == .min ? .failed(.overflow) : .value(.int(-n))
        case .money(let m): .value(.money(Money(fen: -m.fen)))
        case .percent(let p): .value(.percent(Percent(millionths: -p.millionths)))
        default: .failed(.unexpected)
        }
    }

    /// `not x`: a value that is not a flag reads as false, so its negation is true.
    @inline(__always)
    package static func not(_ v: Value) -> Value { .bool(!(v.asBool ?? false)) }

    /// `a == b`, `a < b`, …: nil when an ordering compares values without an order (a bug in us).
    @inline(__always)
    package static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool? {
        switch op {
        case .equal: return same(a, b)
        case .notEqual: return !same(a, b)
        default:
            let o: Int
            if case .money(let x) = a, case .money(let y) = b { o = x.fen < y.fen ? -1 : (x.fen == y.fen ? 0 : 1) } else {
                guard let known = order(a, b) else { return nil }
                o = known
            }
            switch op {
            case .less: return o < 0
            case .lessEqual: return o <= 0
            case .greater: return o > 0
            default: return o >= 0
            }
        }
    }

    /// -1, 0 or 1 for two values of one ordered kind (numbers, amounts, rates, dates); nil otherwise.
    @inline(__always)
    package static func order(_ a: Value, _ b: Value) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return cmp(x, y)
        case (.money(let x), .money(let y)): return cmp(x, y)
        case (.percent(let x), .percent(let y)): return cmp(x, y)
        case (.date(let x), .date(let y)): return cmp(x, y)
        default: return nil
        }
    }

    /// `x in list` (or `not in`): a right side that is not a list holds nothing.
    @inline(__always)
    package static func contains(_ list: Value, _ v: Value, negated: Bool) -> Bool {
        guard case .list(let items) = list else { return negated }
        return items.contains { same($0, v) } != negated
    }

    /// `d in period` (or `not in`); nil for values of other kinds (a bug in us).
    @inline(__always)
    package static func inPeriod(_ v: Value, _ period: Value, negated: Bool) -> Bool? {
        guard case .date(let d) = v, case .period(let p) = period else { return nil }
        return p.contains(d) != negated
    }

    /// A period's first or last day; nil for a value that is not a period.
    @inline(__always)
    package static func bound(_ v: Value, isStart: Bool) -> Value? {
        guard case .period(let p) = v else { return nil }
        return .date(isStart ? p.start : p.end)
    }

    /// One step of `min(…)`/`max(…)` (and of the aggregations of the same names): `v` replaces
    /// the best so far when it is smaller (or larger); the first value is the best at first.
    @inline(__always)
    package static func extremum(_ best: inout Value?, _ v: Value, isMin: Bool) {
        if let b = best, let o = order(v, b) {
            if isMin ? o < 0 : o > 0 { best = v }
        } else if best == nil {
            best = v
        }
    }

    /// `table[key]`: the row's value and which row (nil: the default row; -1: none matched, and
    /// the value is none).
    @inline(__always)
    package static func lookup(_ rows: Table, _ key: Value) -> (value: Value, row: Int?) {
        guard let found = rows.lookup(key) else { return (.none, -1) }
        return (found.value, found.row)
    }

    /// `==` on values, without the generic witness for the kinds rules compare most (an enum case
    /// against a constant, a flag, an amount, a date).
    @inline(__always)
    package static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.enumCase(let t, let x), .enumCase(let u, let y)): return t == u && x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.money(let x), .money(let y)): return x == y
        case (.date(let x), .date(let y)): return x == y
        default: return a == b
        }
    }

    @inline(__always) private static func money(_ m: Money?) -> Operated { m.map { .value(.money($0)) } ?? .failed(.overflow) }
    @inline(__always) private static func int(_ r: (partialValue: Int64, overflow: Bool)) -> Operated {
        r.overflow ? .failed(.overflow) : .value(.int(r.partialValue))
    }
}
