import ClauseLanguage

/// A fact of a case by position: field indices through records, element indices through lists.
/// Reads and writes the `facts` of a `CaseFile`, so a remedy can be applied without text.
///
/// Only positions: the search makes an address for every fact and list element a refusing rule
/// reads, and most are dropped at once (fixed), so the written name is made only for a remedy.
struct FactAddress: Hashable {
    enum Step: Hashable {
        case field(Int)
        case element(Int)
    }
    var steps: [Step]

    /// Whether the address goes through an element of a list (`project.changes[0].approved`).
    var namesAnElement: Bool {
        steps.contains { if case .element = $0 { true } else { false } }
    }

    /// Dotted path as a case file or a scenario writes it: `project.changes[0].approved`.
    func name(in policy: Policy) -> String {
        var out = ""
        walk(policy) { record, i in
            if !out.isEmpty { out += "." }
            out += policy.records[record].fields[i].name
        } element: { k in
            out += "[\(k)]"
        }
        return out
    }

    /// Each step's field where it is (its record in `policy.records` and its index there), and
    /// each element's index, read in place: a `Field` or a `RecordSchema` copied out retains every
    /// text in it, and the remedy search names each change it shows in both languages.
    private func walk(_ policy: Policy, field: (_ record: Int, _ index: Int) -> Void, element: (Int) -> Void) {
        var record = 0
        for step in steps {
            switch step {
            case .field(let i):
                guard i < policy.records[record].fields.count else { continue }
                field(record, i)
                switch policy.records[record].fields[i].type.unwrapped {
                case .record(let r), .list(.record(let r)): record = r
                default: break
                }
            case .element(let k):
                element(k)
            }
        }
    }

    /// The declared field at the end of the address.
    func field(in policy: Policy) -> Field? {
        guard let (r, i) = last(in: policy) else { return nil }
        return policy.records[r].fields[i]
    }

    /// Where the declared field at the end is: its record in `policy.records` and its index
    /// there; nil for an address that names no field. Read by index: a `Field` copied out costs
    /// a retain for each of its texts, and the search asks this of every address it makes.
    func last(in policy: Policy) -> (record: Int, field: Int)? {
        var record = 0
        var found: (Int, Int)?
        for step in steps {
            guard case .field(let i) = step else { continue }
            guard i < policy.records[record].fields.count else { return nil }
            found = (record, i)
            switch policy.records[record].fields[i].type.unwrapped {
            case .record(let r), .list(.record(let r)): record = r
            default: break
            }
        }
        return found
    }

    /// The labels along the way, an element of a list by its number: `改造项目 · 项目变更（第 1 项） · 是否…`.
    func label(in policy: Policy, english: Bool) -> String {
        var parts: [String] = []
        walk(policy) { record, i in
            parts.append(english ? (policy.records[record].fields[i].labelEn ?? policy.records[record].fields[i].name)
                : policy.records[record].fields[i].label)
        } element: { k in
            guard !parts.isEmpty else { return }
            parts[parts.count - 1] += english ? " #\(k + 1)" : "（第 \(k + 1) 项）"
        }
        return parts.joined(separator: " · ")
    }

    /// The address with every element index set to 0: one key for what depends only on the
    /// schema (the remedy rule), whichever element it is.
    var shape: FactAddress {
        FactAddress(steps: steps.map { if case .element = $0 { .element(0) } else { $0 } })
    }

    /// Whether any field on the way is fixed (a fixed group fixes what is in it).
    func remedyRule(in policy: Policy) -> RemedyRule {
        var record = 0
        var rule = RemedyRule.fixed
        for step in steps {
            guard case .field(let i) = step, i < policy.records[record].fields.count else { continue }
            let remedy = policy.records[record].fields[i].remedy
            if remedy == .fixed || policy.records[record].fields[i].computed { return .fixed }
            rule = remedy
            switch policy.records[record].fields[i].type.unwrapped {
            case .record(let r), .list(.record(let r)): record = r
            default: break
            }
        }
        return rule
    }

    func value(in facts: [Value?]) -> Value? {
        Self.get(facts, steps[...])
    }

    private static func get(_ slots: [Value?], _ steps: ArraySlice<Step>) -> Value? {
        guard let step = steps.first, case .field(let i) = step, i < slots.count, let v = slots[i] else { return nil }
        return descend(v, steps.dropFirst())
    }

    private static func descend(_ v: Value, _ steps: ArraySlice<Step>) -> Value? {
        guard let step = steps.first else { return v }
        switch (step, v) {
        case (.field, .record(let inner)): return get(inner, steps)
        case (.element(let k), .list(let items)) where k < items.count: return descend(items[k], steps.dropFirst())
        default: return nil
        }
    }

    /// The facts with this one set to `value`; nil when the address does not reach (a record
    /// the case leaves out entirely is made from nothing only for its last field).
    func setting(_ value: Value, in facts: [Value?]) -> [Value?]? {
        Self.set(facts, steps[...], value)
    }

    private static func set(_ slots: [Value?], _ steps: ArraySlice<Step>, _ value: Value) -> [Value?]? {
        guard let step = steps.first, case .field(let i) = step, i < slots.count else { return nil }
        var out = slots
        if steps.count == 1 {
            out[i] = value
            return out
        }
        guard let inner = slots[i], let changed = replace(inner, steps.dropFirst(), value) else { return nil }
        out[i] = changed
        return out
    }

    private static func replace(_ v: Value, _ steps: ArraySlice<Step>, _ value: Value) -> Value? {
        guard let step = steps.first else { return value }
        switch (step, v) {
        case (.field, .record(let inner)): return set(inner, steps, value).map { .record($0) }
        case (.element(let k), .list(var items)) where k < items.count:
            guard let changed = replace(items[k], steps.dropFirst(), value) else { return nil }
            items[k] = changed
            return .list(items)
        default: return nil
        }
    }
}
