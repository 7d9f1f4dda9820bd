import ClauseSyntax

/// Enums and the facts schema: the typed shape every case file is validated against.
extension PolicyLoader {
    static let fieldKeys = ["type", "label", "label_en", "default", "required", "min", "max", "length", "fields", "record", "description", "role", "remedy", "format"]

    func readEnums(_ node: YAMLNode?) {
        guard let node, let m = access.mapping(node, "'enums'") else { return }
        for (key, value) in m.entries {
            guard PolicyLoader.isIdentifier(key.text) else {
                access.bag.error("name.invalid", "'\(key.text)' is not a name: use letters, digits and '_'", at: key.range)
                continue
            }
            guard let e = access.mapping(value, "enum '\(key.text)'") else { continue }
            access.checkKeys(e, allowed: ["label", "values"], required: ["values"], in: "enum '\(key.text)'")
            var cases: [EnumType.Case] = []
            var index: [String: Int] = [:]
            if let v = e["values"], let vm = access.mapping(v, "the values of '\(key.text)'") {
                for (caseKey, caseValue) in vm.entries {
                    if !PolicyLoader.isIdentifier(caseKey.text) {
                        access.bag.error("name.invalid", "'\(caseKey.text)' is not a name: use letters, digits and '_'", at: caseKey.range)
                    }
                    var label = caseKey.text, labelEn: String?
                    if case .mapping(let cm) = caseValue {
                        access.checkKeys(cm, allowed: ["label", "label_en"], required: ["label"], in: "value '\(caseKey.text)'")
                        label = access.text(cm, "label", "value") ?? label
                        labelEn = access.text(cm, "label_en", "value")
                    } else if let s = access.scalar(caseValue, "a label for '\(caseKey.text)'") {
                        label = s.text
                    }
                    index[caseKey.text] = cases.count
                    cases.append(.init(name: caseKey.text, label: label, labelEn: labelEn))
                }
            }
            enums.append(EnumType(name: key.text, label: access.text(e, "label", "enum"), cases: cases, index: index, range: key.range))
        }
    }

    func readFacts(_ node: YAMLNode?, at fallback: SourceRange) {
        records = [RecordSchema(name: "case", fields: [], index: [:])]
        guard let node, let m = access.mapping(node, "'facts'") else {
            access.bag.error("policy.no-facts", "the package declares no facts: add a 'facts' section", at: fallback)
            return
        }
        records[0] = readRecord(m, name: "case", prefix: "")
    }

    private func readRecord(_ m: YAMLNode.Mapping, name: String, prefix: String) -> RecordSchema {
        var fields: [Field] = []
        var index: [String: Int] = [:]
        for (key, value) in m.entries {
            guard PolicyLoader.isIdentifier(key.text) else {
                access.bag.error("name.invalid", "'\(key.text)' is not a fact name: use letters, digits and '_'", at: key.range)
                continue
            }
            guard let f = access.mapping(value, "fact '\(prefix)\(key.text)'") else { continue }
            if let field = readField(key, f, path: prefix + key.text) {
                index[key.text] = fields.count
                fields.append(field)
            }
        }
        return RecordSchema(name: name, fields: fields, index: index)
    }

    private func readField(_ key: YAMLNode.Scalar, _ f: YAMLNode.Mapping, path: String) -> Field? {
        access.checkKeys(f, allowed: PolicyLoader.fieldKeys, required: ["label"], in: "fact '\(path)'")
        let names = TypeNames(enums: enums, records: records)
        var type: ValueType?
        if let fieldsNode = f["fields"] {
            guard let fm = access.mapping(fieldsNode, "the fields of '\(path)'") else { return nil }
            let typeText = f["type"].flatMap { access.scalar($0, "a type") }
            let isList = typeText?.text == "list"
            if let t = typeText, !["list", "record"].contains(t.text) {
                access.bag.error("type.unknown", "a fact with 'fields' has type record or list, not '\(t.text)'", at: t.range)
            }
            let recordName = access.text(f, "record", "fact") ?? key.text
            let schema = readRecord(fm, name: recordName, prefix: isList ? "" : path + ".")
            records.append(schema)
            type = isList ? .list(.record(records.count - 1)) : .record(records.count - 1)
        } else if let t = f["type"], let s = access.scalar(t, "a type") {
            type = names.parse(s.text)
            if type == nil {
                access.bag.error("type.unknown", "unknown type '\(s.text)'\(Suggestion.hint(s.text, names.allNames))", at: s.range)
            }
            if case .table? = type?.unwrapped {
                access.bag.error("type.table-fact", "a fact cannot be a table: declare the table under 'parameters'", at: s.range)
                type = nil
            }
        } else {
            access.bag.error("schema.missing-key", "fact '\(path)' needs 'type' (or 'fields')", at: key.range)
        }
        guard let type else { return nil }
        var defaultValue: Value?
        if let d = f["default"] { defaultValue = constant(d, type: type, what: "the default of '\(path)'") }
        var required = false
        if let r = f["required"] { required = access.bool(r, "'required'") ?? false }
        func int(_ k: String) -> Int64? {
            guard let n = f[k], let s = access.scalar(n, "a whole number for '\(k)'") else { return nil }
            guard let v = Int64(s.text) else {
                access.bag.error("type.int", "'\(s.text)' is not a whole number", at: s.range)
                return nil
            }
            return v
        }
        var role: String?
        if let r = f["role"], let s = access.scalar(r, "a role") {
            if PolicyLoader.roles.contains(s.text) { role = s.text } else {
                access.bag.error("schema.role", "unknown role '\(s.text)'\(Suggestion.hint(s.text, PolicyLoader.roles)): a fact's role is "
                                     + PolicyLoader.roles.dropLast().map { "'\($0)'" }.joined(separator: ", ")
                                     + " or '\(PolicyLoader.roles.last!)'", at: s.range)
            }
        }
        var field = Field(name: key.text, path: path, label: access.text(f, "label", "fact") ?? key.text,
                          labelEn: access.text(f, "label_en", "fact"), type: type, defaultValue: defaultValue, required: required,
                          minimum: int("min"), maximum: int("max"), length: int("length").map(Int.init), range: key.range, role: role)
        if let r = f["remedy"], let s = access.scalar(r, "a remedy rule") {
            field.remedy = remedyRule(s, type: type, path: path)
        }
        if let r = f["format"], let s = access.scalar(r, "a text format") {
            field.format = textFormat(s, type: type, path: path)
        }
        return field
    }

