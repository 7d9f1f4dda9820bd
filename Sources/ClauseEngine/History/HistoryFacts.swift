import ClauseLanguage
import ClauseSyntax

/// The facts a case's `history:` records, read before the case is decided, so the decision and
/// the workflow replay read one set of facts.
///
/// A history is what was done; where it says something the case file also states, the history
/// decides (docs/reference/cases.md, "A history decides the facts it records"):
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
        var problems = DiagnosticBag()
        let entries = read(list, policy: policy, into: &problems)
        bag.append(contentsOf: problems)
        guard !problems.hasErrors else { return }
        apply(entries, to: &facts, policy: policy)
    }

    static func apply(_ entries: [Entry], to facts: inout [Value?], policy: Policy) {
        let payment = policy.funding?.paymentEvent ?? paymentEvent

        // A finding of fraud sets the fact with role `fraud_found_on`: the ban starts then.
        if let fraudFact = policy.banFacts?.fraudFoundOn, let found = entries.filter({ $0.event == fraudEvent }).compactMap(\.on).min() {
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
            // A level outside the fact's bounds (1..4) is not taken: the case stays without one
            // (incomplete), and the workflow flags the acceptance that disagrees with it.
            if let level = accepted.level, case .some(nil) = slot(levelFact, facts, policy),
               policy.fields(along: levelFact).last.map({ CaseReader.bounds(.int(level), $0) == nil }) ?? true {
                set(levelFact, .int(level), &facts, policy)
            }
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

    /// The events these rules read, by name.
    static func events(_ policy: Policy) -> Set<String> {
        [fraudEvent, policy.funding?.paymentEvent ?? paymentEvent, acceptEvent, "change_request", "change_opinion", "change_filed", "change_made"]
    }

    /// One history event's fields as written: a scalar's text and style, or why it is not one.
    package enum Field {
        case scalar(text: String, style: YAMLNode.ScalarStyle, range: SourceRange?)
        /// Given, but not a scalar with a value (null, a list, a mapping).
        case noValue(range: SourceRange?)
    }

    /// Reads one event named `event` whose fields `field` gives; each problem goes to `fail`
    /// (key, id, message, where), and the event is then not used.
    static func entry(_ event: String, policy: Policy, field: (String) -> Field?, eventRange: SourceRange?,
                      fail: (String, String, SourceRange?) -> Void) -> Entry? {
        var e = Entry(event: event)
        var ok = true
        func value(_ key: String, _ type: ValueType, required: Bool) -> Value? {
            guard let f = field(key) else {
                if required { fail("schema.missing-key", "a '\(event)' event needs '\(key)'", eventRange); ok = false }
                return nil
            }
            guard case .scalar(let text, let style, let range) = f else {
                if case .noValue(let range) = f, required { fail("history.payload", "'\(key)' of '\(event)' needs a value", range); ok = false }
                return nil
            }
            switch ScalarValue.read(text: text, style: style, as: type, policy: policy) {
            case .success(let v): return v
            case .failure(let message):
                fail(key == "on" ? "type.date" : "history.payload", key == "on" ? message : "'\(key)' of '\(event)': \(message)", range)
                ok = false
                return nil
            }
        }
        e.on = value("on", .date, required: true)?.asDate
        switch event {
        case fraudEvent, "change_request", "change_filed": break
        case "change_opinion": e.approve = value("approve", .bool, required: false)?.asBool
        case "change_made": if let kind = changeKindType(policy) { e.kind = value("kind", kind, required: true) }
        case acceptEvent: if case .int(let n)? = value("digital_level", .int, required: true) { e.level = n }
        default: e.amount = value("amount", .money, required: true)?.asMoney
        }
        return ok ? e : nil
    }

    static func read(_ list: YAMLNode.Sequence, policy: Policy, into bag: inout DiagnosticBag) -> [Entry] {
        let read = events(policy)
        var out: [Entry] = []
        for item in list.items {
            guard case .mapping(let m) = item, case .scalar(let name)? = m["event"], read.contains(name.text) else { continue }
            let e = entry(name.text, policy: policy, field: { key in
                guard let node = m[key] else { return nil }
                guard case .scalar(let s) = node, !s.isNull else { return .noValue(range: node.range) }
                return .scalar(text: s.text, style: s.style, range: s.range)
            }, eventRange: m.range, fail: { id, message, range in bag.error(id, message, at: range ?? m.range) })
            if let e { out.append(e) }
        }
        return out
    }

    /// The facts a history records, for a reader that has no tree (the fast case reader): each
    /// event as its name and a field lookup. Nil when a value does not read: the full reader
    /// then reports it where it is.
    package static func apply(to facts: inout [Value?], events list: [(event: String, field: (String) -> Field?)], policy: Policy) -> Bool {
        let read = events(policy)
        var entries: [Entry] = []
        var failed = false
        for (name, field) in list where read.contains(name) {
            guard let e = entry(name, policy: policy, field: field, eventRange: nil, fail: { _, _, _ in failed = true }) else { return false }
            entries.append(e)
        }
        guard !failed else { return false }
        apply(entries, to: &facts, policy: policy)
        return true
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
