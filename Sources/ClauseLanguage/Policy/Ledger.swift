import ClauseSyntax

/// A figure a package reads from the fund's record (docs/reference/ledger.md): the amount granted to
/// this enterprise under an item, the sector platforms funded so far, the awards made for one
/// selected subject. Declared in the package's `ledger:` section, typed like everything else,
/// and seen by the rules as the fact `ledger.NAME` (0 when no record is consulted).
///
/// Only grants count: a refusal spends no room. The filter is declarative, a fact path that must
/// be `same` as the case's or equal a literal, so that every figure is a lookup by key in the
/// record (no scan of every decision ever made), and reads as the measures word it ("per
/// enterprise", "per platform", "for the programme").
@usableFromInline package struct LedgerMeasure: Sendable {
    package enum Aggregate: Sendable, Equatable {
        /// The amounts granted (money).
        case sumAmount
        /// The amounts granted under one award part (`sum: award.base`): a cap that covers the
        /// base subsidy and not a top-up beside it.
        case sumPart(String)
        /// The grants (int).
        case count
        /// The distinct values of a fact among the grants (int).
        case countDistinct(path: String)
    }

    /// One condition on a recorded decision's case.
    package struct Match: Sendable {
        /// `same`: equal to the case's; `sameYear`: a date in the case's calendar year (an
        /// annual budget, 「年度预算…用完即止」); or equal to a literal.
        package enum Wanted: Sendable { case same, sameYear, value(Value) }
        /// A dotted fact path from the case root (not through a list).
        package var path: String
        package var wanted: Wanted
    }

    /// What the figure may reach: a parameter (the cap in force on the decision's date) or a
    /// literal. Only for saying the room left (`explain`, `clause ledger`); the rules still decide.
    package enum Limit: Sendable {
        case parameter(String)
        case value(Value)
        /// A limit that depends on the case (`limit: batch_caps[batch]`): evaluated for each
        /// decision's case, with `slots` locals; `clause ledger`, which has no case, shows none.
        case expression(CheckedExpr, slots: Int)
    }

    package var name: String
    package var label: String
    package var labelEn: String?
    package var clause: String
    /// Every clause the figure cites (`clause: [a, b]`); `clause` is the first.
    package var clauses: [String] = []
    package var aggregate: Aggregate
    package var matches: [Match]
    package var range: SourceRange
    package var limit: Limit? = nil

    package var type: ValueType {
        switch aggregate {
        case .sumAmount, .sumPart: .money
        case .count, .countDistinct: .int
        }
    }

    /// The path under which a grant's amount for award part `part` is kept with the decision.
    package static func partPath(_ part: String) -> String { "award.\(part)" }

    /// Every fact path the measure reads from a recorded case.
    package var paths: [String] {
        var out = matches.map(\.path)
        if case .countDistinct(let p) = aggregate { out.append(p) }
        if case .sumPart(let part) = aggregate { out.append(LedgerMeasure.partPath(part)) }
        return out
    }

    /// The name of the case record field that holds the figures (`ledger.NAME`).
    package static let factName = "ledger"
}

extension Policy {
    /// The limit of `measure` in force on `date` (a parameter's dated value), if it has one.
    package func limit(of measure: LedgerMeasure, on date: CivilDate) -> Value? {
        switch measure.limit {
        case nil, .expression: nil
        case .value(let v): v
        case .parameter(let name): parameters.first { $0.name == name }?.value(on: date).value
        }
    }

    /// What is left under the limit of `measure` once `figure` is counted (never below zero);
    /// nil without a limit.
    package func room(of measure: LedgerMeasure, figure: Value, on date: CivilDate) -> Value? {
        Policy.room(limit: limit(of: measure, on: date), figure: figure)
    }

    /// What is left under `limit` once `figure` is counted (never below zero, never above the
    /// limit); nil without one. A figure below zero (only a record altered by hand holds one)
    /// leaves the whole limit, without the subtraction overflowing.
    package static func room(limit: Value?, figure: Value) -> Value? {
        func left(_ cap: Int64, _ used: Int64) -> Int64 { max(cap - min(max(used, 0), max(cap, 0)), 0) }
        return switch (limit, figure) {
        case (.money(let cap)?, .money(let used)): .money(Money(fen: left(cap.fen, used.fen)))
        case (.int(let cap)?, .int(let used)): .int(left(cap, used))
        default: nil
        }
    }
}
