import ClauseLanguage

/// What was decided for one case, under which policy, and why: the product's main output.
public struct Decision: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        case granted, refused, incomplete, review
    }

    /// A clause that decided the outcome.
    public struct Reason: Sendable, Hashable {
        package enum Effect: String, Sendable {
            case refuse, award, cap, needs, review
        }
        public var clause: String
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

    public var caseID: String
    package var casePath: String
    package var policyID: String
    package var policyTitle: String
    package var policyVersion: String
    package var policyDigest: String
    package var item: String?
    package var asOf: CivilDate
    public var outcome: Outcome
    public var amount: Money
    public var reasons: [Reason]
    package var consequences: Consequences
    package var missing: [MissingFact]
    /// Every rule, in package order, with what it found.
    public var rules: [RuleTrace]
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
public struct RuleTrace: Sendable {
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
    public var rule: String
    package var kind: Rule.Kind
    package var clauses: [String]
    package var status: Status
    /// The award part the rule determines (`part:`), if it names one.
    package var part: String? = nil
    /// An award part that may come to nothing without refusing (`may_be_zero:`).
    package var mayBeZero = false
    package var message: String?
    package var messageEn: String?
    public var fix: String?
    public var fixEn: String?
    package var amount: Money?
    /// The award before the cap, when a cap applied.
    public var uncapped: Money?
    package var capped: Bool = false
    package var missing: [String] = []
    /// For a rule not in force: whether it would have refused, awarded or flagged the case.
    package var wouldFire: Bool? = nil
    /// For a rule not in force: the amendment that ended it, or the date it starts.
    package var endedBy: String? = nil
    package var startsOn: CivilDate? = nil
    /// The expressions evaluated, with every sub-expression's value.
    package var steps: [TraceNode]
    /// The earlier rule (by place in the decision's rules) whose `for` step this rule's first
    /// step is: the same text over the same case, taken rather than evaluated again.
    package var appliesAsIn: Int? = nil
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
    /// Which expression this is, as written, and what role it plays (`for`, `award`, `cap`…).
    package var text: String
    package var role: Role?
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
    /// For an aggregation: the name its elements are bound to (`e` in `sum(e.amount for e in …)`).
    package var variable: String? = nil
    /// What kind of expression this is, as the evaluator knew it: every wording reads this, never
    /// the text.
    package var kind: Kind = .literal(writtenAsName: false)

    /// `and` or `or` for a connective, whose value follows from its operands' (so a chain of them
    /// can be written as its terms alone).
    package var connective: String? {
        if case .connective(let isAnd) = kind { return isAnd ? "and" : "or" }
        return nil
    }

    package var value: Value? {
        if case .value(let v) = result { return v }
        return nil
    }

    /// The first operand's type, read in place: taking the child out of the array to read one
    /// field copies the whole node, a dozen retains and releases.
    package var firstChildType: ValueType? { children.withUnsafeBufferPointer { $0.isEmpty ? nil : $0[0].type } }
}

extension TraceNode {
    /// The kinds of expression a trace distinguishes.
    package enum Kind: Sendable, Equatable {
        /// A constant. A constant is traced only where it plays a role; `writtenAsName` when it
        /// was written as a bare word (an enum value, `true`), which the JSON trace lists with
        /// the names.
        case literal(writtenAsName: Bool)
        /// A name: a fact's path, a `let` or an element's variable, a parameter, a definition,
        /// `as_of`.
        case name
        /// A field of a record (`e.category`): the field's index in the base's record type;
        /// `isName` when the base is itself a name, so the whole is a dotted path.
        case member(field: Int, isName: Bool)
        /// `+ − × ÷`, with the text of a constant operand (not traced) and its side.
        case operation(CheckedExpr.Arithmetic, constant: ConstantOperand?)
        case negation
        /// `not x`.
        case inversion
        case comparison(BinaryOperator)
        /// `x in list`, `d in period` (or `not in`).
        case membership(negated: Bool)
        /// `and` (true) or `or` (false).
        case connective(isAnd: Bool)
        case list
        case aggregate(Aggregate)
        /// `min(…)` or `max(…)` of listed values.
        case extremum(isMin: Bool)
        /// `table[key]` of a table parameter (its index), and the row that the key chose.
        case lookup(parameter: Int?, row: LookupRow)
        case conditional
        case otherwise
        case present
        /// `start(period)` or `end(period)`.
        case periodBound(isStart: Bool)

        /// Whether the node names a value (a fact, a parameter, a definition, a variable, a
        /// member of one, an enum value): such a node can have a label, and the JSON trace keeps
        /// its value once in `values`.
        package var isName: Bool {
            switch self {
            case .name: true
            case .literal(let named): named
            case .member(_, let named): named
            default: false
            }
        }

        package var isLookup: Bool {
            if case .lookup = self { return true }
            return false
        }

        package var isExtremum: Bool {
            if case .extremum = self { return true }
            return false
        }
    }

    /// A constant operand of an operation, as written, and on which side of the operator.
    package struct ConstantOperand: Sendable, Equatable {
        package var text: String
        package var isLeft: Bool
    }

    /// Which row a table read chose: one written (its key as the trace shows it), the default
    /// row, or none (the value is then none).
    package enum LookupRow: Sendable, Equatable {
        case written(String)
        case byDefault
        case none
    }

    /// What role a root expression plays in its rule or definition.
    package enum Role: Sendable, Equatable {
        /// `for`: whether the rule concerns the case.
        case applies
        /// The rule's own expression, named by its kind (`refuse_when`, `require`, `review_when`,
        /// `needs`, `award`).
        case main(Rule.Kind)
        case cap
        case clawback
        case banUntil
        /// A `cite_when` condition.
        case cite
        /// A `let`'s or a definition's expression, by its name.
        case binding(String)

        /// The role as the JSON trace writes it.
        package var name: String {
            switch self {
            case .applies: "for"
            case .main(let kind): kind.rawValue
            case .cap: "cap"
            case .clawback: "clawback"
            case .banUntil: "ban_until"
            case .cite: "cite"
            case .binding(let name): name
            }
        }
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

/// A case that could not be decided because evaluation itself failed: usually an error in the
/// input (an amount overflowed), reported like any other; rarely a fault of clause itself
/// (`EvaluationFault.brokenInvariant`), reported as one.
public struct EvaluationFailure: Error, Sendable {
    public var message: String
    /// Whether clause itself is at fault, not the case or the package.
    package var isFaultOfClause = false
}
