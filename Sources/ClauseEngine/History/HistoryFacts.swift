import ClauseLanguage
import ClauseSyntax

/// The facts a case's `history:` records, read before the case is decided, so the decision and
/// the workflow replay read one set of facts.
///
/// A history is what was done; where it says something the case file also states, the history
/// decides (docs/cases.md, "A history decides the facts it records"):
///
/// - `fraud_found` (第十三条) sets `fraud_found_on`: the earliest finding, of the case's and the
///   history's, is the one the ban and the clawback run from;
/// - the payment event (the package's `funding.payments`, else `pay`) sets `disbursed` to the sum
///   of every payment recorded, in whatever state it was made: money that went out is money to
///   claw back;
/// - `accept` (第十条) gives `project.accepted_on` and `project.digital_level` where the case
///   does not state them (where it does, the workflow flags a history that disagrees);
/// - each `change_made` (第九条) decides its change's `approved`: approved only when a
///   `change_filed` came after the last `change_request` before it, and no `change_opinion` in
///   between said `approve: false`. It overrides the first stated change of its kind not matched
///   yet, or adds one.
///
/// Events these rules do not read are left to the workflows. A value that cannot be read is a
/// located error, never skipped: a finding of fraud dated `2024-13-30` must not grant the case.
package enum HistoryFacts {
    package static let fraudEvent = "fraud_found"
    package static let fraudFact = "fraud_found_on"
    package static let paymentEvent = "pay"
    package static let paidFact = "disbursed"
    package static let changeFact = "project.changes"
    package static let acceptEvent = "accept"
    package static let acceptedFact = "project.accepted_on"
    package static let levelFact = "project.digital_level"

    /// One event as these rules read it.
    struct Entry {
        var event: String
        var on: CivilDate?
        var amount: Money?
        var kind: Value?
        var approve: Bool?
        var level: Int64?
    }

    /// Sets the facts the history of `root` records in `facts` (schema order). Does nothing for a
    /// case without a history, or a package without the facts.
    package static func apply(to facts: inout [Value?], root: YAMLNode.Mapping, policy: Policy, into bag: inout DiagnosticBag) {
        guard let h = root["history"], case .sequence(let list) = h else { return }
        apply(to: &facts, history: list, through: nil, policy: policy, into: &bag)
    }

    /// Sets the facts that the events of `history` up to index `through` (all: nil) record: the
    /// case as it stood when that event happened.
    package static func apply(to facts: inout [Value?], history list: YAMLNode.Sequence, through: Int?, policy: Policy,
                              into bag: inout DiagnosticBag) {
        var list = list
        if let through { list.items = Array(list.items.prefix(max(0, through + 1))) }
        let entries = read(list, policy: policy, into: &bag)
        guard !bag.hasErrors else { return }
        let payment = policy.funding?.paymentEvent ?? paymentEvent

        if let found = entries.filter({ $0.event == fraudEvent }).compactMap(\.on).min() {
            var earliest = found
            if case .date(let stated)?? = slot(fraudFact, facts, policy) { earliest = min(stated, found) }
            set(fraudFact, .date(earliest), &facts, policy)
        }
        let payments = entries.filter { $0.event == payment }.compactMap(\.amount)
        if !payments.isEmpty {
            let total = payments.reduce(Money.zero) { $0.adding($1) ?? $0 }
            set(paidFact, .money(total), &facts, policy)
        }
        // An acceptance the case does not state is the history's: the level and the day found.
        // One the case states stays, and the workflow flags a history that says otherwise.
        if let accepted = entries.last(where: { $0.event == acceptEvent && $0.on != nil }) {
            if case .some(nil) = slot(acceptedFact, facts, policy) { set(acceptedFact, .date(accepted.on!), &facts, policy) }
            if let level = accepted.level, case .some(nil) = slot(levelFact, facts, policy) { set(levelFact, .int(level), &facts, policy) }
        }
        let made = changes(entries)
        if !made.isEmpty { setChanges(made, &facts, policy) }
    }

    /// Each `change_made` with its kind and whether it was approved, in history order.
    static func changes(_ entries: [Entry]) -> [(kind: Value, approved: Bool)] {
        var out: [(kind: Value, approved: Bool)] = []
        var filed = false, opposed = false
        for e in entries {
            switch e.event {
            case "change_request": filed = false; opposed = false
            case "change_opinion": if e.approve == false { opposed = true }
            case "change_filed": filed = true
            case "change_made":
                if let kind = e.kind { out.append((kind, filed && !opposed)) }
                filed = false
                opposed = false
            default: break
            }
        }
        return out
    }

    static func read(_ list: YAMLNode.Sequence, policy: Policy, into bag: inout DiagnosticBag) -> [Entry] {
        let read: Set<String> = [fraudEvent, policy.funding?.paymentEvent ?? paymentEvent, acceptEvent, "change_request", "change_opinion", "change_filed", "change_made"]
        let changeKind = changeKindType(policy)
        var out: [Entry] = []
        for item in list.items {
            guard case .mapping(let m) = item, case .scalar(let name)? = m["event"], read.contains(name.text) else { continue }
            var e = Entry(event: name.text)
            func scalar(_ key: String, required: Bool) -> YAMLNode.Scalar? {
                guard let node = m[key] else {
                    if required { bag.error("schema.missing-key", "a '\(name.text)' event needs '\(key)'", at: m.range) }
                    return nil
                }
                guard case .scalar(let s) = node, !s.isNull else {
                    if required { bag.error("history.payload", "'\(key)' of '\(name.text)' needs a value", at: node.range) }
                    return nil
                }
                return s
            }
            func value(_ key: String, _ type: ValueType, required: Bool) -> Value? {
                guard let s = scalar(key, required: required) else { return nil }
                switch ScalarValue.read(s, as: type, policy: policy) {
                case .success(let v): return v
                case .failure(let message):
                    bag.error(key == "on" ? "type.date" : "history.payload", key == "on" ? message : "'\(key)' of '\(name.text)': \(message)", at: s.range)
                    return nil
                }
            }
            e.on = value("on", .date, required: true)?.asDate
            switch name.text {
            case fraudEvent, "change_request", "change_filed": break
            case "change_opinion": e.approve = value("approve", .bool, required: false)?.asBool
            case "change_made": if let changeKind { e.kind = value("kind", changeKind, required: true) }
            case acceptEvent: if case .int(let n)? = value("digital_level", .int, required: true) { e.level = n }
            default: e.amount = value("amount", .money, required: true)?.asMoney
            }
            out.append(e)
        }
        return out
    }

    /// The type of `project.changes[].kind` in the package, if it has one.
    static func changeKindType(_ policy: Policy) -> ValueType? {
        guard let (schema, _) = changeRecord(policy), let k = schema.index["kind"] else { return nil }
        return schema.fields[k].type.unwrapped
    }

    static func changeRecord(_ policy: Policy) -> (RecordSchema, Int)? {
        guard let pi = policy.caseSchema.index["project"], case .record(let pr) = policy.caseSchema.fields[pi].type.unwrapped,
              let ci = policy.records[pr].index["changes"] else { return nil }
        let f = policy.records[pr].fields[ci]
        guard case .list(let inner) = f.type.unwrapped, case .record(let r) = inner else { return nil }
        return (policy.records[r], r)
    }

    /// Overrides `approved` of the stated changes the history carried out, kind by kind, and adds
    /// those the case does not state.
    static func setChanges(_ made: [(kind: Value, approved: Bool)], _ facts: inout [Value?], _ policy: Policy) {
        guard let (schema, _) = changeRecord(policy), let ki = schema.index["kind"], let ai = schema.index["approved"] else { return }
        var list: [Value] = []
        if case .list(let l)?? = slot(changeFact, facts, policy) { list = l }
        var matched = Set<Int>()
        for change in made {
            let hit = list.indices.first { i in
                guard !matched.contains(i), case .record(let r) = list[i], ki < r.count else { return false }
                return r[ki] == change.kind
            }
            if let i = hit, case .record(var r) = list[i] {
                r[ai] = .bool(change.approved)
                list[i] = .record(r)
                matched.insert(i)
            } else {
                var r = schema.fields.map(\.defaultValue)
                r[ki] = change.kind
                r[ai] = .bool(change.approved)
                list.append(.record(r))
                matched.insert(list.count - 1)
            }
        }
        set(changeFact, .list(list), &facts, policy)
    }

    /// The slot at a dotted path: nil when the schema has no such fact, `.some(nil)` when unknown.
    static func slot(_ path: String, _ facts: [Value?], _ policy: Policy) -> Value?? {
        var slots = facts
        var schema = policy.caseSchema
        let parts = path.split(separator: ".").map(String.init)
        for (k, name) in parts.enumerated() {
            guard let i = schema.index[name], i < slots.count else { return nil }
            if k == parts.count - 1 { return .some(slots[i]) }
            guard case .record(let inner)? = slots[i], case .record(let r) = schema.fields[i].type.unwrapped else { return nil }
            slots = inner
            schema = policy.records[r]
        }
        return nil
    }

    /// Sets the fact at a dotted path, through records; nothing when the schema has no such fact.
    static func set(_ path: String, _ value: Value, _ facts: inout [Value?], _ policy: Policy) {
        func set(_ parts: ArraySlice<String>, _ slots: inout [Value?], _ schema: RecordSchema) {
            guard let name = parts.first, let i = schema.index[name], i < slots.count else { return }
            if parts.count == 1 {
                slots[i] = value
                return
            }
            guard case .record(var inner)? = slots[i], case .record(let r) = schema.fields[i].type.unwrapped else { return }
            set(parts.dropFirst(), &inner, policy.records[r])
            slots[i] = .record(inner)
        }
        set(ArraySlice(path.split(separator: ".").map(String.init)), &facts, policy.caseSchema)
    }
}
