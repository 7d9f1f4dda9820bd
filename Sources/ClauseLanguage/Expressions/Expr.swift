/// An expression as parsed from a rule's YAML string, before names are resolved.
///
/// `start` and `end` are offsets in Unicode scalars within the expression string, so a problem can
/// be reported at its exact column inside the YAML scalar.
package struct Expr: Sendable {
    package indirect enum Kind: Sendable {
        case literal(Literal)
        case name(String)
        case member(Expr, String)
        /// `tier_caps[project.digital_level]`: a row of a table.
        case index(Expr, Expr)
        case negate(Expr)
        case not(Expr)
        case binary(BinaryOperator, Expr, Expr)
        case call(String, [Expr])
        /// `sum(e.amount for e in project.expenses if e.paid_on in pilot_period)`.
        case aggregate(Aggregate, body: Expr, variable: String, source: Expr, filter: Expr?)
        case list([Expr])
        /// `x otherwise y`: `y` when `x` is missing or none.
        case otherwise(Expr, Expr)
        /// `if condition then a else b`.
        case conditional(Expr, then: Expr, else: Expr)
    }

    package var kind: Kind
    package var start: Int
    package var end: Int

    package init(_ kind: Kind, _ start: Int, _ end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

package enum Literal: Sendable, Hashable {
    case value(Value)
}

package enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "−", multiply = "×", divide = "÷"
    case equal = "==", notEqual = "≠", less = "<", lessEqual = "≤", greater = ">", greaterEqual = "≥"
    case `in` = "in", notIn = "not in"
    case and = "and", or = "or"

    package var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn: true
        default: false
        }
    }
}

package enum Aggregate: String, Sendable, CaseIterable {
    case sum, count, any, all, min, max
}
