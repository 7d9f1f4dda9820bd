import ClauseSyntax

/// `tier_caps[project.digital_level]`: reading a row of a table parameter.
///
/// The result has the table's value type when every possible key provably has a row (the table
/// has a default, covers every case of its enum, or covers the `min`..`max` declared for the key
/// fact); otherwise it may be `none`, and the checker holds it to the rules for optionals (write
/// `… otherwise 0元`, or check `!= none` first). A literal key without a row is an error here.
extension ExpressionChecker {
    func lookup(_ tableExpr: Expr, _ keyExpr: Expr, _ e: Expr, _ ctx: Context) -> CheckedExpr? {
        let text = ctx.text(e)
        guard !ctx.constantOnly else { return error(ctx, e, "expr.not-constant", "a parameter's value must be a literal") }
        var tableContext = ctx
        tableContext.tableAllowed = true
        guard let table = check(tableExpr, tableContext) else {
            _ = check(keyExpr, ctx)
            return nil
        }
        guard case .table(let keyType, let valueType) = table.type, case .parameter(let p) = table.kind else {
            return error(ctx, tableExpr, "type.not-table",
                         "'\(ctx.text(tableExpr))' is \(article(table.type)), not a table: '[…]' reads a row of a table parameter")
        }
        let name = ctx.text(tableExpr)
        guard let key = check(keyExpr, ctx, expected: keyType) else { return nil }
        if key.type.isOptional {
            return error(ctx, keyExpr, "type.optional", "'\(ctx.text(keyExpr))' may be none: check '!= none' first, or write '… otherwise …'")
        }
        guard fits(key.type, keyType) else {
            return error(ctx, keyExpr, "type.mismatch", "the key of '\(name)' must be \(article(keyType)), but this is \(article(key.type))")
        }
        let tables = self.tables(p)
        var total: Bool
        if case .constant(let k) = key.kind {
            let found = tables.map { $0.lookup(k) != nil }
            if !found.contains(true) {
                return error(ctx, keyExpr, "table.no-row", "'\(name)' has no row for \(keyText(k)) and no default")
            }
            total = !found.contains(false)
        } else {
            switch keyType {
            case .enumeration(let en): total = tables.allSatisfy { $0.coversEnum(count: names.enums[en].cases.count) }
            default:
                if let (lo, hi) = bounds(key) { total = tables.allSatisfy { $0.covers(lo, hi) } } else {
                    total = tables.allSatisfy { $0.fallback != nil }
                }
            }
        }
        let type: ValueType = total || valueType.isOptional ? valueType : .optional(valueType)
        return narrow(CheckedExpr(.lookup(table: table, key: key), type, text), ctx)
    }

    /// The `min`..`max` a fact declares, for a key that is such a fact (or a record field).
    private func bounds(_ key: CheckedExpr) -> (Int64, Int64)? {
        var field: Field?
        switch key.kind {
        case .fact(let path, _):
            var schema = names.records[0]
            for (k, i) in path.enumerated() {
                guard i < schema.fields.count else { return nil }
                let f = schema.fields[i]
                if k == path.count - 1 { field = f } else if case .record(let r) = f.type.unwrapped { schema = names.records[r] } else { return nil }
            }
        case .member(let base, let i, _):
            if case .record(let r) = base.type.unwrapped, i < names.records[r].fields.count { field = names.records[r].fields[i] }
        default: break
        }
        guard let field, let lo = field.minimum, let hi = field.maximum else { return nil }
        return (lo, hi)
    }

    private func keyText(_ v: Value) -> String {
        switch v {
        case .int(let n): String(n)
        case .enumCase(let t, let i): names.enums[t].cases[i].name
        default: "this key"
        }
    }
}
