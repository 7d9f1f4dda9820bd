/// An amount of renminbi in integer fen (分), overflow-checked.
///
/// Never binary floating point: DESIGN.md measured float64 half-up rounding getting 5% of amounts
/// wrong, and Foundation.Decimal running the same rule 4.5× slower than Int64 fen.
package struct Money: Sendable, Hashable, Comparable {
    package var fen: Int64

    package init(fen: Int64) { self.fen = fen }

    package static let zero = Money(fen: 0)

    /// The largest amount a literal or a case file may state: 1万亿元, far above any subsidy, far
    /// below Int64's limit, so sums of many such amounts cannot overflow silently.
    package static let maxLiteral = Money(fen: 1_000_000_000_000 * 100)

    package static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// Adds, or nil on overflow.
    package func adding(_ other: Money) -> Money? {
        let (r, o) = fen.addingReportingOverflow(other.fen)
        return o ? nil : Money(fen: r)
    }

    package func subtracting(_ other: Money) -> Money? {
        let (r, o) = fen.subtractingReportingOverflow(other.fen)
        return o ? nil : Money(fen: r)
    }

    package func multiplied(by n: Int64) -> Money? {
        let (r, o) = fen.multipliedReportingOverflow(by: n)
        return o ? nil : Money(fen: r)
    }

    /// `self × rate`, rounded to the fen by `rounding`; also returns whether rounding changed it.
    package func multiplied(by rate: Percent, rounding: Rounding) -> (Money, exact: Bool)? {
        let product = Int128(fen) * Int128(rate.millionths)
        return Money.divide(product, by: 1_000_000, rounding: rounding)
    }

    /// `self ÷ n`, rounded to the fen.
    package func divided(by n: Int64, rounding: Rounding) -> (Money, exact: Bool)? {
        guard n != 0 else { return nil }
        return Money.divide(Int128(fen), by: Int128(n), rounding: rounding)
    }

    private static func divide(_ numerator: Int128, by denominator: Int128, rounding: Rounding) -> (Money, exact: Bool)? {
        var q = numerator / denominator
        let r = numerator % denominator
        if r != 0 {
            let negative = (numerator < 0) != (denominator < 0)
            let twice = (r < 0 ? -r : r) * 2
            let d = denominator < 0 ? -denominator : denominator
            let away: Bool
            switch rounding {
            case .halfUp: away = twice >= d
            case .halfEven: away = twice > d || (twice == d && q % 2 != 0)
            case .down: away = false
            }
            if away { q += negative ? -1 : 1 }
        }
        guard q >= Int128(Int64.min), q <= Int128(Int64.max) else { return nil }
        return (Money(fen: Int64(q)), r == 0)
    }

    /// Plain yuan with two decimals, as the JSON contract writes amounts: `190000.00`.
    package var plain: String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        let cents = m % 100
        return "\(sign)\(m / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// For people: `¥190,000.00`.
    package var display: String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        let cents = m % 100
        return "\(sign)¥\(Money.grouped(m / 100)).\(cents < 10 ? "0" : "")\(cents)"
    }

    private static func grouped(_ n: UInt64) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

/// How an amount with a fraction of a fen becomes whole fen. Stated once per policy package.
package enum Rounding: String, Sendable, Hashable, CaseIterable {
    case halfUp = "half_up"
    case halfEven = "half_even"
    case down = "down"
}

/// A rate such as `50%`, in millionths (so `12.3456%` is exact).
package struct Percent: Sendable, Hashable, Comparable {
    package var millionths: Int64
    package init(millionths: Int64) { self.millionths = millionths }
    package static func < (a: Percent, b: Percent) -> Bool { a.millionths < b.millionths }

    /// `50%`, `12.5%`.
    package var display: String {
        let whole = millionths / 10_000
        var frac = millionths.magnitude % 10_000
        if frac == 0 { return "\(whole)%" }
        var digits = 4
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        let s = String(frac)
        return "\(whole).\(String(repeating: "0", count: digits - s.count))\(s)%"
    }
}
