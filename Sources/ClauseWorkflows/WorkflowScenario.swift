import ClauseLanguage
import ClauseSyntax

/// A workflow scenario: a case with a history (a base file, patched) and what replaying it must
/// give. Lives in `Workflows/tests/*.yaml` under a top-level `workflow_scenarios:`, and runs in
/// `clause test` beside the policy scenarios.
package struct WorkflowScenario: Sendable {
    package var name: String
    package var file: String
    package var range: SourceRange
    package var caseNode: YAMLNode
    package var casePath: String
    package var asOf: CivilDate?
    package var expect: WorkflowExpectation
}

/// What a workflow scenario expects; every list is compared exactly and in order, so a scenario
/// fails when a violation goes missing and when an unexpected one appears.
package struct WorkflowExpectation: Sendable {
    package var state: String?
    /// Clause of each violation, in the order reported.
    package var violations: [String]?
    /// Clause of each schedule finding, in order (not compared when not given).
    package var findings: [String]?
    /// Kind of each violation (`not_allowed`, `role`, `guard`, `after_final`, `deadline`).
    package var kinds: [String]?
    /// For each violation, the index of the corrective event that mended it (`none`: standing).
    package var correctedBy: [Int?]?
    /// History index of each violation (`none` for a deadline passed without the event).
    package var at: [Int?]?
    /// Events each named role may take next (roles not named are not compared).
    package var next: [(role: String, events: [String])] = []
    /// The transitions taken, as `event:from->to`.
    package var steps: [String]?
    package var clawback: Money?
    /// Every payment together, in whatever state made.
    package var paid: Money?
    /// The policy's decision on the case as the history leaves it (the history's facts read):
    /// the workflow and the decision must agree.
    package var outcome: String?
    package var amount: Money?
    /// `.some(nil)` expects no ban.
    package var banUntil: CivilDate??
}
