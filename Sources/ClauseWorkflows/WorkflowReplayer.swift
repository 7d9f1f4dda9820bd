import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Replays a history over the machines of its policy. Never stops at the first violation: each
/// event is judged, flagged if need be, and the replay goes on.
///
/// When the state has a transition for the event but the actor lacks the role or the guard fails,
/// the transition is still followed after flagging it: the history records what was done (the
/// review was passed, the money went out), and following it keeps later events from being
/// flagged again for the same fault. When the state has no transition for the event, the state
/// stays as it was.
package struct WorkflowReplayer {
    package let machines: [Workflow]
    package let policy: Policy
    package let lang: Lang

    package init(machines: [Workflow], policy: Policy, lang: Lang = .zh) {
        self.machines = machines
        self.policy = policy
        self.lang = lang
    }

    /// - Parameter decisionAt: the policy's decision as it stood at an event (facts that later
    ///   events record left out).
    /// - Parameter now: the decision with every fact of the case, for `next`.
    /// - Parameter bans: the 第十三条 bans of the applicant: a payment within one is a violation.
    package func replay(caseID: String, facts: [Value?], history: [HistoryEvent], decisionAt: (HistoryEvent) -> Decision?,
                        now: Decision? = nil, asOf: CivilDate?, bans: [PaymentBan] = []) -> CaseReplay {
        var current = machines.map(\.initial)
        var closedBy: (machine: Int, state: Int)?
        var steps: [CaseReplay.Step] = []
        var violations: [CaseReplay.Violation] = []
        var clawback = Money.zero
        var banUntil: CivilDate?
        let roles = HistoryReader.roles(machines)

        func flag(_ kind: CaseReplay.Violation.Kind, _ clause: String, _ index: Int?, _ zh: String, _ en: String) {
            violations.append(CaseReplay.Violation(kind: kind, clause: clause, event: index, message: zh, messageEn: en))
        }

        var previous: CivilDate?
        let payment = policy.funding?.paymentEvent ?? HistoryFacts.paymentEvent
        var paid = Money.zero
        for e in history {
            guard let m = machines.firstIndex(where: { $0.event(e.event) != nil }), let event = machines[m].event(e.event) else { continue }
            let w = machines[m]
            let head = "\(e.on.iso) \(event.label)"
            let headEn = "\(e.on.iso) \(e.event)"
            if let p = previous, e.on < p {
                flag(.order, event.clause, e.index, "\(head)：早于前一事件的日期 \(p.iso)，办理经过应按发生先后记载",
                     "\(headEn): earlier than the event before it (\(p.iso)); a history records things in the order they happened")
            }
            previous = max(previous ?? e.on, e.on)
            // Money that went out is money paid, in whatever state it went: it counts, it may not
            // go to a banned applicant, and all of it together may not exceed the decision.
            if e.event == payment, case .money(let amount)? = e.payload["amount"] {
                paid = paid.adding(amount) ?? paid
                if let b = bans.first(where: { $0.contains(e.on) }) {
                    flag(.ban, b.clause, e.index,
                         "\(head)：申报主体在黑名单期内（\(b.from.map { "\($0.iso) 至 " } ?? "至 ")\(b.through.iso)，\(b.source)），三年内不得享受政府财政专项资金",
                         "\(headEn): the applicant is banned (\(b.from.map { "\($0.iso) to " } ?? "until ")\(b.through.iso), \(b.sourceEn)) and may receive no special funds")
                }
                // The amount decided then, or, where the case was not decided yet (paid before
                // acceptance), the amount it is decided at.
                if let d = [decisionAt(e), now].compactMap({ $0 }).first(where: { $0.outcome == .granted }), paid > d.amount {
                    let excess = paid.subtracting(d.amount) ?? paid
                    flag(.excess, event.clause, e.index,
                         "\(head)：拨付合计 \(paid.display) 超过政策决定金额 \(d.amount.display)，超出 \(excess.display)",
                         "\(headEn): payments total \(paid.display), above the decided amount \(d.amount.display) by \(excess.display)")
                }
            }
            if let c = closedBy {
                let s = machines[c.machine].states[c.state]
                flag(.afterFinal, s.clause, e.index, "\(head)：案件已于「\(s.label)」终结，其后不得再办理",
                     "\(headEn): the case was closed in '\(s.labelEn ?? s.name)'; nothing may follow")
                continue
            }
            let state = w.states[current[m]]
            if state.isFinal {
                flag(.afterFinal, state.clause, e.index, "\(head)：「\(state.label)」为终结状态，其后不得再办理",
                     "\(headEn): '\(state.labelEn ?? state.name)' is final; nothing may follow")
                continue
            }
            let candidates = w.transitions.filter { $0.event == e.event && $0.from.contains(current[m]) }
            guard !candidates.isEmpty else {
                let needed = Set(w.transitions.filter { $0.event == e.event }.flatMap(\.from)).sorted().map { w.states[$0] }
                let why = event.outOfOrder.map { "（\($0)）" } ?? ""
                let whyEn = event.outOfOrderEn.map { " (\($0))" } ?? ""
                flag(.notAllowed, event.clause, e.index,
                     "\(head)：在「\(state.label)」状态下不得办理\(why)，须处于" + needed.map { "「\($0.label)」" }.joined(separator: "或"),
                     "\(headEn): not allowed in '\(state.labelEn ?? state.name)'\(whyEn); it needs "
                     + needed.map { "'\($0.labelEn ?? $0.name)'" }.joined(separator: " or "))
                if e.event == payment {
                    steps.append(CaseReplay.Step(index: e.index, event: e.event, on: e.on, machine: w.id, from: state.name, to: state.name,
                                                 clause: event.clause, guardText: nil, guardValues: [], guardHeld: true, allowed: false))
                }
                continue
            }
            let byRole = candidates.filter { $0.roles.contains(e.actor.role) }
            let actorLabel = roles.first { $0.name == e.actor.role }
            var chosen: Transition
            var held = true
            var shown: [(text: String, value: String)] = []
            if byRole.isEmpty {
                chosen = candidates[0]
                let allowed = Set(candidates.flatMap(\.roles))
                let names = roles.filter { allowed.contains($0.name) }
                flag(.role, chosen.clause, e.index,
                     "\(head)：由\(actorLabel?.label ?? e.actor.role)办理，但只能由" + names.map(\.label).joined(separator: "或") + "办理",
                     "\(headEn): done by \(e.actor.role), but only \(names.map(\.name).joined(separator: " or ")) may do it")
            } else {
                chosen = byRole[0]
                var firstFailure: (Transition, [GuardResult])?
                var found = false
                let decision = decisionAt(e)
                for t in byRole {
                    let results = t.guards.map { evaluateGuard($0, t, facts: facts, event: e, decision: decision) }
                    if results.allSatisfy(\.held) {
                        chosen = t
                        shown = Self.values(results, lang)
                        found = true
                        break
                    }
                    // Of the transitions that fail, the one that fails least is the one meant (a
                    // negative opinion from the wrong district is flagged for the district only).
                    let failing = results.filter { !$0.held }.count
                    if firstFailure.map({ failing < $0.1.filter { !$0.held }.count }) ?? true { firstFailure = (t, results) }
                }
                if !found, let (t, results) = firstFailure {
                    chosen = t
                    held = false
                    shown = Self.values(results, lang)
                    for r in results where !r.held {
                        let (zh, en, cites) = Self.failure(r, decision: decision, policy: policy)
                        violations.append(CaseReplay.Violation(kind: .guardFailed, clause: r.guard.clause, event: e.index,
                                                               message: "\(head)：" + zh, messageEn: "\(headEn): " + en, cites: cites))
                    }
                }
            }
            // A corrective event, itself in order, mends the violations of the steps it corrects.
            if !event.corrects.isEmpty, !violations.contains(where: { $0.event == e.index }) {
                let reason = e.payload["reason"].flatMap { v -> String? in if case .text(let t) = v { t } else { nil } }
                for i in violations.indices where violations[i].correctedBy == nil {
                    guard let at = violations[i].event, at < e.index, let h = history.first(where: { $0.index == at }),
                          event.corrects.contains(h.event) else { continue }
                    violations[i].correctedBy = e.index
                    violations[i].correctionReason = reason
                }
            }
            let from = current[m]
            current[m] = chosen.to
            steps.append(CaseReplay.Step(index: e.index, event: e.event, on: e.on, machine: w.id, from: w.states[from].name,
                                     to: w.states[chosen.to].name, clause: chosen.clause, guardText: chosen.guards.isEmpty ? nil : chosen.guards.map(\.expr.text).joined(separator: " and "),
                                     guardValues: shown, guardHeld: held))
            for effect in chosen.effects {
                var ev = Evaluator(policy: chosen.scope.policy, facts: chosen.scope.facts(facts, e, decision: decisionAt(e)),
                                   asOf: e.on, tracing: false)
                var none: [TraceNode]? = nil
                switch (effect.kind, ev.eval(effect.expr, &none)) {
                case (.clawback, .value(.money(let x))): clawback = clawback.adding(x) ?? clawback
                case (.banUntil, .value(.date(let d))): banUntil = max(banUntil ?? d, d)
                default: break
                }
            }
            if w.states[chosen.to].closesCase { closedBy = (m, chosen.to) }
        }

        var pending: [CaseReplay.Pending] = []
        for (m, w) in machines.enumerated() {
            for d in w.deadlines {
                var start: HistoryEvent?
                if let after = d.after {
                    guard let s = history.first(where: { $0.event == after }) else { continue }
                    if let p = d.during, !p.contains(s.on) { continue }
                    start = s
                }
                guard d.when.map({ value($0, d, facts, at: start) == .bool(true) }) ?? true else { continue }
                var due: CivilDate?
                if let by = d.by, case .date(let x)? = value(by, d, facts, at: start) { due = x }
                if d.by == nil, let s = start, let within = d.within { due = s.on.adding(within) }
                guard let due else { continue }
                let kind: CaseReplay.Violation.Kind = d.schedule ? .schedule : .deadline
                let event = w.event(d.event)
                let label = event?.label ?? d.event
                var opens: CivilDate?
                if let nb = d.notBefore, case .date(let x)? = value(nb, d, facts, at: start) { opens = x }
                if let hit = history.first(where: { $0.event == d.event && $0.index > (start?.index ?? -1) }) {
                    if let opens, hit.on < opens {
                        flag(kind, d.clause, hit.index, "\(hit.on.iso) \(label)：早于窗口开始 \(opens.iso)（\(d.label)）",
                             "\(hit.on.iso) \(d.event): before the window opens on \(opens.iso) (\(d.labelEn ?? d.label))")
                    }
                    if hit.on > due {
                        flag(kind, d.clause, hit.index, "\(hit.on.iso) \(label)：晚于期限 \(due.iso)（\(d.label)）",
                             "\(hit.on.iso) \(d.event): later than the deadline \(due.iso) (\(d.labelEn ?? d.label))")
                    }
                } else if closedBy == nil && !w.states[current[m]].isFinal {
                    if let asOf, asOf > due {
                        flag(kind, d.clause, nil, "截至 \(asOf.iso) 仍未\(label)，期限为 \(due.iso)（\(d.label)）",
                             "by \(asOf.iso) '\(d.event)' has not happened; the deadline was \(due.iso) (\(d.labelEn ?? d.label))")
                    } else {
                        pending.append(CaseReplay.Pending(deadline: d, due: due))
                    }
                }
            }
        }
        // Violations in history order; those that belong to no event (a deadline passed) last.
        let ordered = violations.enumerated().sorted { a, b in
            let x = a.element.event ?? Int.max, y = b.element.event ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        // The city's own timetable is reported apart: it is not the applicant's violation.
        let findings = ordered.filter { $0.kind == .schedule }

        // Paid in full before the state allowed it: once the case reaches the state that pays, it
        // is paid, and nothing more is offered.
        let decided = now.map { $0.outcome == .granted ? $0.amount : .zero }
        if closedBy == nil, now?.outcome == .granted, paid > .zero, let decided, paid >= decided, let m = machines.firstIndex(where: { $0.event(payment) != nil }),
           let t = machines[m].transitions.first(where: { $0.event == payment && $0.from.contains(current[m]) }) {
            current[m] = t.to
        }
        var next: [(role: WorkflowRole, events: [WorkflowEvent])] = []
        for role in roles {
            var events: [WorkflowEvent] = []
            if closedBy == nil {
                for (m, w) in machines.enumerated() where !w.states[current[m]].isFinal {
                    for t in w.transitions where t.from.contains(current[m]) && t.roles.contains(role.name) {
                        if let e = w.event(t.event), !events.contains(where: { $0.name == e.name }) { events.append(e) }
                    }
                }
            }
            next.append((role, events))
        }
        if closedBy == nil {
            let day = asOf ?? history.last?.on
            let banned = day.map { d in bans.contains { $0.contains(d) } } ?? false
            let inFull = paid > .zero && decided.map { paid >= $0 } == true
            if banned || inFull {
                for i in next.indices { next[i].events.removeAll { $0.name == payment } }
            }
        }
        let main = closedBy.map { machines[$0.machine].states[$0.state] } ?? machines[0].states[current[0]]
        var replay = CaseReplay(caseID: caseID, policy: policy, state: main,
                                states: machines.enumerated().map { ($0.element.id, $0.element.states[current[$0.offset]]) },
                                steps: steps, violations: ordered.filter { $0.kind != .schedule }, next: next, clawback: clawback, banUntil: banUntil, pending: pending)
        replay.findings = findings
        replay.machines = machines
        replay.current = current
        replay.closed = closedBy != nil
        replay.facts = facts
        replay.decision = now
        replay.lastDate = history.last?.on
        replay.paid = paid
        replay.bans = bans
        replay.paymentEvent = payment
        return replay
    }

    /// The value of a deadline's `when` or `by` for the case, evaluated on the date of the event
    /// that starts the clock (or the first event), so a dated parameter takes the value then in force.
    func value(_ e: CheckedExpr, _ d: Deadline, _ facts: [Value?], at start: HistoryEvent?) -> Value? {
        guard let scope = d.scope else { return nil }
        // The actor, the event and the decision are not known to a deadline.
        let padded = Array(facts.prefix(scope.baseCount)) + [nil, nil, nil]
        guard let date = start?.on ?? policy.evaluationDate(of: facts) else { return nil }
        var ev = Evaluator(policy: scope.policy, facts: padded, asOf: date, tracing: false)
        var none: [TraceNode]? = nil
        if case .value(let v) = ev.eval(e, &none) { return v }
        return nil
    }

    /// What one guard gave: whether it held, the values of the facts it read, its words filled in.
    struct GuardResult {
        var `guard`: Guard
        var held: Bool
        var zh: [(text: String, value: String)]
        var en: [(text: String, value: String)]
        var sayZh: String?
        var sayEn: String?
        /// Neither held nor failed: a fact it reads is not known (an amount not yet paid).
        var unknown = false
    }

    static func values(_ results: [GuardResult], _ lang: Lang) -> [(text: String, value: String)] {
        var out: [(text: String, value: String)] = []
        for r in results {
            for v in lang == .zh ? r.zh : r.en where !out.contains(where: { $0.text == v.text }) { out.append(v) }
        }
        return out
    }

    /// A guard that does not hold, in words (or as its expression, when it has none), with the
    /// values it read; one on the decision also cites the clauses that refused the case.
    static func failure(_ r: GuardResult, decision: Decision?, policy: Policy) -> (zh: String, en: String, cites: [String]) {
        let cites = r.guard.readsDecision && decision?.outcome == .refused ? refusingClauses(decision!) : []
        func cite(_ id: String) -> String { policy.cite(id) ?? id }
        var zh = (r.sayZh ?? "不满足条件 \(r.guard.expr.text)") + "（" + r.zh.map { "\($0.text) = \($0.value)" }.joined(separator: "，")
        var en = (r.sayEn ?? "the condition \(r.guard.expr.text) does not hold") + " (" + r.en.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
        if !cites.isEmpty {
            zh += "；不予支持依据：" + cites.map(cite).joined(separator: "、")
            en += "; refused under " + cites.map(cite).joined(separator: ", ")
        }
        return (zh + "）", en + ")", cites)
    }

    /// The clauses that refused a decision, each once, in the decision's order.
    static func refusingClauses(_ d: Decision) -> [String] {
        var out: [String] = []
        for r in d.reasons where !out.contains(r.clause) { out.append(r.clause) }
        return out
    }

    /// Whether guard `g` of `t` holds for `e`, the values of the facts it read (zh and en), and its words.
    func evaluateGuard(_ g: Guard, _ t: Transition, facts: [Value?], event e: HistoryEvent, decision: Decision?) -> GuardResult {
        let scoped = t.scope.facts(facts, e, decision: decision)
        var ev = Evaluator(policy: t.scope.policy, facts: scoped, asOf: e.on, tracing: true)
        var trace: [TraceNode]? = []
        let outcome = ev.eval(g.expr, &trace)
        var leaves: [TraceNode] = []
        func collect(_ n: TraceNode) {
            if n.children.isEmpty {
                if !leaves.contains(where: { $0.text == n.text }) { leaves.append(n) }
            } else {
                n.children.forEach(collect)
            }
        }
        trace?.forEach(collect)
        func shown(_ l: Lang) -> [(text: String, value: String)] {
            let text = ValueText(policy: t.scope.policy, lang: l)
            return leaves.map { n in
                switch n.result {
                case .value(let v): (n.text, text.format(v, n.type))
                case .missing: (n.text, l == .zh ? "未知" : "unknown")
                }
            }
        }
        var held = false, unknown = false
        switch outcome {
        case .value(.bool(true)): held = true
        case .missing: unknown = true
        default: break
        }
        var sayZh: String?, sayEn: String?
        if !held {
            let renderer = MessageRenderer(policy: t.scope.policy)
            var words = Evaluator(policy: t.scope.policy, facts: scoped, asOf: e.on, tracing: false)
            sayZh = g.say.map { renderer.render($0, &words, lang: .zh) }
            sayEn = (g.sayEn ?? g.say).map { renderer.render($0, &words, lang: .en) }
        }
        return GuardResult(guard: g, held: held, zh: shown(.zh), en: shown(.en), sayZh: sayZh, sayEn: sayEn, unknown: unknown)
    }
}
