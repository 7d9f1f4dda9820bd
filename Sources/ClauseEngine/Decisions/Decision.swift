import ClauseLanguage

/// What was decided for one case, under which policy, and why: the product's main output.
package struct Decision: Sendable {
    package enum Outcome: String, Sendable, CaseIterable {
        case granted, refused, incomplete, review
    }

    /// A clause that decided the outcome.
    package struct Reason: Sendable, Hashable {
        package enum Effect: String, Sendable {
            case refuse, award, cap, needs, review
        }
        package var clause: String
        package var cite: String
        package var rule: String
        package var effect: Effect
        package var message: String
        package var messageEn: String?
    }

    /// 第十三条's effects: money to take back and a ban's last day.
    package struct Consequences: Sendable, Hashable {
        package var clawback: Money = .zero
        package var blacklistedUntil: CivilDate?
    }

    /// A fact the outcome depends on that the case does not give.
    package struct MissingFact: Sendable, Hashable, Comparable {
        package var fact: String
        package var label: String
        package static func < (a: MissingFact, b: MissingFact) -> Bool { a.fact < b.fact }
    }

    package var caseID: String
    package var casePath: String
    package var policyID: String
    package var policyTitle: String
    package var policyVersion: String
    package var policyDigest: String
    package var item: String?
    package var asOf: CivilDate
    package var outcome: Outcome
    package var amount: Money
    package var reasons: [Reason]
    package var consequences: Consequences
    package var missing: [MissingFact]
    /// Every rule, in package order, with what it found.
    package var rules: [RuleTrace]
    /// The definitions that were evaluated, with their values.
    package var definitions: [DefinitionTrace]
    /// Every package that took part: the base and the amendments in force on the evaluation date.
    package var packages: [PackageRef] = []
    /// The ban that the store's registry supplied because the case did not state one; nil when
    /// the case's own facts decided (always, without a store).
    package var registryBan: RegistryBan? = nil
    /// What the decision counted from the fund's record (a package with `ledger:` only): nil
    /// when no record was consulted, in which case the figures were 0 and the words say so.
    package var ledger: LedgerUse? = nil
    /// What would have to change for a grant, each remedy decided again (`RemedyFinder`); nil
    /// when not searched (a grant, or output that does not show them, such as the recorded JSON).
    package var remedies: RemedySearch? = nil
}

extension Decision {
    /// The amount granted under each named award part (`part:`), summed over the rules that
    /// determine it; empty unless the case is granted.
    package var partAmounts: [String: Money] {
        guard outcome == .granted else { return [:] }
        var out: [String: Money] = [:]
        for r in rules where r.status == .fired && r.kind == .award {
            guard let part = r.part else { continue }
            out[part] = out[part, default: .zero].adding(r.amount ?? .zero) ?? out[part]
        }
        return out
    }
}

/// One rule's part in a decision.
package struct RuleTrace: Sendable {
    package enum Status: String, Sendable {
        /// Its `for` did not hold: the rule does not concern this case.
        case notApplicable = "not_applicable"
        /// Checked and found nothing against the case.
        case passed
        /// Refused, sent to review, or (for an award) determined the amount.
        case fired
        /// Could not be decided: facts are missing.
        case pending
        /// Not in force on the evaluation date (retired or replaced by an amendment, or not yet
        /// effective); evaluated anyway so a reviewer sees whether it would have decided.
        case notInForce = "not_in_force"
    }
    package var rule: String
    package var kind: Rule.Kind
    package var clauses: [String]
    package var status: Status
    /// The award part the rule determines (`part:`), if it names one.
    package var part: String? = nil
    /// An award part that may come to nothing without refusing (`may_be_zero:`).
    package var mayBeZero = false
    package var message: String?
    package var messageEn: String?
    package var fix: String?
    package var fixEn: String?
    package var amount: Money?
    /// The award before the cap, when a cap applied.
    package var uncapped: Money?
    package var capped: Bool = false
    package var missing: [String] = []
    /// For a rule not in force: whether it would have refused, awarded or flagged the case.
    package var wouldFire: Bool? = nil
    /// For a rule not in force: the amendment that ended it, or the date it starts.
    package var endedBy: String? = nil
    package var startsOn: CivilDate? = nil
    /// The expressions evaluated, with every sub-expression's value.
    package var steps: [TraceNode]
}

package struct DefinitionTrace: Sendable {
    package var name: String
    package var label: String
    package var clause: String?
    /// Every clause the definition cites; `clause` is the first.
    package var clauses: [String] = []
    package var node: TraceNode
}

/// One evaluated expression and the values of its parts: the justification's arithmetic.
package struct TraceNode: Sendable {
    package enum Result: Sendable {
        case value(Value)
        case missing([String])
    }
    /// Which expression this is, as written, and what role it plays (`when`, `award`, `cap`…).
    package var text: String
    package var role: String?
    package var type: ValueType
    package var result: Result
    package var children: [TraceNode]
    /// For money × rate that needed rounding: the exact value before rounding.
    package var exact: String?
    /// For an aggregation: what each element contributed and, if it was left out, why.
    package var elements: [ElementTrace]?
    /// What the expression refers to: a fact's label, a parameter's or definition's label.
    package var label: String?
    /// Where a parameter's value came from (its dated entry).
    package var origin: String?
    /// Where `text` lies in its expression string (`CheckedExpr.start`, `end`): the compact JSON
    /// trace points into the root expression's text instead of repeating it.
    package var start: Int = 0
    package var end: Int = 0
    /// `and` or `or` for a connective, whose value follows from its operands' (so a chain of them
    /// can be written as its terms alone).
    package var connective: String? = nil
    /// For an aggregation: the name its elements are bound to (`e` in `sum(e.amount for e in …)`).
    package var variable: String? = nil

    package var value: Value? {
        if case .value(let v) = result { return v }
        return nil
    }
}

package struct ElementTrace: Sendable {
    package var index: Int
    package var element: Value
    package var included: Bool
    /// The filter's evaluation, when there is a filter.
    package var filter: TraceNode?
    package var contribution: TraceNode?
}

/// A case that could not be decided because evaluation itself failed (an amount overflowed):
/// an error in the input, reported like any other.
package struct EvaluationFailure: Error, Sendable {
    package var message: String
}
