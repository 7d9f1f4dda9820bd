import ClauseSyntax

/// The built-in functions: `present`, `min`/`max` over values, `start`/`end` of a period, and
/// `count`/`sum` of a list.
extension ExpressionChecker {
    func call(_ name: String, _ args: [Expr], _ e: Expr, _ ctx: Context) -> CheckedExpr? {
        let text = ctx.text(e)
        guard !ctx.constantOnly else { return error(ctx, e, "expr.not-constant", "a parameter's value must be a literal") }
        switch name {
        case "present":
            guard args.count == 1 else { return error(ctx, e, "call.arity", "present takes one fact") }
            guard let x = check(args[0], ctx) else { return nil }
            return CheckedExpr(.present(x), .bool, text)
        case "min", "max":
            guard args.count >= 2 else {
                return error(ctx, e, "call.arity", "\(name) takes two or more values, or 'for … in …' over a list")
            }
            var checked: [CheckedExpr] = []
            for a in args {
                guard let c = check(a, ctx) else { return nil }
                if c.type.isOptional {
                    return error(ctx, a, "type.optional", "'\(ctx.text(a))' may be none: write '\(ctx.text(a)) otherwise …'")
                }
                if let first = checked.first, first.type != c.type {
                    return error(ctx, a, "type.mismatch", "\(name) compares values of one type: \(article(first.type)), then \(article(c.type))")
                }
                guard c.type.isOrderable else {
                    return error(ctx, a, "type.mismatch", "\(name) needs amounts, numbers, rates or dates, but this is \(article(c.type))")
                }
                checked.append(c)
            }
            return CheckedExpr(.extremum(isMin: name == "min", checked), checked[0].type, text)
        case "start", "end":
            guard args.count == 1, let p = check(args[0], ctx) else {
                return args.count == 1 ? nil : error(ctx, e, "call.arity", "\(name) takes one period")
            }
            guard p.type == .period else { return error(ctx, args[0], "type.mismatch", "\(name) needs a period, but this is \(article(p.type))") }
            return CheckedExpr(.periodBound(p, isStart: name == "start"), .date, text)
        case "count", "sum":
            guard args.count == 1, let l = check(args[0], ctx) else {
                return args.count == 1 ? nil : error(ctx, e, "call.arity", "\(name) takes one list, or 'x for x in list if …'")
            }
            guard case .list(let t) = l.type else {
                return error(ctx, args[0], "type.not-list", "'\(ctx.text(args[0]))' is \(article(l.type)), not a list")
            }
            let slot = slotCount
            slotCount += 1
            let element = CheckedExpr(.local(slot: slot, name: "_"), t, "_")
            if name == "sum" {
                guard t == .money || t == .int else {
                    return error(ctx, args[0], "type.aggregate", "sum needs a list of amounts or numbers")
                }
            }
            return CheckedExpr(.aggregate(name == "sum" ? .sum : .count, body: element, slot: slot, variable: "_", source: l, filter: nil),
                               name == "sum" ? t : .int, text)
        default:
            return error(ctx, e, "name.unknown-function",
                         "unknown function '\(name)'\(Suggestion.hint(name, ExpressionChecker.builtins + Aggregate.allCases.map(\.rawValue)))")
        }
    }
}
