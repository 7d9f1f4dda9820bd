import ClauseLanguage
import ClauseSyntax

// The programme report's input, kept here so that the store can read its record into it without
// depending on the report (its fold and renderers are in ClauseReports).

/// One recorded case as the programme report reads it: its latest decision and its case file.
package struct ProgrammeRecord: Sendable {
    package var caseID: String
    /// `granted`, `refused`, `incomplete`, `review`, or `revoked` (taken back after the fact).
    package var outcome: String
    package var amount: Money
    package var asOf: CivilDate
    /// Nil when the recorded text no longer reads under today's package.
    package var caseFile: CaseFile?

    package init(caseID: String, outcome: String, amount: Money, asOf: CivilDate, caseFile: CaseFile?) {
        self.caseID = caseID
        self.outcome = outcome
        self.amount = amount
        self.asOf = asOf
        self.caseFile = caseFile
    }
}

/// One recorded workflow event: its date and the event mapping as recorded.
package struct ProgrammeEvent: Sendable {
    package var caseID: String
    package var event: String
    package var on: CivilDate?
    package var payload: YAMLNode?

    package init(caseID: String, event: String, on: CivilDate?, payload: YAMLNode?) {
        self.caseID = caseID
        self.event = event
        self.on = on
        self.payload = payload
    }
}
