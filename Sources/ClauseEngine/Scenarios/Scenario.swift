import ClauseLanguage
import ClauseSyntax

/// A scenario test: a case (a base file, patched) and the decision expected for it.
package struct Scenario: Sendable {
    package var name: String
    package var file: String
    package var range: SourceRange
    /// The case to decide, already patched.
    package var caseNode: YAMLNode
    /// Where the case came from, for the reproduce command.
    package var casePath: String
    package var asOf: CivilDate?
    package var policyDirectory: String?
    package var expect: Expectation
    /// Grants the fund's record already holds when this case is decided (`recorded:`): the
    /// scenario's way to state prior decisions for the package's `ledger:` figures.
    package var recorded: [RecordedGrant] = []
}

/// One prior grant a scenario states: a case like the scenario's own (patched by `with`), its
/// number, the amount granted and the date it was decided.
package struct RecordedGrant: Sendable {
    package var caseID: String
    package var amount: Money
    package var on: CivilDate?
    /// The recorded case: the scenario's case with this grant's `with` applied.
    package var caseNode: YAMLNode
    package var range: SourceRange
    /// The amount of each award part within `amount` (`parts: { base: 30万元 }`), for the figures
    /// that sum one part; a part not named counts nothing.
    package var parts: [String: Money] = [:]
}

/// What a scenario expects. Reasons are a subset check by default (`reasons`), exact with
/// `only_reasons`; amounts are compared to the fen.
package struct Expectation: Sendable {
    package var outcome: Decision.Outcome?
    package var amount: Money?
    package var reasons: [String] = []
    package var onlyReasons: [String]?
    package var notReasons: [String] = []
    package var missing: [String]?
    package var clawback: Money?
    /// `.some(nil)` expects no ban.
    package var blacklistedUntil: CivilDate??
    /// Every clause id and fact path the expectation names, where it is written, so `clause check`
    /// can say which do not exist in the package under test.
    package var references: [Reference] = []

    package struct Reference: Sendable {
        package enum Kind: Sendable { case clause, fact }
        package var kind: Kind
        package var text: String
        package var range: SourceRange
    }
}
