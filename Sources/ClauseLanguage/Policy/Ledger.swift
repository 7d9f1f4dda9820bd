import ClauseSyntax

/// A figure a package reads from the fund's record (DESIGN principle 10): the amount granted to
/// this enterprise under an item, the sector platforms funded so far, the awards made for one
/// selected subject. Declared in the package's `ledger:` section, typed like everything else,
/// and seen by the rules as the fact `ledger.NAME` (0 when no record is consulted).
///
/// Only grants count: a refusal spends no room. The filter is declarative, a fact path that must
/// be `same` as the case's or equal a literal, so that every figure is a lookup by key in the
/// record (no scan of every decision ever made), and reads as the measures word it ("per
/// enterprise", "per platform", "for the programme").
package struct LedgerMeasure: Sendable {
    package enum Aggregate: Sendable, Equatable {
        /// The amounts granted (money).
        case sumAmount
        /// The grants (int).
        case count
        /// The distinct values of a fact among the grants (int).
        case countDistinct(path: String)
    }

    /// One condition on a recorded decision's case.
    package struct Match: Sendable {
        package enum Wanted: Sendable { case same, value(Value) }
        /// A dotted fact path from the case root (not through a list).
        package var path: String
        package var wanted: Wanted
    }

    package var name: String
    package var label: String
    package var labelEn: String?
    package var clause: String
    package var aggregate: Aggregate
    package var matches: [Match]
    package var range: SourceRange

    package var type: ValueType { aggregate == .sumAmount ? .money : .int }

    /// Every fact path the measure reads from a recorded case.
    package var paths: [String] {
        var out = matches.map(\.path)
        if case .countDistinct(let p) = aggregate { out.append(p) }
        return out
    }

    /// The name of the case record field that holds the figures (`ledger.NAME`).
    package static let factName = "ledger"
}
