import ClauseLanguage

extension CaseFile {
    /// Whether `other` states the same facts, slot for slot (the fuzzers compare the two readers).
    public func hasSameFacts(as other: CaseFile) -> Bool { facts == other.facts }
}

/// A case's facts read by name as plain values, for code outside this package (the benchmarks'
/// hand-written Shenyang decision) that must not depend on how the engine stores facts.
public struct CaseFacts {
    let facts: [Value?]
    let schema: RecordSchema
    let policy: Policy

    /// The case record of `c`, read under `policy`.
    public init(_ c: CaseFile, policy: Policy) {
        self.init(facts: c.facts, schema: policy.caseSchema, policy: policy)
    }

    init(facts: [Value?], schema: RecordSchema, policy: Policy) {
        self.facts = facts
        self.schema = schema
        self.policy = policy
    }

    /// A fact's value; nil when the case does not give it. A name the schema does not have is a
    /// programming error.
    public subscript(_ name: String) -> Fact? {
        guard let i = schema.index[name] else { fatalError("no fact '\(name)' in \(schema.name)") }
        guard let v = facts[i] else { return nil }
        return fact(v, type: schema.fields[i].type.unwrapped)
    }

    /// A record fact's fields; a record the case does not give reads as all facts missing.
    public func record(_ name: String) -> CaseFacts {
        guard let i = schema.index[name], case .record(let r) = schema.fields[i].type.unwrapped else { fatalError("no record '\(name)' in \(schema.name)") }
        let fields = if case .record(let f)? = facts[i] { f } else { [Value?](repeating: nil, count: policy.records[r].fields.count) }
        return CaseFacts(facts: fields, schema: policy.records[r], policy: policy)
    }

    private func fact(_ v: Value, type: ValueType) -> Fact {
        switch v {
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .money(let m): return .money(fen: m.fen)
        case .date(let d): return .date(days: d.days)
        case .text(let t): return .text(t)
        case .enumCase(let t, let k): return .choice(policy.enums[t].cases[k].name)
        case .list(let items):
            let element: ValueType? = if case .list(let e) = type { e.unwrapped } else { nil }
            return .list(items.map { item in
                if case .record(let f) = item, case .record(let r)? = element {
                    return .record(CaseFacts(facts: f, schema: policy.records[r], policy: policy))
                }
                return element.map { fact(item, type: $0) } ?? .other
            })
        case .record(let f):
            guard case .record(let r) = type else { return .other }
            return .record(CaseFacts(facts: f, schema: policy.records[r], policy: policy))
        default: return .other
        }
    }

    /// A fact's value, plainly: amounts in fen, dates as days since 1970-01-01, an enum's case by name.
    public enum Fact {
        case bool(Bool)
        case int(Int64)
        case money(fen: Int64)
        case date(days: Int32)
        case text(String)
        case choice(String)
        case list([Fact])
        case record(CaseFacts)
        /// A kind the benchmarks do not read (percent, period, duration, table, none).
        case other
    }
}
