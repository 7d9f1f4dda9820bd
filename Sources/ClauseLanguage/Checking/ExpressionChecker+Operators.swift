import ClauseSyntax

/// Operators: `and`/`or` (with narrowing), comparisons and `in` (resolving bare enum values
/// against the other side), and the typed arithmetic of money, rates, dates and durations.
extension ExpressionChecker {
    func binary(_ op: BinaryOperator, _ a: Expr, _ b: Expr, _ e: Expr, _ ctx: Context) -> CheckedExpr? {
        let text = ctx.text(e)
        switch op {
        case .and, .or:
            guard let left = check(a, ctx, expected: .bool) else { _ = check(b, ctx, expected: .bool); return nil }
            var inner = ctx
            if op == .and { inner.narrowed.formUnion(ExpressionChecker.narrowings(left)) }
            guard let right = check(b, inner, expected: .bool) else { return nil }
            for (x, c) in [(a, left), (b, right)] where c.type != .bool {
                return error(ctx, x, "type.mismatch", "'\(op.rawValue)' joins conditions, but '\(ctx.text(x))' is \(article(c.type))")
            }
            return CheckedExpr(op == .and ? .and(left, right) : .or(left, right), .bool, text)

        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn:
            // Check the side that can stand alone first, so a bare enum value on the other side
            // (`item == transformation`) resolves against its type.
            let leftFirst = !isBareUnresolved(a, ctx) || isBareUnresolved(b, ctx)
            var left: CheckedExpr?, right: CheckedExpr?
            if leftFirst {
                left = check(a, ctx)
                let rightExpected: ValueType? = left.map { (op == .in || op == .notIn) ? .list($0.type.unwrapped) : $0.type }
                right = check(b, ctx, expected: rightExpected)
            } else {
                right = check(b, ctx)
                var leftExpected: ValueType? = right?.type
                if op == .in || op == .notIn, case .list(let t)? = right?.type { leftExpected = t }
                left = check(a, ctx, expected: leftExpected)
            }
            guard let left, let right else { return nil }
            return comparison(op, left, right, a, b, e, ctx, text)

        case .add, .subtract, .multiply, .divide:
            guard let left = check(a, ctx), let right = check(b, ctx) else { return nil }
            for (x, c) in [(a, left), (b, right)] where c.type.isOptional {
                return error(ctx, x, "type.optional",
                             "'\(ctx.text(x))' may be none: write '\(ctx.text(x)) otherwise …' or check '!= none' first")
            }
            let arithmetic: CheckedExpr.Arithmetic?
            let type: ValueType
            switch (op, left.type, right.type) {
            case (.add, .money, .money): (arithmetic, type) = (.moneyAdd, .money)
            case (.subtract, .money, .money): (arithmetic, type) = (.moneySubtract, .money)
            case (.multiply, .money, .percent): (arithmetic, type) = (.moneyTimesPercent, .money)
            case (.multiply, .percent, .money): (arithmetic, type) = (.percentTimesMoney, .money)
            case (.multiply, .money, .int): (arithmetic, type) = (.moneyTimesInt, .money)
            case (.multiply, .int, .money): (arithmetic, type) = (.intTimesMoney, .money)
            case (.divide, .money, .int): (arithmetic, type) = (.moneyDivideInt, .money)
            case (.divide, .money, .percent): (arithmetic, type) = (.moneyDividePercent, .money)
            case (.add, .int, .int): (arithmetic, type) = (.intAdd, .int)
            case (.subtract, .int, .int): (arithmetic, type) = (.intSubtract, .int)
            case (.multiply, .int, .int): (arithmetic, type) = (.intMultiply, .int)
            case (.add, .date, .duration): (arithmetic, type) = (.dateAddDuration, .date)
            case (.subtract, .date, .duration): (arithmetic, type) = (.dateSubtractDuration, .date)
            case (.add, .duration, .duration): (arithmetic, type) = (.durationAdd, .duration)
            case (.add, .percent, .percent): (arithmetic, type) = (.percentAdd, .percent)
            case (.subtract, .percent, .percent): (arithmetic, type) = (.percentSubtract, .percent)
            default: (arithmetic, type) = (nil, .bool)
            }
            guard let arithmetic else {
                var hint = ""
                if op == .subtract, left.type == .date, right.type == .int { hint = ": write a duration such as '1 day'" }
                if op == .add, left.type == .date, right.type == .int { hint = ": write a duration such as '3 years'" }
                if op == .multiply, left.type == .money, right.type == .money { hint = ": multiply an amount by a rate (50%)" }
                return error(ctx, e, "type.operator",
                             "'\(op.rawValue)' does not apply to \(article(left.type)) and \(article(right.type))\(hint)")
            }
            if arithmetic == .moneyDividePercent || arithmetic == .moneyDivideInt, isZero(right) {
                return error(ctx, b, "expr.division-by-zero", "division by zero: '\(ctx.text(b))' is \(arithmetic == .moneyDivideInt ? "0" : "0%")")
            }
            warnOfRateAboveWhole(arithmetic, left, right, a, b, ctx)
            return CheckedExpr(.arithmetic(arithmetic, left, right), type, text)
        }
    }

