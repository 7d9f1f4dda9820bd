import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Loads one workflow file and type-checks it against its policy package, collecting every
/// problem with its location: unknown clauses, states, events, roles, types and facts; guards
/// that are not conditions; unreachable states; states that are not final and have no way out.
package struct WorkflowLoader {
    package struct Result: Sendable {
        package var workflow: Workflow?
        package var diagnostics: [Diagnostic]
    }

    static let fileKeys = ["workflow", "title", "title_en", "policy", "main", "description", "roles", "events", "states",
                           "transitions", "deadlines", "recorded_by"]
    static let roleKeys = ["label", "label_en", "attributes"]
    static let eventKeys = ["label", "label_en", "clause", "roles", "payload", "out_of_order", "out_of_order_en", "corrects"]
    static let stateKeys = ["label", "label_en", "clause", "initial", "final", "closes_case"]
    static let transitionKeys = ["event", "from", "to", "roles", "guard", "say", "say_en", "clause", "effects", "description"]
    static let guardKeys = ["if", "say", "say_en", "clause"]
    static let deadlineKeys = ["label", "label_en", "event", "after", "during", "when", "by", "not_before", "within", "schedule", "clause"]

    var access = NodeAccess()
    var policy: Policy?
    /// Every expression read, with where it is written: for the literal-equals-parameter lint.
    var expressions: [(expr: CheckedExpr, range: SourceRange)] = []

    package static func load(path: String, repository: PolicyRepository) -> Result {
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: path, into: &bag)
        guard let root else { return Result(workflow: nil, diagnostics: bag.sorted) }
        var loader = WorkflowLoader()
        let w = loader.load(root, path: path, repository: repository)
        bag.append(contentsOf: loader.access.bag)
        return Result(workflow: bag.hasErrors ? nil : w, diagnostics: bag.sorted)
    }

    /// Whether a YAML file is a workflow (has a top-level `workflow:`), for `clause check`.
    package static func isWorkflowFile(_ path: String) -> Bool {
        var bag = DiagnosticBag()
        guard case .mapping(let m)? = YAMLReader.read(path: path, into: &bag).root else { return false }
        return m["workflow"] != nil
    }

    mutating func load(_ rootNode: YAMLNode, path: String, repository: PolicyRepository) -> Workflow? {
        guard let root = access.mapping(rootNode, "a workflow file") else { return nil }
        access.checkKeys(root, allowed: Self.fileKeys, required: ["workflow", "policy", "roles", "events", "states", "transitions"],
                         in: "a workflow")
        let id = access.text(root, "workflow", "a workflow") ?? ""
        let policyNode = root["policy"].flatMap { access.scalar($0, "a policy id") }
        if let policyNode {
            let r = repository.policy(for: policyNode.text)
            policy = r.policy
            if r.policy == nil {
                for d in r.diagnostics { access.bag.add(Diagnostic(id: d.id, d.message, at: d.range.file == nil ? policyNode.range : d.range)) }
            }
        }
        let isMain = root["main"].flatMap { access.bool($0, "'main'") } ?? false

        let roles = readRoles(root["roles"])
        let events = readEvents(root["events"], roles: roles)
        var (states, initial) = readStates(root["states"])
        let transitions = readTransitions(root["transitions"], states: &states, events: events, roles: roles)
        let deadlines = readDeadlines(root["deadlines"], events: events)
        if let policy {
            checkGraph(root, states: states, initial: initial, transitions: transitions, events: events)
            for d in WorkflowLint.literals(expressions, policy: policy) { access.bag.add(d) }
        }
        var recorded: [(fact: String, event: String)] = []
        if let rn = root["recorded_by"], let rm = access.mapping(rn, "'recorded_by'") {
            for (key, value) in rm.entries {
                if let policy, !Self.isFactPath(key.text, policy) {
                    access.bag.error("workflow.unknown-fact", "unknown fact '\(key.text)'"
                                     + Suggestion.hint(key.text, policy.caseSchema.fields.map(\.name)), at: key.range)
                }
                guard let s = access.scalar(value, "an event name") else { continue }
                if events.contains(where: { $0.name == s.text }) { recorded.append((key.text, s.text)) } else {
                    access.bag.error("workflow.unknown-event", "unknown event '\(s.text)'\(Suggestion.hint(s.text, events.map(\.name)))", at: s.range)
                }
            }
        }
        return Workflow(id: id, title: access.text(root, "title", "a workflow") ?? id, titleEn: access.text(root, "title_en", "a workflow"),
                        policyID: policyNode?.text ?? "", isMain: isMain, path: path, roles: roles, events: events, states: states,
                        transitions: transitions, deadlines: deadlines, recordedBy: recorded, initial: initial ?? 0, range: root.range)
    }

    /// Whether `path` (`fraud_found_on`, `project.accepted_on`) names a fact of the case schema.
    static func isFactPath(_ path: String, _ policy: Policy) -> Bool {
        var schema = policy.caseSchema
        let parts = path.split(separator: ".").map(String.init)
        for (k, part) in parts.enumerated() {
            guard let i = schema.index[part] else { return false }
            if k == parts.count - 1 { return true }
            guard case .record(let r) = schema.fields[i].type.unwrapped else { return false }
            schema = policy.records[r]
        }
        return false
    }

    // MARK: - Names

    mutating func clause(_ node: YAMLNode?, in what: String, at fallback: SourceRange) -> String {
        guard let node else {
            access.bag.error("schema.missing-key", "\(what) needs 'clause'", at: fallback)
            return ""
        }
        guard let s = access.scalar(node, "a clause id") else { return "" }
        if let policy, policy.clause(s.text) == nil {
            access.bag.error("workflow.unknown-clause",
                             "unknown clause '\(s.text)' in \(policy.id)\(Suggestion.hint(s.text, policy.clauses.map(\.id)))", at: s.range)
        }
        return s.text
    }

    mutating func type(_ node: YAMLNode, _ what: String) -> ValueType? {
        guard let s = access.scalar(node, "a type for \(what)") else { return nil }
        guard let policy else { return nil }
        let names = TypeNames(enums: policy.enums, records: policy.records)
        if let t = names.parse(s.text) { return t }
        access.bag.error("workflow.unknown-type", "unknown type '\(s.text)' for \(what)\(Suggestion.hint(s.text, names.allNames))", at: s.range)
        return nil
    }

    mutating func names(_ node: YAMLNode, _ what: String) -> [YAMLNode.Scalar] {
        if case .scalar(let s) = node, !s.isNull { return [s] }
        guard let seq = access.sequence(node, what) else { return [] }
        return seq.items.compactMap { access.scalar($0, "a name in \(what)") }
    }

    mutating func attributes(_ node: YAMLNode?, _ what: String, reserved: [String]) -> [Attribute] {
        guard let node, let m = access.mapping(node, what) else { return [] }
        var out: [Attribute] = []
        for (key, value) in m.entries {
            if reserved.contains(key.text) {
                access.bag.error("workflow.reserved", "'\(key.text)' is reserved in \(what)", at: key.range)
                continue
            }
            if let t = type(value, "'\(key.text)'") { out.append(Attribute(name: key.text, type: t, range: key.range)) }
        }
        return out
    }

    // MARK: - Sections

    mutating func readRoles(_ node: YAMLNode?) -> [WorkflowRole] {
        guard let node, let m = access.mapping(node, "'roles'") else { return [] }
        var out: [WorkflowRole] = []
        for (key, value) in m.entries {
            guard let rm = access.mapping(value, "role '\(key.text)'") else { continue }
            access.checkKeys(rm, allowed: Self.roleKeys, required: ["label"], in: "role '\(key.text)'")
            out.append(WorkflowRole(name: key.text, label: access.text(rm, "label", "a role") ?? key.text,
                                    labelEn: access.text(rm, "label_en", "a role"),
                                    attributes: attributes(rm["attributes"], "the attributes of '\(key.text)'", reserved: ["role", "name"]),
                                    range: key.range))
        }
        return out
    }

    mutating func readEvents(_ node: YAMLNode?, roles: [WorkflowRole]) -> [WorkflowEvent] {
        guard let node, let m = access.mapping(node, "'events'") else { return [] }
        var out: [WorkflowEvent] = []
        var correctsNodes: [[YAMLNode.Scalar]] = []
        for (key, value) in m.entries {
            guard let em = access.mapping(value, "event '\(key.text)'") else { continue }
            access.checkKeys(em, allowed: Self.eventKeys, required: ["label", "roles"], in: "event '\(key.text)'")
            var allowed: [String] = []
            for r in em["roles"].map({ names($0, "the roles of '\(key.text)'") }) ?? [] {
                if roles.contains(where: { $0.name == r.text }) { allowed.append(r.text) } else {
                    access.bag.error("workflow.unknown-role", "unknown role '\(r.text)'\(Suggestion.hint(r.text, roles.map(\.name)))", at: r.range)
                }
            }
            let corrects = em["corrects"].map { names($0, "'corrects'") } ?? []
            out.append(WorkflowEvent(name: key.text, label: access.text(em, "label", "an event") ?? key.text,
                                     labelEn: access.text(em, "label_en", "an event"),
                                     clause: clause(em["clause"], in: "event '\(key.text)'", at: em.range), roles: allowed,
                                     payload: attributes(em["payload"], "the payload of '\(key.text)'", reserved: ["event", "on", "by", "note"]),
                                     outOfOrder: access.text(em, "out_of_order", "an event"),
                                     outOfOrderEn: access.text(em, "out_of_order_en", "an event"),
                                     corrects: corrects.map(\.text), range: key.range))
            correctsNodes.append(corrects)
        }
        for (i, e) in out.enumerated() {
            for n in correctsNodes[i] where !out.contains(where: { $0.name == n.text }) {
                access.bag.error("workflow.unknown-event", "'\(e.name)' corrects unknown event '\(n.text)'"
                                 + Suggestion.hint(n.text, out.map(\.name)), at: n.range)
            }
        }
        return out
    }

    mutating func readStates(_ node: YAMLNode?) -> ([WorkflowState], Int?) {
        guard let node, let m = access.mapping(node, "'states'") else { return ([], nil) }
        var out: [WorkflowState] = []
        var initial: Int?
        for (key, value) in m.entries {
            guard let sm = access.mapping(value, "state '\(key.text)'") else { continue }
            access.checkKeys(sm, allowed: Self.stateKeys, required: ["label"], in: "state '\(key.text)'")
            let isFinal = sm["final"].flatMap { access.bool($0, "'final'") } ?? false
            let closes = sm["closes_case"].flatMap { access.bool($0, "'closes_case'") } ?? false
            if closes && !isFinal {
                access.bag.error("workflow.closes-not-final", "state '\(key.text)' closes the case, so it must be final: add 'final: true'",
                                 at: key.range)
            }
            if sm["initial"].flatMap({ access.bool($0, "'initial'") }) == true {
                if let first = initial {
                    access.bag.error("workflow.initial", "a second initial state: '\(out[first].name)' is already initial", at: key.range,
                                     notes: [Diagnostic.Note(message: "the first initial state", range: out[first].range)])
                } else {
                    initial = out.count
                }
            }
            out.append(WorkflowState(name: key.text, label: access.text(sm, "label", "a state") ?? key.text,
                                     labelEn: access.text(sm, "label_en", "a state"),
                                     clause: clause(sm["clause"], in: "state '\(key.text)'", at: sm.range),
                                     isFinal: isFinal, closesCase: closes, range: key.range))
        }
        if initial == nil { access.bag.error("workflow.initial", "no state is 'initial: true': a case must start somewhere", at: m.range) }
        return (out, initial)
    }

    mutating func state(_ s: YAMLNode.Scalar, _ states: [WorkflowState]) -> Int? {
        if let i = states.firstIndex(where: { $0.name == s.text }) { return i }
        access.bag.error("workflow.unknown-state", "unknown state '\(s.text)'\(Suggestion.hint(s.text, states.map(\.name)))", at: s.range)
        return nil
    }

    mutating func readTransitions(_ node: YAMLNode?, states: inout [WorkflowState], events: [WorkflowEvent],
                                  roles: [WorkflowRole]) -> [Transition] {
        guard let node, let list = access.sequence(node, "'transitions'") else { return [] }
        var out: [Transition] = []
        for item in list.items {
            guard let tm = access.mapping(item, "a transition") else { continue }
            access.checkKeys(tm, allowed: Self.transitionKeys, required: ["event", "from", "to"], in: "a transition")
            guard let en = tm["event"].flatMap({ access.scalar($0, "an event name") }) else { continue }
            guard let event = events.first(where: { $0.name == en.text }) else {
                access.bag.error("workflow.unknown-event", "unknown event '\(en.text)'\(Suggestion.hint(en.text, events.map(\.name)))", at: en.range)
                continue
            }
            var from: [Int] = []
            for s in tm["from"].map({ names($0, "'from'") }) ?? [] {
                guard let i = state(s, states) else { continue }
                if states[i].isFinal {
                    access.bag.error("workflow.from-final", "'\(s.text)' is final: no transition may leave it", at: s.range)
                }
                from.append(i)
            }
            let to = tm["to"].flatMap { access.scalar($0, "a state") }.flatMap { state($0, states) }
            var allowed = event.roles
            if let rn = tm["roles"] {
                allowed = []
                for r in names(rn, "'roles'") {
                    if event.roles.contains(r.text) { allowed.append(r.text) } else if roles.contains(where: { $0.name == r.text }) {
                        access.bag.error("workflow.role-not-allowed",
                                         "role '\(r.text)' may not take '\(event.name)': the event is for \(event.roles.joined(separator: ", "))",
                                         at: r.range)
                    } else {
                        access.bag.error("workflow.unknown-role", "unknown role '\(r.text)'\(Suggestion.hint(r.text, roles.map(\.name)))", at: r.range)
                    }
                }
            }
            let clauseID = tm["clause"].map { clause($0, in: "a transition", at: tm.range) } ?? event.clause
            let range = tm.range
            guard let policy else { continue }
            let scope = GuardScope(policy: policy, roles: roles, allowed: allowed, event: event, range: range)
            let checker = scope.checker()
            var guards: [Guard] = []
            if let g = tm["guard"] {
                if case .sequence(let list) = g {
                    // Several conditions, each with its words and clause: each failure is its own violation.
                    for item in list.items {
                        guard let gm = access.mapping(item, "a guard ({ if: CONDITION, say: WORDS, clause: ID })") else { continue }
                        access.checkKeys(gm, allowed: Self.guardKeys, required: ["if", "say"], in: "a guard")
                        let c = gm["clause"].map { clause($0, in: "a guard", at: gm.range) } ?? clauseID
                        if let x = readGuard(gm["if"], gm, clause: c, checker) { guards.append(x) }
                    }
                } else if let x = readGuard(g, tm, clause: clauseID, checker) {
                    guards.append(x)
                    if tm["say"] == nil {
                        access.bag.add(Diagnostic(.warning, id: "workflow.guard-words",
                                                  "a guard without 'say': its violation would read as the expression; say in words what it requires",
                                                  at: g.range))
                    }
                }
            }
            var effects: [Effect] = []
            if let en = tm["effects"], let em = access.mapping(en, "'effects'") {
                access.checkKeys(em, allowed: ["clawback", "ban_until"], in: "'effects'")
                for (kind, type) in [(Effect.Kind.clawback, ValueType.money), (.banUntil, .optional(.date))] {
                    // A ban may be none (the decision bans nobody): then the effect bans nobody.
                    guard let n = em[kind.rawValue], let s = access.scalar(n, "an expression") else { continue }
                    if let c = checker.check(s, expected: type, what: "'\(kind.rawValue)'") {
                        effects.append(Effect(kind: kind, expr: c, range: s.range))
                        expressions.append((c, s.range))
                    }
                }
            }
            access.bag.append(contentsOf: checker.bag)
            guard let to else { continue }
            out.append(Transition(event: event.name, from: from, to: to, roles: allowed, clause: clauseID, guards: guards,
                                  effects: effects, scope: scope, range: range))
        }
        return out
    }

    /// One condition and its words (`say`, `say_en` beside it, in `m`), checked in the transition's scope.
    mutating func readGuard(_ node: YAMLNode?, _ m: YAMLNode.Mapping, clause: String, _ checker: ExpressionChecker) -> Guard? {
        guard let node, let gs = access.scalar(node, "a guard (a condition)") else { return nil }
        guard let c = checker.check(gs, expected: nil, what: "a guard") else { return nil }
        guard c.type == .bool else {
            checker.bag.error("workflow.guard-type", "a guard must be a condition (true or false), but this is \(checker.article(c.type))",
                              at: gs.range)
            return nil
        }
        func words(_ key: String) -> MessageTemplate? {
            guard let n = m[key], let s = access.scalar(n, "words for '\(key)'") else { return nil }
            return MessageTemplate.read(s, checker: checker, ExpressionChecker.Context(scalar: s), key: key)
        }
        expressions.append((c, gs.range))
        return Guard(expr: c, clause: clause, say: words("say"), sayEn: words("say_en"),
                     readsDecision: c.readsFact { $0 == "decision" || $0.hasPrefix("decision.") }, range: gs.range)
    }

    mutating func readDeadlines(_ node: YAMLNode?, events: [WorkflowEvent]) -> [Deadline] {
        guard let node, let list = access.sequence(node, "'deadlines'") else { return [] }
        var out: [Deadline] = []
        func eventName(_ n: YAMLNode?, _ a: inout NodeAccess) -> String? {
            guard let n, let s = a.scalar(n, "an event name") else { return nil }
            if events.contains(where: { $0.name == s.text }) { return s.text }
            a.bag.error("workflow.unknown-event", "unknown event '\(s.text)'\(Suggestion.hint(s.text, events.map(\.name)))", at: s.range)
            return nil
        }
        for item in list.items {
            guard let dm = access.mapping(item, "a deadline") else { continue }
            access.checkKeys(dm, allowed: Self.deadlineKeys, required: ["label", "event"], in: "a deadline")
            let event = eventName(dm["event"], &access)
            let after = eventName(dm["after"], &access)
            let label = access.text(dm, "label", "a deadline") ?? ""
            var d = Deadline(label: label, labelEn: access.text(dm, "label_en", "a deadline"), event: event ?? "", after: after,
                             schedule: dm["schedule"].flatMap { access.bool($0, "'schedule'") } ?? false,
                             clause: clause(dm["clause"], in: "deadline '\(label)'", at: dm.range), range: dm.range)
            func read(_ key: String, _ type: ValueType, _ a: inout NodeAccess) -> Value? {
                guard let n = dm[key], let s = a.scalar(n, "a value for '\(key)'"), let policy else { return nil }
                switch ScalarValue.read(s, as: type, policy: policy) {
                case .success(let v): return v
                case .failure(let m):
                    a.bag.error("workflow.deadline", "'\(key)': \(m)", at: s.range)
                    return nil
                }
            }
            if case .duration(let x)? = read("within", .duration, &access) { d.within = x }
            if case .period(let x)? = read("during", .period, &access) { d.during = x }
            if let policy {
                // `by` and `when` are expressions on the case, so that a due date reads the package's parameters.
                let scope = GuardScope(policy: policy, roles: [], allowed: [], event: nil, range: dm.range)
                let checker = scope.checker()
                for (key, type) in [("by", ValueType.date), ("not_before", .date), ("when", .bool)] {
                    guard let n = dm[key], let s = access.scalar(n, "an expression for '\(key)'"),
                          let c = checker.check(s, expected: type, what: "'\(key)' of a deadline") else { continue }
                    switch key {
                    case "by": d.by = c
                    case "not_before": d.notBefore = c
                    default: d.when = c
                    }
                    expressions.append((c, s.range))
                }
                access.bag.append(contentsOf: checker.bag)
                d.scope = scope
            }
            if (dm["by"] == nil) == (dm["within"] == nil) {
                access.bag.error("workflow.deadline", "a deadline needs either 'by' (a date) or 'within' (a duration after 'after')", at: dm.range)
            }
            if dm["after"] == nil, dm["within"] != nil || dm["during"] != nil {
                access.bag.error("workflow.deadline", "'within' and 'during' count from an event: add 'after'", at: dm.range)
            }
            if event != nil { out.append(d) }
        }
        return out
    }

    mutating func checkGraph(_ root: YAMLNode.Mapping, states: [WorkflowState], initial: Int?, transitions: [Transition],
                             events: [WorkflowEvent]) {
        guard let initial, !states.isEmpty else { return }
        var reached: Set<Int> = [initial]
        var frontier = [initial]
        while let s = frontier.popLast() {
            for t in transitions where t.from.contains(s) && !reached.contains(t.to) {
                reached.insert(t.to)
                frontier.append(t.to)
            }
        }
        for (i, s) in states.enumerated() {
            if !reached.contains(i) {
                access.bag.error("workflow.unreachable", "state '\(s.name)' cannot be reached from the initial state '\(states[initial].name)'",
                                 at: s.range)
            }
            if !s.isFinal && !transitions.contains(where: { $0.from.contains(i) }) {
                access.bag.error("workflow.dead-end", "state '\(s.name)' is not final and no transition leaves it: add one, or 'final: true'",
                                 at: s.range)
            }
        }
        for e in events where !transitions.contains(where: { $0.event == e.name }) {
            access.bag.error("workflow.unused-event", "no transition takes event '\(e.name)'", at: e.range)
        }
    }
}
