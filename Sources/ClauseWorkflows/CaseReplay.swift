import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// What replaying a case's history found: where it stands, each step with its clause and the
/// values its guard saw, every violation, what each role may do next, and the effects.
package struct CaseReplay: Sendable {
    /// One transition taken.
    package struct Step: Sendable {
        package var index: Int
        package var event: String
        package var on: CivilDate
        package var machine: String
        package var from: String
        package var to: String
        package var clause: String
        package var guardText: String?
        /// The facts the guard read, as `name = value` (in the language asked for).
        package var guardValues: [(text: String, value: String)]
        /// Whether the guard held (true when there is no guard).
        package var guardHeld: Bool
        /// False for a payment made where the machine has no way to pay: listed, since the money
        /// went out, but the state stays.
        package var allowed = true
    }

    package struct Violation: Sendable {
        package enum Kind: String, Sendable, CaseIterable {
            /// The event is not possible in the machine's state (paying before acceptance,
            /// carrying out a change before it is filed).
            case notAllowed = "not_allowed"
            /// The actor does not have a role that may take the event.
            case role
            /// The transition's guard does not hold (a reviewer outside the applicant's district).
            case guardFailed = "guard"
            /// Anything after a final state.
            case afterFinal = "after_final"
            /// An event later than its deadline, or not there by `--as-of`.
            case deadline
            /// The city's own timetable missed (the work plan's windows): a finding, not the
            /// applicant's violation; reported under `findings`, it does not fail `workflow check`.
            case schedule
            /// An event dated before the event recorded before it: the history is replayed in the
            /// order recorded, and the disorder is flagged.
            case order
            /// A payment on a day within a 第十三条 ban of the applicant: 不得享受政府财政专项资金.
            case ban
            /// What was paid, all payments together, exceeds the decided amount; the message names the excess.
            case excess
        }
        package var kind: Kind
        package var clause: String
        /// Index in the history; nil for a deadline that passed without the event.
        package var event: Int?
        package var message: String
        package var messageEn: String
        /// Other clauses the violation rests on: for a guard on the decision, those that refused it.
        package var cites: [String] = []
        /// The index of the corrective event that mended it (and its reason), if one did: the
        /// violation stays on the record but no longer fails `workflow check`.
        package var correctedBy: Int?
        package var correctionReason: String?
    }

    /// A deadline still running: the event has not happened and the date has not passed.
    package struct Pending: Sendable {
        package var deadline: Deadline
        package var due: CivilDate
    }

    package var caseID: String
    package var policy: Policy
    /// The main machine's state, or the state that closed the case.
    package var state: WorkflowState
    package var states: [(machine: String, state: WorkflowState)]
    package var steps: [Step]
    package var violations: [Violation]
    /// The violations no corrective event has mended: those that fail `workflow check`.
    package var standing: [Violation] { violations.filter { $0.correctedBy == nil } }
    /// Schedule findings (kind `schedule`): reported, not counted as violations.
    package var findings: [Violation] = []
    /// For each role, in declaration order, the events it may take now.
    package var next: [(role: WorkflowRole, events: [WorkflowEvent])]
    package var clawback: Money
    /// Every payment the history records, made in whatever state: money that went out.
    package var paid: Money = .zero
    /// The bans a payment must respect (the case's own finding, the ban it states, the registry's).
    package var bans: [PaymentBan] = []
    /// The event that pays money out (the package's `funding.payments`, else `pay`).
    package var paymentEvent = HistoryFacts.paymentEvent
    package var banUntil: CivilDate?
    package var pending: [Pending]

    /// What `next --as` needs to judge an event not yet taken: the machines, where each stands,
    /// whether the case is closed, the case's facts and its decision as it stands now.
    package var machines: [Workflow] = []
    package var current: [Int] = []
    package var closed = false
    package var facts: [Value?] = []
    package var decision: Decision?
    /// The date of the last event (or nil for an empty history).
    package var lastDate: CivilDate?

    /// The ban a payment on `day` would fall within, if any.
    package func ban(on day: CivilDate) -> PaymentBan? { bans.first { $0.contains(day) } }

    /// Whether what was paid already covers what the decision grants, so no payment is due.
    package var paidInFull: Bool {
        guard paid > .zero, let d = decision else { return false }
        return paid >= (d.outcome == .granted ? d.amount : .zero)
    }
}
