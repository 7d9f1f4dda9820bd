import ClauseSyntax

/// Type-checks parsed expressions against the facts schema, the parameters and the definitions,
/// and resolves every name to a slot. Problems go to `bag` at the column inside the YAML string;
/// a failed sub-expression returns nil and does not cascade into further errors.
package final class ExpressionChecker {
    /// Where an expression is being checked: its YAML scalar (for locations), the names in scope,
    /// and the optional facts known not to be none here (after `x != none and …`).
    package struct Context {
        package var scalar: YAMLNode.Scalar
        /// Where each Unicode scalar of the text starts in its UTF-8, and where the text ends:
        /// expressions count columns in scalars, and slicing the UTF-8 at these offsets writes a
        /// sub-expression's text without rebuilding it a scalar at a time (every checked
        /// expression keeps its text for the trace, so this runs at every package load).
        private var scalarStarts: [Int]
        package var locals: [String: (slot: Int, type: ValueType)] = [:]
        package var narrowed: Set<String> = []
        /// Parameter values and defaults: literals and enum values only.
        package var constantOnly = false
        /// Set while checking the table of `t[key]`, the one place a table may be named.
        package var tableAllowed = false

        package init(scalar: YAMLNode.Scalar, constantOnly: Bool = false) {
            self.scalar = scalar
            var starts: [Int] = []
            starts.reserveCapacity(scalar.text.utf8.count + 1)
            var offset = 0
            for s in scalar.text.unicodeScalars {
                starts.append(offset)
                offset += UTF8.width(s)
            }
            starts.append(offset)
            self.scalarStarts = starts
            self.constantOnly = constantOnly
        }

        func text(_ e: Expr) -> String {
            let count = scalarStarts.count - 1
            let lo = max(0, min(e.start, count)), hi = max(lo, min(e.end, count))
            let utf8 = scalar.text.utf8
            let from = utf8.index(utf8.startIndex, offsetBy: scalarStarts[lo])
            let to = utf8.index(utf8.startIndex, offsetBy: scalarStarts[hi])
            return String(scalar.text[from..<to])
        }
    }

    package var bag = DiagnosticBag()
    package let names: TypeNames
    package var parameters: [String: (index: Int, type: ValueType)] = [:]
    /// Parameters declared with an error already reported (no value, a bad type): a use of one is
    /// not "unknown", which would send the reader to a near name (`transformation_cap`) instead.
    package var brokenParameters: Set<String> = []
    /// Resolves a definition by name, checking it first if need be (the loader's job).
    package var definition: (String) -> (index: Int, type: ValueType?)? = { _ in nil }
    /// A parameter's values (one per dated value), for what can be proved at check time: a table's
    /// rows, a divisor that is zero (set by the loader).
    package var parameterValues: (Int) -> [Value] = { _ in [] }

    func tables(_ i: Int) -> [Table] { parameterValues(i).compactMap { if case .table(let t) = $0 { t } else { nil } } }
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
        case .index(let t, let k): kind = .index(s(t), s(k))
        case .negate(let x): kind = .negate(s(x))
        case .not(let x): kind = .not(s(x))
        case .binary(let op, let a, let b): kind = .binary(op, s(a), s(b))
        case .call(let n, let args): kind = .call(n, args.map(s))
        case .aggregate(let a, let body, let v, let src, let f): kind = .aggregate(a, body: s(body), variable: v, source: s(src), filter: f.map(s))
        case .list(let items): kind = .list(items.map(s))
        case .otherwise(let a, let b): kind = .otherwise(s(a), s(b))
        case .conditional(let c, let a, let b): kind = .conditional(s(c), then: s(a), else: s(b))
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

    func error(_ ctx: Context, _ e: Expr, _ id: String, _ message: String) -> CheckedExpr? {
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
        case .lookup(let t, let k): pathKey(t).flatMap { tk in pathKey(k).map { "\(tk)[\($0)]" } }
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

    func narrow(_ c: CheckedExpr, _ ctx: Context) -> CheckedExpr {
        guard case .optional(let w) = c.type, let k = ExpressionChecker.pathKey(c), ctx.narrowed.contains(k) else { return c }
        var n = c
        n.type = w
        return n
    }

    // MARK: - Expressions

    package func check(_ e: Expr, _ ctx: Context, expected: ValueType? = nil) -> CheckedExpr? {
        guard var c = checkUnplaced(e, ctx, expected: expected) else { return nil }
        if c.start == 0, c.end == 0 { (c.start, c.end) = (e.start, e.end) }
        return c
    }

    /// `check` without the expression's place in its string, which `check` adds.
    private func checkUnplaced(_ e: Expr, _ ctx: Context, expected: ValueType?) -> CheckedExpr? {
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

        case .index(let tableExpr, let keyExpr):
            return lookup(tableExpr, keyExpr, e, ctx)

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

        case .conditional(let c, let a, let b):
            guard let condition = check(c, ctx, expected: .bool) else { return nil }
            guard condition.type == .bool else {
                return error(ctx, c, "type.mismatch", "the condition after 'if' must be true or false, but this is \(article(condition.type))")
            }
            var inner = ctx
            inner.narrowed.formUnion(ExpressionChecker.narrowings(condition))
            // `if on_time then first else second` with nothing else to say which enum: the bare
            // values name it, when exactly one enum has them all.
            let wanted = expected ?? bareEnumType(of: [a, b], ctx).map { ValueType.enumeration($0) }
            guard let yes = check(a, inner, expected: wanted), let no = check(b, ctx, expected: wanted ?? yes.type) else { return nil }
            let type: ValueType
            if fits(no.type, yes.type) { type = yes.type } else if fits(yes.type, no.type) { type = no.type } else {
                return error(ctx, e, "type.mismatch", "both branches of 'if' must be of one type: \(article(yes.type)), then \(article(no.type))")
            }
            return CheckedExpr(.conditional(condition, then: yes, else: no), type, text)

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
        case .list, .record, .table: .emptyList
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
                if case .table = p.type, !ctx.tableAllowed {
                    return error(ctx, e, "type.table-alone", "'\(n)' is a table: read one row of it with '\(n)[key]'")
                }
                return narrow(CheckedExpr(.parameter(p.index), p.type, text), ctx)
            }
            if let i = names.records[0].index[n] {
                return narrow(CheckedExpr(.fact(path: [i], name: n), names.records[0].fields[i].type, text), ctx)
            }
            if n == "as_of" { return CheckedExpr(.asOf, .date, text) }
            if brokenParameters.contains(n) { return nil }
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

    /// The one enum whose values are the bare names among the branches `exprs` (through nested
    /// `if`s), when the branches hold at least one bare value and no other name; nil otherwise.
    func bareEnumType(of exprs: [Expr], _ ctx: Context) -> Int? {
        var bare: [String] = []
        func collect(_ e: Expr) {
            switch e.kind {
            case .name(let n) where !isName(n, ctx): bare.append(n)
            case .conditional(_, let a, let b): collect(a); collect(b)
            default: break
            }
        }
        exprs.forEach(collect)
        guard !bare.isEmpty else { return nil }
        let owners = names.enums.indices.filter { t in bare.allSatisfy { names.enums[t].index[$0] != nil } }
        if owners.count == 1 { return owners[0] }
        // A misspelt value (`secnd`) beside a right one: the enum of the right one, so the typo
        // gets "not a value of batch; did you mean 'second'".
        guard owners.isEmpty else { return nil }
        let some = names.enums.indices.filter { t in bare.contains { names.enums[t].index[$0] != nil } }
        return some.count == 1 ? some[0] : nil
    }

    /// Whether `n` names something other than an enum value here (a local, a definition, a
    /// parameter, a fact, `as_of`).
    private func isName(_ n: String, _ ctx: Context) -> Bool {
        ctx.locals[n] != nil || definitionNames.contains(n) || parameters[n] != nil || names.records[0].index[n] != nil || n == "as_of"
    }

    /// Names of all definitions, for suggestions (set by the loader).
    package var definitionNames: [String] = []
}

extension String {
    package var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
