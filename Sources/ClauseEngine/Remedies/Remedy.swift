import ClauseLanguage

/// A set of fact changes that, applied to the case and decided again, gives a grant: what an
/// applicant could do, checked against the rules rather than read from static words.
package struct Remedy: Sendable, Hashable {
    /// One fact and its new value, as a case file would state it.
    package struct Change: Sendable, Hashable {
        /// Dotted path as scenarios write it: `project.expenses[1].paid_on`.
        package var path: String
        /// The fact's label (labels along the path joined by ` · `), Chinese and English.
        package var label: String
        package var labelEn: String
        package var type: ValueType
        /// The case's value before; nil when the case did not give the fact.
        package var was: Value?
        package var value: Value
    }

    package var changes: [Change]
    /// The outcome after the changes (always `granted`: only grants are kept).
    package var outcome: Decision.Outcome
    package var amount: Money
    /// The rules the change lifts, by id: what stood in the way.
    package var lifts: [String]
}

/// What the search for remedies found for one decision.
package struct RemedySearch: Sendable {
    /// Each remedy leads to a grant; the fewest changes first. Empty: no change of the facts that
    /// may still change leads to a grant.
    package var remedies: [Remedy]
    /// When there is no remedy: changes that lift a refusing rule but meet another that still
    /// refuses (a ban that ends after the measures do), so the words can say why.
    package var deadEnds: [DeadEnd]
    /// Whether the search stopped at its budget before trying everything.
    package var exhausted: Bool
    /// How many changed cases it decided: what the search cost, for tests and measurements.
    package var decided = 0

    package struct DeadEnd: Sendable, Hashable {
        package var changes: [Remedy.Change]
        package var outcome: Decision.Outcome
        /// The rules of the first decision the changes lift.
        package var lifts: [String]
        /// The rules that still refuse (or wait) after the changes.
        package var blockedBy: [String]
        /// Their clauses, in rule order, each once.
        package var clauses: [String]
    }
}
