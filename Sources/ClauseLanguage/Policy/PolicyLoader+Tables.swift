import ClauseSyntax

/// Table parameters (`type: table of int to money`): rows read from a YAML mapping, keys of the
/// declared key type, values of the value type, duplicates and overlaps refused, gaps warned.
extension PolicyLoader {
    /// Why a table's key type is refused, or nil when it may key a table.
    static func tableKeyProblem(_ t: ValueType) -> String? {
        func nested(_ t: ValueType) -> Bool {
            switch t {
            case .table: true
            case .list(let w), .optional(let w): nested(w)
            default: false
            }
        }
        let inside: Bool
        switch t {
        case .table(_, let v): inside = nested(v)
        case .list, .optional: inside = nested(t)
        default: inside = false
        }
        if inside { return "a table is a parameter's own type: it cannot be inside a list, be optional, or be a table's value" }
        switch t {
        case .table(.int, _), .table(.enumeration, _): return nil
        case .table:
            return "a table's keys are whole numbers (int) or values of an enum; for values that change by date, give the parameter "
                + "dated 'values:' with 'from:'"
        default: return nil
        }
    }

    /// The rows of a table written as a mapping: `2: 30万元`, `3..4: 60万元`, `software: 50%`,
    /// `default: 0元`.
    func table(_ m: YAMLNode.Mapping, key keyType: ValueType, value valueType: ValueType, what: String) -> Value? {
        var rows: [Table.Row] = []
        var keys: [YAMLNode.Scalar] = []
        var fallback: Value?
        var ok = true
        for (k, v) in m.entries {
            if k.text == "default" {
                fallback = constant(v, type: valueType, what: "the default of \(what)")
                if fallback == nil { ok = false }
                continue
            }
            guard let key = tableKey(k, keyType, what: what) else {
                ok = false
                continue
            }
            if let j = rows.firstIndex(where: { PolicyLoader.overlap($0.key, key) }) {
                access.bag.error("table.duplicate", "the row '\(k.text)' of \(what) overlaps the row '\(keys[j].text)'", at: k.range,
                                 notes: [.init(message: "that row is here", range: keys[j].range)])
                ok = false
                continue
            }
            guard let value = constant(v, type: valueType, what: "the row '\(k.text)' of \(what)") else {
                ok = false
                continue
            }
            rows.append(Table.Row(key: key, value: value))
            keys.append(k)
        }
        if rows.isEmpty && fallback == nil {
            access.bag.error("table.empty", "\(what) has no rows: write one per key, e.g. '2: 30万元'", at: m.range)
            return nil
        }
        if fallback == nil {
            // A gap between two rows is most likely a forgotten tier; a key in it gives none.
            let spans = zip(rows, keys).compactMap { r, k in r.key.span.map { ($0, k) } }.sorted { $0.0.lowerBound < $1.0.lowerBound }
            for (a, b) in zip(spans, spans.dropFirst()) where b.0.lowerBound > a.0.upperBound + 1 {
                let lo = a.0.upperBound + 1, hi = b.0.lowerBound - 1
                access.bag.warning("table.gap", "\(what) has no row for \(lo == hi ? "\(lo)" : "\(lo)..\(hi)") (between '\(a.1.text)' and "
                                       + "'\(b.1.text)') and no default: a key there has no value", at: b.1.range)
            }
        }
        return ok ? .table(Table(rows: rows, fallback: fallback)) : nil
    }

    private func tableKey(_ k: YAMLNode.Scalar, _ keyType: ValueType, what: String) -> Table.Key? {
        let text = k.text.trimmingCharacters(in: " ")
        switch keyType {
        case .int:
            func int(_ s: Substring) -> Int64? {
                let t = s.trimmingPrefix("-")
                guard !t.isEmpty, t.count <= 18, t.allSatisfy(\.isASCII), t.allSatisfy(\.isNumber), t == "0" || t.first != "0" else { return nil }
                return Int64(s)
            }
            let parts = text.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 {
                guard let lo = int(parts[0]), let hi = int(parts[1]) else {
                    access.bag.error("table.key", "'\(k.text)' is not a span of whole numbers: write it like 3..4", at: k.range)
                    return nil
                }
                guard lo <= hi else {
                    access.bag.error("table.key", "the span '\(k.text)' ends before it starts", at: k.range)
                    return nil
                }
                return lo == hi ? .int(lo) : .ints(lo, hi)
            }
            guard let n = int(Substring(text)) else {
                access.bag.error("table.key", "'\(k.text)' is not a key of \(what): write a whole number (2), a span (3..4) or 'default'",
                                 at: k.range)
                return nil
            }
            return .int(n)
        case .enumeration(let e):
            guard let i = enums[e].index[text] else {
                access.bag.error("enum.unknown-value", "'\(k.text)' is not a value of \(enums[e].name)"
                                     + Suggestion.hint(text, enums[e].cases.map(\.name)), at: k.range)
                return nil
            }
            return .enumCase(i)
        default:
            return nil
        }
    }

    /// A key `before` answers and `after` does not (written as in YAML), or nil.
    static func keyLost(from before: Table, in after: Table) -> String? {
        if before.fallback != nil, after.fallback == nil { return "keys without a row (the default)" }
        for r in before.rows {
            switch r.key {
            case .int(let n): if after.lookup(.int(n)) == nil { return String(n) }
            case .ints(let lo, let hi): if !after.covers(lo, hi) { return "some of \(lo)..\(hi)" }
            case .enumCase(let i):
                if !after.rows.contains(where: { $0.key == .enumCase(i) }) && after.fallback == nil { return "an enum value the old table names" }
            }
        }
        return nil
    }

    private static func overlap(_ a: Table.Key, _ b: Table.Key) -> Bool {
        if let x = a.span, let y = b.span { return x.overlaps(y) }
        return a == b
    }
}
