import ClauseLanguage
import ClauseSyntax

/// One state machine over a case's history (the procedure is rules too), loaded and type-checked
/// against the policy package whose facts its guards read.
///
/// Several machines run side by side over one history (the application, 第九条's changes, 第十三条's
/// fraud procedure): each event belongs to exactly one machine, so a change request does not have
/// to be modelled in every review state of the application.
package struct Workflow: Sendable {
    package var id: String
    package var title: String
    package var titleEn: String?
    package var policyID: String
    /// The machine whose state is the case's state (the application); the others run beside it.
    package var isMain: Bool
    package var path: String
    package var roles: [WorkflowRole]
    package var events: [WorkflowEvent]
    package var states: [WorkflowState]
    package var transitions: [Transition]
    package var deadlines: [Deadline]
    /// Facts of the case that an event of this machine records (`fraud_found_on` ← `fraud_found`):
    /// before that event, the decision a guard sees is made without them, as it stood then.
    package var recordedBy: [(fact: String, event: String)]
    /// Index into `states`.
    package var initial: Int
    package var range: SourceRange

    package func stateIndex(_ name: String) -> Int? { states.firstIndex { $0.name == name } }
    package func event(_ name: String) -> WorkflowEvent? { events.first { $0.name == name } }

    /// The names of the package's parameters that this workflow's guards, effects and deadlines read.
    package func parametersRead(_ policy: Policy) -> [String] {
        var exprs = transitions.flatMap { $0.guards.map(\.expr) + $0.effects.map(\.expr) }
        exprs += deadlines.flatMap { [$0.by, $0.notBefore, $0.when].compactMap { $0 } }
        var out: [String] = []
        for e in exprs {
            e.visit { node in
                if case .parameter(let i) = node.kind, i < policy.parameters.count, !out.contains(policy.parameters[i].name) {
                    out.append(policy.parameters[i].name)
                }
            }
        }
        return out
    }
}

/// A typed attribute of an actor (a district bureau's `district`) or of an event (`amount`).
package struct Attribute: Sendable {
    package var name: String
    package var type: ValueType
    package var range: SourceRange
}

/// Who may act: 申报企业, 区县工信部门 (with its district), 市工信局, 第三方测评机构.
package struct WorkflowRole: Sendable {
    package var name: String
    package var label: String
    package var labelEn: String?
    package var attributes: [Attribute]
    package var range: SourceRange
}

/// Something that happens to a case, recorded in its history.
package struct WorkflowEvent: Sendable {
    package var name: String
    package var label: String
    package var labelEn: String?
    package var clause: String
    package var roles: [String]
    package var payload: [Attribute]
    /// What taking it in the wrong state means (验收前拨付), for the violation message.
    package var outOfOrder: String?
    package var outOfOrderEn: String?
    /// Events this one corrects (a city bureau reopening a mistaken 初审): taking it marks the
    /// violations of earlier such events as corrected, so an append-only history can mend a step.
    package var corrects: [String] = []
    package var range: SourceRange
}

/// Where a case stands, citing the clause that puts it there.
package struct WorkflowState: Sendable {
    package var name: String
    package var label: String
    package var labelEn: String?
    package var clause: String
    package var isFinal: Bool
    /// A final state that ends the whole case, every machine (第十三条 取消申报资格).
    package var closesCase: Bool
    package var range: SourceRange
}

/// An event taking a machine from some states to another, by some roles, when a guard holds.
package struct Transition: Sendable {
    package var event: String
    package var from: [Int]
    package var to: Int
    package var roles: [String]
    package var clause: String
    /// Conditions that must all hold; each failing one is its own violation, in its own words.
    package var guards: [Guard]
    package var effects: [Effect]
    /// The policy the guard and effects were checked against, with the actor, the event and the
    /// decision added as facts.
    package var scope: GuardScope
    package var range: SourceRange
}

/// A condition of a transition, with the words a reviewer reads when it does not hold
/// (属地原则: the district reviews only its own district's applications) and the clause it applies.
package struct Guard: Sendable {
    package var expr: CheckedExpr
    package var clause: String
    package var say: MessageTemplate?
    package var sayEn: MessageTemplate?
    /// Whether it reads the decision (`decision.*`): a failure then cites the clauses that refused.
    package var readsDecision: Bool
    package var range: SourceRange
}

/// What taking a transition does beyond changing state.
package struct Effect: Sendable {
    package enum Kind: String, Sendable {
        /// Money to be returned (第十三条 收回已经拨付的财政资金).
        case clawback
        /// The last day of a ban (第十三条 三年内不得享受).
        case banUntil = "ban_until"
    }
    package var kind: Kind
    package var expr: CheckedExpr
    package var range: SourceRange
}

/// An event that must happen by a date: absolute (the work plan's timeline) or a duration after
/// another event.
package struct Deadline: Sendable {
    package var label: String
    package var labelEn: String?
    package var event: String
    /// The event that starts the clock; nil: the deadline always applies.
    package var after: String?
    /// Applies only when `after` happened in this period.
    package var during: Period?
    /// Applies only when this condition on the case holds (`batch == 1`); unknown: does not apply.
    package var when: CheckedExpr?
    /// The due date, an expression on the case and the package's parameters
    /// (`end(validity)`, `batch_acceptance_due[batch]`); unknown for a case: does not apply.
    package var by: CheckedExpr?
    /// The day the window opens (`batch_acceptance_opens[batch]`): the event before it is as
    /// much out of the window as one after `by`.
    package var notBefore: CheckedExpr?
    package var within: CalendarDuration?
    /// The city's own timetable (the work plan's windows), not the applicant's duty: missing it is
    /// a `schedule` finding, which does not make `workflow check` fail.
    package var schedule: Bool
    package var clause: String
    /// The scope `when` and `by` were checked in (the case's facts and the package's parameters).
    package var scope: GuardScope?
    package var range: SourceRange
}
