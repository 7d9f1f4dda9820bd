import ClauseSyntax

/// An expression after type checking: names resolved to slots, operators resolved to the typed
/// operation they perform, so evaluation does no string lookups and no type dispatch by name.
package struct CheckedExpr: Sendable {
    package indirect enum Kind: Sendable {
        case constant(Value)
        /// A fact of the case, by field indices from the case record; `name` is the dotted path.
        case fact(path: [Int], name: String)
        /// A `let` name or an aggregation's element, by slot.
        case local(slot: Int, name: String)
        /// A field of a record that is not itself a fact path (an element of a list).
        case member(CheckedExpr, field: Int, name: String)
        case parameter(Int)
        case definition(Int)
        /// The evaluation date (the case's `applied_on` unless overridden).
        case asOf
        case negate(CheckedExpr)
        case not(CheckedExpr)
        case and(CheckedExpr, CheckedExpr)
        case or(CheckedExpr, CheckedExpr)
        case arithmetic(Arithmetic, CheckedExpr, CheckedExpr)
        case compare(BinaryOperator, CheckedExpr, CheckedExpr)
        /// `x in list` (or `not in` when negated).
        case inList(CheckedExpr, CheckedExpr, negated: Bool)
        /// `date in period`.
        case inPeriod(CheckedExpr, CheckedExpr, negated: Bool)
        case list([CheckedExpr])
        case aggregate(Aggregate, body: CheckedExpr, slot: Int, variable: String, source: CheckedExpr, filter: CheckedExpr?)
        /// `present(x)`: known and not none.
        case present(CheckedExpr)
        case otherwise(CheckedExpr, CheckedExpr)
        case conditional(CheckedExpr, then: CheckedExpr, else: CheckedExpr)
        case extremum(isMin: Bool, [CheckedExpr])
        case periodBound(CheckedExpr, isStart: Bool)
        /// `tier_caps[project.digital_level]`: the row of a table parameter that the key selects;
        /// `none` when no row does and the table has no default.
        case lookup(table: CheckedExpr, key: CheckedExpr)
    }

    /// The arithmetic that type checking chose for `+ − × ÷`.
    package enum Arithmetic: Sendable {
        case moneyAdd, moneySubtract, moneyTimesPercent, percentTimesMoney, moneyTimesInt, intTimesMoney, moneyDivideInt
        /// `amount ÷ (100% + vat)`: a tax-exclusive amount, rounded to the fen like money × percent.
        case moneyDividePercent
        case intAdd, intSubtract, intMultiply
        case dateAddDuration, dateSubtractDuration, durationAdd
        case percentAdd, percentSubtract

        package var symbol: String {
            switch self {
            case .moneyAdd, .intAdd, .dateAddDuration, .durationAdd, .percentAdd: "+"
            case .moneySubtract, .intSubtract, .dateSubtractDuration, .percentSubtract: "−"
            case .moneyTimesPercent, .percentTimesMoney, .moneyTimesInt, .intTimesMoney, .intMultiply: "×"
            case .moneyDivideInt, .moneyDividePercent: "÷"
            }
        }
    }

    package var kind: Kind
    package var type: ValueType
    /// The expression's own text, as written, for traces and messages.
    package var text: String
    /// Where `text` lies in the expression string it was parsed from, in Unicode scalars
    /// (`start..<end`); both 0 for an expression the checker made up. A trace points into its
    /// root expression's text with these instead of repeating every sub-expression's text.
    package var start: Int = 0
    package var end: Int = 0

    package init(_ kind: Kind, _ type: ValueType, _ text: String) {
        self.kind = kind
        self.type = type
        self.text = text
    }

    /// Whether a trace should show this node's value: literals speak for themselves.
    package var isConstant: Bool {
        if case .constant = kind { return true }
        return false
    }

    /// The expression's direct parts, left to right (an aggregation's source, then its body and
    /// filter); a definition's expression is not among them, only its number. Every kind is named,
    /// so that a new kind of expression has to say what it is made of.
    package var operands: [CheckedExpr] {
        switch kind {
        case .constant, .fact, .local, .parameter, .definition, .asOf: []
        case .member(let b, _, _): [b]
        case .negate(let x), .not(let x), .present(let x), .periodBound(let x, _): [x]
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .otherwise(let a, let b),
             .compare(_, let a, let b), .inList(let a, let b, _), .inPeriod(let a, let b, _), .lookup(let a, let b): [a, b]
        case .list(let items), .extremum(_, let items): items
        case .conditional(let c, let a, let b): [c, a, b]
        case .aggregate(_, let body, _, _, let source, let filter): [source, body] + (filter.map { [$0] } ?? [])
        }
    }
}
