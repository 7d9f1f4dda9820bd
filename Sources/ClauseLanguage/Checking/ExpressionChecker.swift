import ClauseSyntax

/// Type-checks parsed expressions against the facts schema, the parameters and the definitions,
/// and resolves every name to a slot. Problems go to `bag` at the column inside the YAML string;
/// a failed sub-expression returns nil and does not cascade into further errors.
package final class ExpressionChecker {
    /// Where an expression is being checked: its YAML scalar (for locations), the names in scope,
    /// and the optional facts known not to be none here (after `x != none and …`).
    package struct Context {
        package var scalar: YAMLNode.Scalar
        package var source: [Unicode.Scalar]
        package var locals: [String: (slot: Int, type: ValueType)] = [:]
        package var narrowed: Set<String> = []
        /// Parameter values and defaults: literals and enum values only.
        package var constantOnly = false

        package init(scalar: YAMLNode.Scalar, constantOnly: Bool = false) {
            self.scalar = scalar
            self.source = Array(scalar.text.unicodeScalars)
            self.constantOnly = constantOnly
        }

        func text(_ e: Expr) -> String {
            let lo = max(0, min(e.start, source.count)), hi = max(lo, min(e.end, source.count))
            return String(String.UnicodeScalarView(source[lo..<hi]))
        }
    }

    package var bag = DiagnosticBag()
    package let names: TypeNames
    package var parameters: [String: (index: Int, type: ValueType)] = [:]
    /// Resolves a definition by name, checking it first if need be (the loader's job).
    package var definition: (String) -> (index: Int, type: ValueType?)? = { _ in nil }
    /// Local slots handed out so far in the current rule.
    package var slotCount = 0

    package init(names: TypeNames) { self.names = names }

    static let builtins = ["present", "min", "max", "start", "end", "count", "sum", "as_of"]

    // MARK: - Entry points

    /// Parses and checks `scalar`'s text as an expression of type `expected` (nil: any).
    package func check(_ scalar: YAMLNode.Scalar, expected: ValueType?, locals: [String: (slot: Int, type: ValueType)] = [:],
                       narrowed: Set<String> = [], constantOnly: Bool = false, what: String) -> CheckedExpr? {
        var ctx = Context(scalar: scalar, constantOnly: constantOnly)
        ctx.locals = locals
        ctx.narrowed = narrowed
        return check(text: scalar.text, offset: 0, ctx, expected: expected, what: what)
    }

    /// Checks a part of a scalar (a `{…}` hole in a message) starting at `offset`.
    package func check(text: String, offset: Int, _ ctx: Context, expected: ValueType?, what: String) -> CheckedExpr? {
        switch Parser.parse(text) {
        case .failure(let f):
            bag.error("expr.syntax", f.message, at: ctx.scalar.range(from: offset + f.offset, to: offset + f.offset + 1))
            return nil
        case .success(let parsed):
            let e = shifted(parsed, by: offset)
            guard let c = check(e, ctx, expected: expected) else { return nil }
            if let expected, !fits(c.type, expected) {
                bag.error("type.mismatch", "\(what) must be \(article(expected)), but this is \(article(c.type))",
                          at: ctx.scalar.range(from: e.start, to: e.end))
                return nil
            }
            return c
        }
    }

    private func shifted(_ e: Expr, by k: Int) -> Expr {
        guard k != 0 else { return e }
        func s(_ x: Expr) -> Expr { shifted(x, by: k) }
        let kind: Expr.Kind
        switch e.kind {
        case .literal, .name: kind = e.kind
        case .member(let b, let n): kind = .member(s(b), n)
        case .negate(let x): kind = .negate(s(x))
        case .not(let x): kind = .not(s(x))
        case .binary(let op, let a, let b): kind = .binary(op, s(a), s(b))
        case .call(let n, let args): kind = .call(n, args.map(s))
        case .aggregate(let a, let body, let v, let src, let f): kind = .aggregate(a, body: s(body), variable: v, source: s(src), filter: f.map(s))
        case .list(let items): kind = .list(items.map(s))
        case .otherwise(let a, let b): kind = .otherwise(s(a), s(b))
        }
        return Expr(kind, e.start + k, e.end + k)
    }

    // MARK: - Types

    package func fits(_ actual: ValueType, _ expected: ValueType) -> Bool {
        if actual == expected { return true }
        switch (actual, expected) {
        case (.emptyList, .list): return true
        case (.noneLiteral, .optional): return true
        case (_, .optional(let w)): return fits(actual, w)
        case (.list(let a), .list(let b)): return fits(a, b)
        default: return false
        }
    }

    package func article(_ t: ValueType) -> String {
        switch t {
        case .optional(let w): "\(article(w)) that may be none"
        case .list: names.describe(t)
        case .noneLiteral: "none"
        case .enumeration: "a value of \(names.describe(t))"
        case .int: "an int"
        case .money: "an amount (money)"
        case .percent: "a percentage"
        default: "a \(names.describe(t))"
        }
    }

    private func error(_ ctx: Context, _ e: Expr, _ id: String, _ message: String) -> CheckedExpr? {
        bag.error(id, message, at: ctx.scalar.range(from: e.start, to: e.end))
        return nil
    }

    /// The key under which narrowing remembers a path (`applicant.blacklisted_until`).
    package static func pathKey(_ c: CheckedExpr) -> String? {
        switch c.kind {
        case .fact(_, let name): name
        case .local(let slot, _): "local:\(slot)"
        case .member(let base, _, let name): pathKey(base).map { "\($0).\(name)" }
        case .definition(let i): "definition:\(i)"
        case .parameter(let i): "parameter:\(i)"
        default: nil
        }
    }

    /// Paths that `condition` being true proves are not none.
    package static func narrowings(_ c: CheckedExpr) -> Set<String> {
        switch c.kind {
        case .and(let a, let b): return narrowings(a).union(narrowings(b))
        case .present(let x): return pathKey(x).map { [$0] } ?? []
        case .compare(.notEqual, let a, let b):
            if case .constant(.none) = b.kind, let k = pathKey(a) { return [k] }
            if case .constant(.none) = a.kind, let k = pathKey(b) { return [k] }
            return []
        default: return []
        }
    }

    private func narrow(_ c: CheckedExpr, _ ctx: Context) -> CheckedExpr {
        guard case .optional(let w) = c.type, let k = ExpressionChecker.pathKey(c), ctx.narrowed.contains(k) else { return c }
        var n = c
        n.type = w
        return n
    }

    // MARK: - Expressions

    package func check(_ e: Expr, _ ctx: Context, expected: ValueType? = nil) -> CheckedExpr? {
        let text = ctx.text(e)
        switch e.kind {
        case .literal(.value(let v)):
            return CheckedExpr(.constant(v), literalType(v), text)

        case .name(let n):
            return resolve(n, e, ctx, expected: expected)

        case .member(let baseExpr, let field):
            guard let base = check(baseExpr, ctx) else { return nil }
            guard case .record(let r) = base.type else {
                if case .optional(.record) = base.type {
                    return error(ctx, e, "type.optional", "'\(ctx.text(baseExpr))' may be none: check it with '!= none and …' first")
                }
                return error(ctx, e, "type.no-fields", "'\(ctx.text(baseExpr))' is \(article(base.type)), which has no fields")
            }
            let schema = names.records[r]
            guard let i = schema.index[field] else {
                return error(ctx, e, "name.unknown-field",
                             "'\(ctx.text(baseExpr))' has no field '\(field)'\(Suggestion.hint(field, schema.fields.map(\.name)))")
            }
            let f = schema.fields[i]
            let c: CheckedExpr
            if case .fact(let path, let name) = base.kind {
                c = CheckedExpr(.fact(path: path + [i], name: "\(name).\(field)"), f.type, text)
            } else {
                c = CheckedExpr(.member(base, field: i, name: field), f.type, text)
            }
            return narrow(c, ctx)

        case .negate(let x):
            guard let c = check(x, ctx) else { return nil }
            guard [.int, .money, .percent].contains(c.type) else {
                return error(ctx, e, "type.operator", "'-' does not apply to \(article(c.type))")
            }
            return CheckedExpr(.negate(c), c.type, text)

        case .not(let x):
            guard let c = check(x, ctx, expected: .bool) else { return nil }
            guard c.type == .bool else { return error(ctx, x, "type.operator", "'not' needs a condition, but this is \(article(c.type))") }
            return CheckedExpr(.not(c), .bool, text)

        case .binary(let op, let a, let b):
            return binary(op, a, b, e, ctx)

        case .call(let name, let args):
            return call(name, args, e, ctx)

        case .aggregate(let agg, let bodyExpr, let variable, let sourceExpr, let filterExpr):
            guard !ctx.constantOnly else { return error(ctx, e, "expr.not-constant", "a parameter's value must be a literal") }
            guard let source = check(sourceExpr, ctx) else { return nil }
            guard case .list(let elementType) = source.type else {
                return error(ctx, sourceExpr, "type.not-list", "'\(ctx.text(sourceExpr))' is \(article(source.type)), not a list")
            }
            let slot = slotCount
            slotCount += 1
            var inner = ctx
            inner.locals[variable] = (slot, elementType)
            var filter: CheckedExpr?
            if let filterExpr {
                guard let f = check(filterExpr, inner, expected: .bool) else { return nil }
                guard f.type == .bool else {
                    return error(ctx, filterExpr, "type.mismatch", "the filter after 'if' must be a condition, but this is \(article(f.type))")
                }
                filter = f
                inner.narrowed.formUnion(ExpressionChecker.narrowings(f))
            }
            guard let body = check(bodyExpr, inner) else { return nil }
            let type: ValueType
            switch agg {
            case .sum:
                guard body.type == .money || body.type == .int else {
                    return error(ctx, bodyExpr, "type.aggregate", "sum needs amounts or numbers, but this is \(article(body.type))")
                }
                type = body.type
            case .count: type = .int
            case .any, .all:
                guard body.type == .bool else {
                    return error(ctx, bodyExpr, "type.aggregate", "\(agg.rawValue) needs a condition, but this is \(article(body.type))")
                }
                type = .bool
            case .min, .max:
                guard body.type.isOrderable else {
                    return error(ctx, bodyExpr, "type.aggregate", "\(agg.rawValue) needs amounts, numbers or dates, but this is \(article(body.type))")
                }
                type = .optional(body.type)
            }
            return CheckedExpr(.aggregate(agg, body: body, slot: slot, variable: variable, source: source, filter: filter), type, text)

        case .list(let items):
            var elementExpected: ValueType?
            if case .list(let t)? = expected { elementExpected = t }
            var checked: [CheckedExpr] = []
            for item in items {
                guard let c = check(item, ctx, expected: elementExpected) else { return nil }
                if let t = elementExpected, !fits(c.type, t) {
                    return error(ctx, item, "type.mismatch", "list items must all be \(article(t)), but this is \(article(c.type))")
                }
                elementExpected = elementExpected ?? c.type
                checked.append(c)
            }
            return CheckedExpr(.list(checked), elementExpected.map { .list($0) } ?? .emptyList, text)

        case .otherwise(let a, let b):
            guard let left = check(a, ctx, expected: expected) else { return nil }
            let inner = left.type.unwrapped
            guard let right = check(b, ctx, expected: inner) else { return nil }
            guard fits(right.type, inner) else {
                return error(ctx, b, "type.mismatch", "after 'otherwise' comes \(article(inner)), but this is \(article(right.type))")
            }
            return CheckedExpr(.otherwise(left, right), right.type.isOptional ? left.type : inner, text)
        }
    }

    private func literalType(_ v: Value) -> ValueType {
        switch v {
        case .bool: .bool
        case .int: .int
        case .money: .money
        case .percent: .percent
        case .date: .date
        case .period: .period
        case .duration: .duration
        case .text: .text
        case .none: .noneLiteral
        case .enumCase(let t, _): .enumeration(t)
        case .list, .record: .emptyList
        }
    }

    private func resolve(_ n: String, _ e: Expr, _ ctx: Context, expected: ValueType?) -> CheckedExpr? {
        let text = ctx.text(e)
        if !ctx.constantOnly {
            if let local = ctx.locals[n] {
                return narrow(CheckedExpr(.local(slot: local.slot, name: n), local.type, text), ctx)
            }
            if let d = definition(n) {
                guard let type = d.type else { return nil }
                return narrow(CheckedExpr(.definition(d.index), type, text), ctx)
            }
            if let p = parameters[n] {
                return narrow(CheckedExpr(.parameter(p.index), p.type, text), ctx)
            }
            if let i = names.records[0].index[n] {
                return narrow(CheckedExpr(.fact(path: [i], name: n), names.records[0].fields[i].type, text), ctx)
            }
            if n == "as_of" { return CheckedExpr(.asOf, .date, text) }
        }
        if case .enumeration(let t)? = expected?.unwrapped {
            if let i = names.enums[t].index[n] { return CheckedExpr(.constant(.enumCase(type: t, index: i)), .enumeration(t), text) }
            return error(ctx, e, "enum.unknown-value",
                         "'\(n)' is not a value of \(names.enums[t].name)\(Suggestion.hint(n, names.enums[t].cases.map(\.name)))")
        }
        if ctx.constantOnly {
            return error(ctx, e, "expr.not-constant", "'\(n)' is not a literal; a parameter's value must be one")
        }
        if ScalarTyping.yaml11Booleans.contains(n) {
            let meaning = ["yes", "on", "y", "true"].contains(n.lowercased()) ? "true" : "false"
            return error(ctx, e, "name.yaml11-bool", "unknown name '\(n)': write \(meaning) (YAML 1.1 reads '\(n)' as \(meaning); clause does not)")
        }
        var candidates = Array(ctx.locals.keys) + Array(parameters.keys) + names.records[0].fields.map(\.name) + ["as_of"]
        candidates += definitionNames
        if let owner = names.enums.first(where: { $0.index[n] != nil }) {
            return error(ctx, e, "name.enum-value-alone",
                         "'\(n)' is a value of \(owner.name); compare it with a fact of that type, e.g. 'x == \(n)'")
        }
        return error(ctx, e, "name.unknown", "unknown name '\(n)'\(Suggestion.hint(n, candidates))")
    }

    /// Names of all definitions, for suggestions (set by the loader).
    package var definitionNames: [String] = []

    private func binary(_ op: BinaryOperator, _ a: Expr, _ b: Expr, _ e: Expr, _ ctx: Context) -> CheckedExpr? {
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
            return CheckedExpr(.arithmetic(arithmetic, left, right), type, text)
        }
    }

    private func isBareUnresolved(_ e: Expr, _ ctx: Context) -> Bool {
        switch e.kind {
        case .name(let n):
            return ctx.locals[n] == nil && definition(n) == nil && parameters[n] == nil
                && names.records[0].index[n] == nil && n != "as_of"
        case .list(let items): return items.contains { isBareUnresolved($0, ctx) }
        default: return false
        }
    }

    private func comparison(_ op: BinaryOperator, _ left: CheckedExpr, _ right: CheckedExpr, _ a: Expr, _ b: Expr,
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

    private func call(_ name: String, _ args: [Expr], _ e: Expr, _ ctx: Context) -> CheckedExpr? {
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

extension String {
    package var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