    /// Whether a divisor is zero whatever the case: a literal, a parameter whose every value is
    /// zero, or a sum of rates that are (`0% + 0%`). Otherwise a zero divisor is a run-time failure.
    func isZero(_ c: CheckedExpr) -> Bool {
        func zero(_ v: Value) -> Bool {
            switch v {
            case .int(0): true
            case .percent(let p): p.millionths == 0
            default: false
            }
        }
        switch c.kind {
        case .constant(let v): return zero(v)
        case .parameter(let i):
            let values = parameterValues(i)
            return !values.isEmpty && values.allSatisfy(zero)
        case .arithmetic(.percentAdd, let a, let b), .arithmetic(.intAdd, let a, let b): return isZero(a) && isZero(b)
        default: return false
        }
    }

    /// A rate above 100% written out (`amount * 1000%`) pays more than was spent: a warning,
    /// since a top-up may mean it.
    private func warnOfRateAboveWhole(_ arithmetic: CheckedExpr.Arithmetic, _ left: CheckedExpr, _ right: CheckedExpr,
                                      _ a: Expr, _ b: Expr, _ ctx: Context) {
        guard arithmetic == .moneyTimesPercent || arithmetic == .percentTimesMoney else { return }
        for (x, c) in [(a, left), (b, right)] {
            if case .constant(.percent(let p)) = c.kind, p.millionths > 1_000_000 {
                bag.warning("expr.rate", "'\(ctx.text(x))' is more than 100%: the amount is multiplied by more than itself",
                            at: ctx.scalar.range(from: x.start, to: x.end))
            }
        }
    }

    func isBareUnresolved(_ e: Expr, _ ctx: Context) -> Bool {
        switch e.kind {
        case .name(let n):
            return ctx.locals[n] == nil && definition(n) == nil && parameters[n] == nil
                && names.records[0].index[n] == nil && n != "as_of"
        case .list(let items): return items.contains { isBareUnresolved($0, ctx) }
        default: return false
        }
    }

    func comparison(_ op: BinaryOperator, _ left: CheckedExpr, _ right: CheckedExpr, _ a: Expr, _ b: Expr,
                            _ e: Expr, _ ctx: Context, _ text: String) -> CheckedExpr? {
        switch op {
        case .in, .notIn:
            if right.type == .period {
                guard left.type == .date else {
                    return error(ctx, a, "type.mismatch", "only a date can be in a period, but this is \(article(left.type))")
                }
                return CheckedExpr(.inPeriod(left, right, negated: op == .notIn), .bool, text)
            }
            if right.type == .emptyList { return CheckedExpr(.inList(left, right, negated: op == .notIn), .bool, text) }
            guard case .list(let t) = right.type else {
                return error(ctx, b, "type.mismatch", "'in' needs a list or a period on its right, but this is \(article(right.type))")
            }
            guard fits(left.type, t) else {
                return error(ctx, e, "type.mismatch", "\(article(left.type).capitalizedFirst) cannot be in a list of \(names.describe(t))")
            }
            return CheckedExpr(.inList(left, right, negated: op == .notIn), .bool, text)
        case .equal, .notEqual:
            let compatible = fits(left.type, right.type) || fits(right.type, left.type)
            if !compatible {
                if left.type == .noneLiteral || right.type == .noneLiteral {
                    let other = left.type == .noneLiteral ? b : a
                    return error(ctx, other, "type.never-none", "'\(ctx.text(other))' is never none: it is declared without '?'")
                }
                return error(ctx, e, "type.mismatch", "cannot compare \(article(left.type)) with \(article(right.type))")
            }
            return CheckedExpr(.compare(op, left, right), .bool, text)
        default:
            for (x, c) in [(a, left), (b, right)] where c.type.isOptional {
                return error(ctx, x, "type.optional",
                             "'\(ctx.text(x))' may be none: check '\(ctx.text(x)) != none and …' first, or write '… otherwise …'")
            }
            guard left.type == right.type else {
                return error(ctx, e, "type.mismatch", "cannot compare \(article(left.type)) with \(article(right.type))")
            }
            guard left.type.isOrderable else {
                return error(ctx, e, "type.mismatch", "'\(op.rawValue)' orders amounts, numbers, rates and dates, not \(article(left.type))")
            }
            return CheckedExpr(.compare(op, left, right), .bool, text)
        }
    }
}
