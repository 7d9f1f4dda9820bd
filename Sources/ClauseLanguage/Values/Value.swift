/// A value that a fact, a parameter or an expression can have.
///
/// `none` is a known absence (a fact typed `date?` that is null: no ban); a fact that is not known at
/// all is not a `Value` but a missing slot (`nil`), which evaluation turns into `incomplete`.
package enum Value: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case money(Money)
    case percent(Percent)
    case date(CivilDate)
    case period(Period)
    case duration(CalendarDuration)
    case text(String)
    /// A case of the enum type `type` (an index into the policy's enums), by its index there.
    case enumCase(type: Int, index: Int)
    case list([Value])
    /// Field slots in schema order; `nil` is a fact the case does not give.
    case record([Value?])
    /// A lookup table parameter (`tier_caps`), read with `tier_caps[level]`.
    indirect case table(Table)
    case none

    package var asBool: Bool? { if case .bool(let b) = self { b } else { nil } }
    package var asMoney: Money? { if case .money(let m) = self { m } else { nil } }
    package var asDate: CivilDate? { if case .date(let d) = self { d } else { nil } }
    package var asList: [Value]? { if case .list(let l) = self { l } else { nil } }
}

/// The static type of a fact, parameter, definition or expression.
package indirect enum ValueType: Sendable, Hashable {
    case bool, int, money, percent, date, period, duration, text
    /// An enum declared in the policy, by index.
    case enumeration(Int)
    case list(ValueType)
    /// A record schema declared in the policy (the case itself is record 0), by index.
    case record(Int)
    /// A value that may be `none`.
    case optional(ValueType)
    /// The type of the literal `none` before it meets an optional.
    case noneLiteral
    /// The type of `[]` before it meets a list type.
    case emptyList
    /// A lookup table from keys (int or an enum) to values: `table of int to money`.
    case table(key: ValueType, value: ValueType)

    package var unwrapped: ValueType {
        if case .optional(let t) = self { return t }
        return self
    }

    package var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    package var isOrderable: Bool {
        switch self {
        case .int, .money, .percent, .date: true
        default: false
        }
    }
}