    /// `format: credit_code`: for a text fact only.
    private func textFormat(_ s: YAMLNode.Scalar, type: ValueType, path: String) -> TextFormat? {
        let names = TextFormat.allCases.map(\.rawValue)
        guard let format = TextFormat(rawValue: s.text) else {
            access.bag.error("schema.format", "unknown text format '\(s.text)'\(Suggestion.hint(s.text, names)): a fact's format is "
                                 + names.map { "'\($0)'" }.joined(separator: " or "), at: s.range)
            return nil
        }
        guard type.unwrapped == .text else {
            access.bag.error("schema.format", "'format: \(s.text)' is for a text fact, but '\(path)' is not text", at: s.range)
            return nil
        }
        return format
    }

    /// `remedy: fixed | later | open`. `later` is for dates only; `fixed` on a group fixes every
    /// fact in it (a fact inside may not reopen it).
    private func remedyRule(_ s: YAMLNode.Scalar, type: ValueType, path: String) -> RemedyRule {
        let names = RemedyRule.allCases.map(\.rawValue)
        guard let rule = RemedyRule(rawValue: s.text) else {
            access.bag.error("schema.remedy", "unknown remedy rule '\(s.text)'\(Suggestion.hint(s.text, names)): a fact's remedy rule is "
                                 + names.map { "'\($0)'" }.joined(separator: " or "), at: s.range)
            return .open
        }
        if rule == .later, type.unwrapped != .date {
            access.bag.error("schema.remedy", "'remedy: later' is for a date, but '\(path)' is not a date", at: s.range)
            return .open
        }
        if rule == .fixed {
            switch type.unwrapped {
            case .record(let i), .list(.record(let i)):
                for k in records[i].fields.indices { records[i].fields[k].remedy = .fixed }
            default: break
            }
        }
        return rule
    }

    /// A literal value written in YAML: a scalar read by the expression language (`50万元`,
    /// `2024-01-01..2025-12-31`, `none`), or a sequence of such scalars.
    func constant(_ node: YAMLNode, type: ValueType?, what: String) -> Value? {
        let checker = self.checker ?? ExpressionChecker(names: TypeNames(enums: enums, records: records))
        defer { if self.checker == nil { access.bag.append(contentsOf: checker.bag) } }
        switch node {
        case .sequence(let s):
            var elementType: ValueType?
            if case .list(let t)? = type { elementType = t } else if let type {
                access.bag.error("type.mismatch", "\(what) must be \(checker.article(type)), not a list", at: s.range)
                return nil
            }
            var items: [Value] = []
            for item in s.items {
                guard let v = constant(item, type: elementType, what: "an item of \(what)") else { return nil }
                items.append(v)
            }
            return .list(items)
        case .mapping(let m):
            if case .table(let k, let v)? = type { return table(m, key: k, value: v, what: what) }
            if type == nil {
                access.bag.error("type.unknown", "\(what) is a mapping: a table needs its type, e.g. 'type: table of int to money'", at: m.range)
                return nil
            }
            access.bag.error("type.mismatch", "\(what) must be a literal, not a mapping", at: m.range)
            return nil
        case .scalar(let s):
            let before = checker.bag.diagnostics.count
            guard let c = checker.check(s, expected: type, constantOnly: true, what: what) else { return nil }
            guard let v = PolicyLoader.fold(c) else {
                if checker.bag.diagnostics.count == before {
                    access.bag.error("expr.not-constant", "\(what) must be a literal", at: s.range)
                }
                return nil
            }
            return v
        }
    }

    /// The value of an expression made only of literals.
    static func fold(_ c: CheckedExpr) -> Value? {
        switch c.kind {
        case .constant(let v): return v
        case .list(let items):
            var out: [Value] = []
            for i in items {
                guard let v = fold(i) else { return nil }
                out.append(v)
            }
            return .list(out)
        case .arithmetic(.durationAdd, let a, let b):
            // `3 years + 6 months`: a duration in more than one unit.
            guard case .duration(let x)? = fold(a), case .duration(let y)? = fold(b) else { return nil }
            return .duration(x + y)
        case .negate(let x):
            switch fold(x) {
            case .int(let i)?: return .int(-i)
            case .money(let m)?: return .money(Money(fen: -m.fen))
            case .percent(let p)?: return .percent(Percent(millionths: -p.millionths))
            default: return nil
            }
        default: return nil
        }
    }

    /// The type a literal has by itself (for parameters that do not state one).
    func type(of value: Value) -> ValueType? {
        switch value {
        case .bool: .bool
        case .int: .int
        case .money: .money
        case .percent: .percent
        case .date: .date
        case .period: .period
        case .duration: .duration
        case .text: .text
        case .enumCase(let t, _): .enumeration(t)
        case .list(let items): items.first.flatMap { type(of: $0) }.map { .list($0) }
        case .record, .table, .none: nil
        }
    }
}
