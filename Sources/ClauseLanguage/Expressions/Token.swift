/// A token of the expression language, with its position in the expression string (offsets in
/// Unicode scalars, so they map straight onto YAML columns).
package struct Token: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case identifier(String)
        case keyword(Keyword)
        /// A whole number: `2`, `100000`.
        case integer(String)
        /// A decimal without unit: `0.5` (only meaningful with a unit; an error on its own).
        case decimal(String)
        /// A money literal; the text is the number, `tenThousand` whether the unit was 万元.
        case money(String, tenThousand: Bool)
        case percent(String)
        case date(String)
        case string(String)
        case symbol(Symbol)
        case end
    }

    package enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `for`, `if`, `then`, `else`, `true`, `false`, none, otherwise
    }

    package enum Symbol: String, Sendable {
        case plus = "+", minus = "-", times = "*", divide = "/"
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case comma = ",", dot = ".", range = ".."
    }

    package var kind: Kind
    package var start: Int
    package var end: Int
}
