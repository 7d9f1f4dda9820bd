import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Reads a case's `history:` against the workflows of its policy, reporting every problem with its
/// location: unknown events and roles (with a suggestion), bad dates, payloads of the wrong type.
/// Events out of date order are read as recorded; the replay flags them.
///
/// Who may take an event is not checked here: an enterprise recorded as passing its own review is
/// a well-formed history that the replay flags, not a malformed file.
package struct HistoryReader {
    let policy: Policy
    let machines: [Workflow]
    var access = NodeAccess()

    package init(policy: Policy, machines: [Workflow]) {
        self.policy = policy
        self.machines = machines
    }

    /// The events of `root`'s `history:` (none when the case has no history), or nil with errors.
    package static func read(_ root: YAMLNode, policy: Policy, machines: [Workflow], into bag: inout DiagnosticBag) -> [HistoryEvent]? {
        var reader = HistoryReader(policy: policy, machines: machines)
        let events = reader.read(root)
        bag.append(contentsOf: reader.access.bag)
        return reader.access.bag.hasErrors ? nil : events
    }

    mutating func read(_ root: YAMLNode) -> [HistoryEvent] {
        guard case .mapping(let m) = root, let h = m["history"] else { return [] }
        if case .scalar(let s) = h, s.isNull { return [] }
        guard let list = access.sequence(h, "'history'") else { return [] }
        let events = machines.flatMap(\.events)
        let roles = Self.roles(machines)
        var out: [HistoryEvent] = []
        for (i, item) in list.items.enumerated() {
            guard let em = access.mapping(item, "a history event") else { continue }
            guard let nameNode = em["event"], let name = access.scalar(nameNode, "an event name") else {
                access.bag.error("schema.missing-key", "a history event needs 'event'", at: em.range)
                continue
            }
            guard let declared = events.first(where: { $0.name == name.text }) else {
                access.bag.error("history.unknown-event", "unknown event '\(name.text)'\(Suggestion.hint(name.text, events.map(\.name)))",
                                 at: name.range)
                continue
            }
            access.checkKeys(em, allowed: ["event", "on", "by", "note"] + declared.payload.map(\.name),
                             required: ["on", "by"] + declared.payload.filter { !$0.type.isOptional }.map(\.name),
                             in: "a '\(declared.name)' event")
            var date: CivilDate?
            if let on = em["on"], let s = access.scalar(on, "a date for 'on'") {
                switch ScalarValue.read(s, as: .date, policy: policy) {
                case .success(.date(let d)):
                    // A date earlier than the event before it is not a malformed file: the replay
                    // flags it (kind `order`) and goes on, so the history still gets a status.
                    date = d
                case .failure(let message): access.bag.error("type.date", message, at: s.range)
                default: break
                }
            }
            let actor = em["by"].flatMap { self.actor($0, roles: roles) }
            var payload: [String: Value] = [:]
            for a in declared.payload {
                guard let node = em[a.name] else { continue }
                // An optional attribute (`source: funding_source?`) may be left out or null.
                if a.type.isOptional, case .scalar(let s) = node, s.isNull { continue }
                if case .scalar(let s) = node, !s.isNull {
                    switch ScalarValue.read(s, as: a.type.unwrapped, policy: policy) {
                    case .success(let v): payload[a.name] = v
                    case .failure(let message): access.bag.error("history.payload", "'\(a.name)' of '\(declared.name)': \(message)", at: s.range)
                    }
                } else {
                    access.bag.error("history.payload", "'\(a.name)' of '\(declared.name)' needs a value", at: node.range)
                }
            }
            if let date, let actor {
                out.append(HistoryEvent(index: i, event: declared.name, on: date, actor: actor, payload: payload, range: em.range))
            }
        }
        return out
    }

    mutating func actor(_ node: YAMLNode, roles: [WorkflowRole]) -> Actor? {
        guard let m = access.mapping(node, "'by' (who acted)") else { return nil }
        guard let rn = m["role"], let r = access.scalar(rn, "a role") else {
            access.bag.error("schema.missing-key", "'by' needs 'role'", at: m.range)
            return nil
        }
        guard let role = roles.first(where: { $0.name == r.text }) else {
            access.bag.error("history.unknown-role", "unknown role '\(r.text)'\(Suggestion.hint(r.text, roles.map(\.name)))", at: r.range)
            return nil
        }
        access.checkKeys(m, allowed: ["role", "name"] + role.attributes.map(\.name), required: role.attributes.map(\.name),
                         in: "'by' of a \(role.name)")
        var attributes: [String: Value] = [:]
        var ok = true
        for a in role.attributes {
            guard let n = m[a.name] else { ok = false; continue }
            guard let s = access.scalar(n, "a value for '\(a.name)'") else { ok = false; continue }
            switch ScalarValue.read(s, as: a.type.unwrapped, policy: policy) {
            case .success(let v): attributes[a.name] = v
            case .failure(let message):
                access.bag.error("history.actor", "'\(a.name)' of a \(role.name): \(message)", at: s.range)
                ok = false
            }
        }
        let name = access.text(m, "name", "'by'")
        return ok ? Actor(role: role.name, name: name, attributes: attributes) : nil
    }

    /// Every role the machines declare, first declaration first.
    package static func roles(_ machines: [Workflow]) -> [WorkflowRole] {
        var out: [WorkflowRole] = []
        for w in machines { for r in w.roles where !out.contains(where: { $0.name == r.name }) { out.append(r) } }
        return out
    }
}
