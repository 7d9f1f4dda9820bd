import ClauseLanguage
import ClauseSyntax

/// Types a case tree by the policy's facts schema, reporting every problem with its location.
///
/// Scalars are typed by the schema, never by YAML's guessing: a credit code of digits stays text,
/// `yes` is refused where a boolean is expected (and the message says YAML 1.1 would have read it
/// as true), `010` is refused where a number is expected.
public struct CaseReader {
    /// Keys a case file may carry that the facts schema does not describe (workflow histories).
    package static let reservedKeys = ["history"]

    let policy: Policy
    var bag = DiagnosticBag()

    public init(policy: Policy) { self.policy = policy }

    public static func read(_ root: YAMLNode, path: String, policy: Policy, into bag: inout DiagnosticBag) -> CaseFile? {
        var reader = CaseReader(policy: policy)
        let before = bag.hasErrors
        guard case .mapping(let m) = root else {
            bag.error("case.shape", "a case file is a mapping of facts, found \(root.kindDescription)", at: root.range)
            return nil
        }
        var facts = reader.record(m, schema: policy.caseSchema, prefix: "", extra: reservedKeys)
        bag.append(contentsOf: reader.bag)
        guard !bag.hasErrors || before, !reader.bag.hasErrors else { return nil }
        // What the history records (a finding of fraud, payments, changes) decides those facts.
        var recorded = DiagnosticBag()
        HistoryFacts.apply(to: &facts, root: m, policy: policy, into: &recorded)
        bag.append(contentsOf: recorded)
        guard !recorded.hasErrors else { return nil }
        var id = ""
        if let i = policy.caseSchema.index["case"], case .text(let t)? = facts[i] { id = t }
        if id.isEmpty, case .scalar(let s)? = m["case"] {
            // A schema without 'case' still names the case by it: the same rule as an id fact.
            if let problem = ScalarValue.controlCharacter(in: s.text, allowLineBreaks: false) {
                bag.error("case.range", "'case': \(problem)", at: s.range)
                return nil
            }
            id = s.text
        }
        return CaseFile(path: path, id: id, policyID: policy.id, facts: facts, root: root)
    }

    mutating func record(_ m: YAMLNode.Mapping, schema: RecordSchema, prefix: String, extra: [String] = []) -> [Value?] {
        var slots = [Value?](repeating: nil, count: schema.fields.count)
        var given = [Bool](repeating: false, count: schema.fields.count)
        var invalid = [Bool](repeating: false, count: schema.fields.count)
        for (key, value) in m.entries {
            guard let i = schema.index[key.text] else {
                if extra.contains(key.text) { continue }
                // Past what will be shown (100 a file), no did-you-mean: it was most of the time
                // a hostile case with 16,000 unknown keys took.
                let hint = bag.diagnostics.count < DiagnosticRenderer.maxPerFile ? Suggestion.hint(key.text, schema.fields.map(\.name)) : ""
                bag.error("case.unknown-fact", "unknown fact '\(prefix)\(key.text)'\(hint)", at: key.range)
                continue
            }
            if schema.fields[i].computed {
                bag.error("case.computed-fact", "'\(prefix)\(key.text)' is counted from the fund's record, not stated by a case",
                          at: key.range)
                invalid[i] = true
                continue
            }
            given[i] = true
            let errorsBefore = bag.diagnostics.count
            slots[i] = self.value(value, field: schema.fields[i], path: prefix + key.text)
            invalid[i] = bag.diagnostics.count > errorsBefore
        }
        for (i, f) in schema.fields.enumerated() where slots[i] == nil && !invalid[i] {
            if let d = f.defaultValue {
                slots[i] = d
            } else if case .record(let r) = f.type, !given[i] {
                // An absent record still has its fields' defaults (no changes, nothing granted).
                slots[i] = .record(record(YAMLNode.Mapping(entries: [], range: m.range), schema: policy.records[r], prefix: prefix + f.name + "."))
            } else if f.required {
                bag.error("case.missing-fact", given[i] ? "'\(prefix)\(f.name)' (\(f.label)) cannot be null"
                          : "the case needs '\(prefix)\(f.name)' (\(f.label))", at: given[i] ? m[f.name]!.range : m.range)
            }
        }
        return slots
    }

