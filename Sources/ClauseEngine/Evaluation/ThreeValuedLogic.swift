import ClauseLanguage

/// A result that is a value, the facts the case does not give that it waits for, or a failure:
/// the tracing evaluator's `Evaluator.Outcome` (whose failure carries words) and compiled code's
/// `Fast` (whose failure does not).
protocol PartialResult {
    static func value(_ v: Value) -> Self
    static func missing(_ m: Set<String>) -> Self
    /// The value, when known.
    var known: Value? { get }
    /// The facts waited for, when that is the result.
    var waitsFor: Set<String>? { get }
    var isFailure: Bool { get }
    /// Whether this is the known flag `b` (a cheap test: no copy of the value).
    func isBool(_ b: Bool) -> Bool
}

/// How results with missing facts combine, written once for both evaluators: `false and missing`
/// is false and `true or missing` is true, so a refusal that does not depend on a missing fact is
/// still made; otherwise a failure wins, else every missing fact of every side is listed, so a
/// reviewer sees them all at once.
enum ThreeValuedLogic {
    /// Both sides known: `f` of their values; otherwise the first failure, else what both miss.
    @inline(__always)
    static func combine<R: PartialResult>(_ l: R, _ r: R, _ f: (Value, Value) -> R) -> R {
        if let a = l.known, let b = r.known { return f(a, b) }
        if l.isFailure { return l }
        if r.isFailure { return r }
        if let a = l.waitsFor, let b = r.waitsFor { return .missing(a.union(b)) }
        return l.waitsFor != nil ? l : r
    }

    /// One side known: `f` of its value; otherwise the side as it is.
    @inline(__always)
    static func map<R: PartialResult>(_ r: R, _ f: (Value) -> R) -> R {
        if let v = r.known { return f(v) }
        return r
    }

    /// `a and b`: the right side is evaluated only when the left is not false.
    @inline(__always)
    static func and<R: PartialResult>(_ l: R, _ r: () -> R) -> R {
        if l.isBool(false) { return l }
        let rv = r()
        if rv.isBool(false) { return rv }
        return combine(l, rv) { _, v in .value(v) }
    }

    /// `a or b`: the right side is evaluated only when the left is not true.
    @inline(__always)
    static func or<R: PartialResult>(_ l: R, _ r: () -> R) -> R {
        if l.isBool(true) { return l }
        let rv = r()
        if rv.isBool(true) { return rv }
        return combine(l, rv) { _, v in .value(v) }
    }

    /// `a otherwise b`: `b` when `a` is none or waits for facts; a failure stays one.
    @inline(__always)
    static func otherwise<R: PartialResult>(_ l: R, _ r: () -> R) -> R {
        if let v = l.known, v != .none { return l }
        if l.isFailure { return l }
        return r()
    }

    /// `if c then a else b`: an unknown or failed condition is the result.
    @inline(__always)
    static func conditional<R: PartialResult>(_ c: R, then a: () -> R, else b: () -> R) -> R {
        if c.isBool(true) { return a() }
        if c.known != nil { return b() }
        return c
    }

    /// `[a, b, …]`: every value, or every missing fact; the first failure stops it.
    @inline(__always)
    static func list<R: PartialResult>(_ count: Int, _ item: (Int) -> R) -> R {
        var values: [Value] = []
        values.reserveCapacity(count)
        var missing: Set<String> = []
        for k in 0..<count {
            let r = item(k)
            if let v = r.known { values.append(v) } else if let m = r.waitsFor { missing.formUnion(m) } else { return r }
        }
        return missing.isEmpty ? .value(.list(values)) : .missing(missing)
    }

    /// `min(a, b, …)`, `max(…)`: every item must be known; `empty` when there are none.
    @inline(__always)
    static func extremum<R: PartialResult>(_ count: Int, isMin: Bool, empty: @autoclosure () -> R, _ item: (Int) -> R) -> R {
        var best: Value?
        var missing: Set<String> = []
        for k in 0..<count {
            let r = item(k)
            if let v = r.known { ValueOperations.extremum(&best, v, isMin: isMin) } else if let m = r.waitsFor { missing.formUnion(m) } else { return r }
        }
        if !missing.isEmpty { return .missing(missing) }
        return best.map { .value($0) } ?? empty()
    }

    /// `present(x)`: whether `x` is known and not none (never missing, never failed).
    @inline(__always)
    static func present<R: PartialResult>(_ r: R) -> R {
        if let v = r.known, v != .none { return .value(.bool(true)) }
        return .value(.bool(false))
    }
}

extension Evaluator.Outcome: PartialResult {
    var known: Value? { if case .value(let v) = self { v } else { nil } }
    var waitsFor: Set<String>? { if case .missing(let m) = self { m } else { nil } }
    var isFailure: Bool { if case .failed = self { true } else { false } }
    func isBool(_ b: Bool) -> Bool { if case .value(.bool(let x)) = self { x == b } else { false } }
}

extension Fast: PartialResult {
    var known: Value? { if case .value(let v) = self { v } else { nil } }
    var waitsFor: Set<String>? { if case .missing(let m) = self { m } else { nil } }
    var isFailure: Bool { if case .failed = self { true } else { false } }
    func isBool(_ b: Bool) -> Bool { if case .value(.bool(let x)) = self { x == b } else { false } }
}
