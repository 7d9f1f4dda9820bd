/// A lookup table written as a parameter: the tiers of a measure by level (`2: 30万元`), by an
/// enum (`software: 50%`), with spans of levels (`3..4`) and an optional `default` row.
///
/// A table is a value like any other parameter value, so an amendment can give a parameter a new
/// table from a date, and the dated-parameter mechanism chooses the table in force.
package struct Table: Sendable, Hashable {
    /// One row's key as written: a whole number, an inclusive span of them, or an enum case.
    package enum Key: Sendable, Hashable {
        case int(Int64)
        case ints(Int64, Int64)
        case enumCase(Int)

        package func matches(_ v: Value) -> Bool {
            switch (self, v) {
            case (.int(let k), .int(let n)): k == n
            case (.ints(let lo, let hi), .int(let n)): lo <= n && n <= hi
            case (.enumCase(let k), .enumCase(_, let i)): k == i
            default: false
            }
        }

        /// The span of ints the key covers (nil for an enum key).
        package var span: ClosedRange<Int64>? {
            switch self {
            case .int(let n): n...n
            case .ints(let lo, let hi): lo...hi
            case .enumCase: nil
            }
        }
    }

    package struct Row: Sendable, Hashable {
        package var key: Key
        package var value: Value
        package init(key: Key, value: Value) {
            self.key = key
            self.value = value
        }
    }

    package var rows: [Row]
    /// The value for a key no row names; nil: such a key has no value (`none`).
    package var fallback: Value?

    package init(rows: [Row], fallback: Value?) {
        self.rows = rows
        self.fallback = fallback
    }

    /// The row a key selects (nil: the default row) and its value; nil when no row and no default.
    package func lookup(_ key: Value) -> (row: Int?, value: Value)? {
        for (i, r) in rows.enumerated() where r.key.matches(key) { return (i, r.value) }
        return fallback.map { (nil, $0) }
    }

    /// Whether every int from `lo` to `hi` has a row (or the table has a default).
    package func covers(_ lo: Int64, _ hi: Int64) -> Bool {
        if fallback != nil { return true }
        guard lo <= hi else { return true }
        var next = lo
        for span in rows.compactMap(\.key.span).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if span.lowerBound > next { return false }
            if span.upperBound >= next {
                if span.upperBound >= hi { return true }
                next = span.upperBound + 1
            }
        }
        return false
    }

    /// Whether every case of an enum with `count` cases has a row (or the table has a default).
    package func coversEnum(count: Int) -> Bool {
        if fallback != nil { return true }
        var seen = Set<Int>()
        for r in rows { if case .enumCase(let i) = r.key { seen.insert(i) } }
        return seen.count >= count
    }
}