    /// A fact's value, or nil when the case gives null for a fact that is not optional (not known).
    mutating func value(_ node: YAMLNode, field: Field, path: String) -> Value? {
        if case .scalar(let s) = node, s.isNull {
            return field.type.isOptional ? Value.none : nil
        }
        return typed(node, field.type.unwrapped, field: field, path: path)
    }

    private mutating func typed(_ node: YAMLNode, _ type: ValueType, field: Field, path: String) -> Value? {
        switch type {
        case .list(let element):
            guard case .sequence(let s) = node else {
                bag.error("case.type", "'\(path)' is a list, found \(node.kindDescription)", at: node.range)
                return nil
            }
            var items: [Value] = []
            for (k, item) in s.items.enumerated() {
                if case .record(let r) = element {
                    guard case .mapping(let im) = item else {
                        bag.error("case.type", "each item of '\(path)' is a mapping, found \(item.kindDescription)", at: item.range)
                        continue
                    }
                    items.append(.record(record(im, schema: policy.records[r], prefix: "\(path)[\(k)].")))
                } else if let v = typed(item, element, field: field, path: "\(path)[\(k)]") {
                    items.append(v)
                }
            }
            return .list(items)
        case .record(let r):
            guard case .mapping(let m) = node else {
                bag.error("case.type", "'\(path)' is a group of facts (a mapping), found \(node.kindDescription)", at: node.range)
                return nil
            }
            return .record(record(m, schema: policy.records[r], prefix: path + "."))
        default:
            guard case .scalar(let s) = node else {
                bag.error("case.type", "'\(path)' is \(describe(type)), found \(node.kindDescription)", at: node.range)
                return nil
            }
            switch ScalarValue.read(s, as: type, policy: policy) {
            case .success(let read):
                let v: Value
                switch Self.canonical(read, field) {
                case .success(let c): v = c
                case .failure(let problem):
                    bag.error("case.key", "'\(path)' \(problem)", at: s.range)
                    return nil
                }
                if let problem = Self.bounds(v, field) {
                    bag.error("case.range", "'\(path)' \(problem)", at: s.range)
                    return nil
                }
                return v
            case .failure(let message):
                bag.error("case.type", "'\(path)': \(message)", at: s.range)
                return nil
            }
        }
    }

    /// A text fact in its one spelling: a credit code checked and in upper-case ASCII, a key the
    /// record matches on normalised (`KeyText`); any other value as read. Shared with `FastCaseReader`.
    static func canonical(_ v: Value, _ f: Field) -> Result<Value, String> {
        guard case .text(let t) = v, f.format != nil || f.isKey else { return .success(v) }
        switch f.format {
        case .creditCode?:
            return CreditCode.read(t).map(Value.text).mapError { "(\(f.label)) is not a unified social credit code: \($0)" }
        case nil:
            return KeyText.normalised(t).map(Value.text).mapError { "(\(f.label)) \($0)" }
        }
    }

    /// Why `v` is outside the field's declared bounds, or nil (shared with `FastCaseReader`).
    static func bounds(_ v: Value, _ f: Field) -> String? {
        if case .int(let i) = v {
            if let lo = f.minimum, i < lo { return "must be at least \(lo), found \(i)" }
            if let hi = f.maximum, i > hi { return "must be at most \(hi), found \(i)" }
        }
        if case .text(let t) = v, isIdentifier(f), let problem = ScalarValue.controlCharacter(in: t, allowLineBreaks: false) {
            return "(\(f.label)): \(problem)"
        }
        if case .text(let t) = v, let n = f.length, t.count != n {
            return "(\(f.label)) must have \(n) characters, found \(t.count)"
        }
        return nil
    }

    /// Text that names something (the case id, the policy, a code of fixed length) rather than
    /// describes it: one line, no tab.
    static func isIdentifier(_ f: Field) -> Bool {
        f.length != nil || f.name == "case" || f.name == "policy"
    }

    private func describe(_ t: ValueType) -> String {
        ExpressionChecker(names: TypeNames(enums: policy.enums, records: policy.records)).article(t)
    }
}
