import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// What one actor may do now on a replayed case (`clause workflow next --as ROLE --district D
/// --name N`): each event its role may take from where the case stands, with its guards
/// evaluated for that actor, and for each one it may not take, the words of the guards that stop it.
package enum NextActions {
    package struct Option: Sendable {
        package enum Status: String, Sendable {
            /// Every guard holds for this actor now.
            case may
            /// A guard reads what only the event will say (`event.amount`) or an attribute not
            /// given (`--district`): allowed if it holds then.
            case depends
            /// A guard does not hold.
            case mayNot = "may_not"
        }
        package var event: WorkflowEvent
        package var status: Status
        /// The guards that do not hold (or cannot be judged yet): clause and words, zh and en.
        package var reasons: [(clause: String, message: String, messageEn: String)]
    }

    /// - Parameter on: the date of the event asked about; nil: the last event's date, else the
    ///   application date.
    package static func judge(_ r: CaseReplay, actor: Actor, on: CivilDate?) -> [Option] {
        guard !r.closed else { return [] }
        let date = on ?? r.lastDate ?? r.policy.evaluationDate(of: r.facts) ?? CivilDate(days: 0)
        let hypothetical = HistoryEvent(index: Int.max, event: "", on: date, actor: actor, payload: [:],
                                        range: SourceRange(file: nil, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)))
        let replayer = WorkflowReplayer(machines: r.machines, policy: r.policy)
        var out: [Option] = []
        for (m, w) in r.machines.enumerated() where m < r.current.count && !w.states[r.current[m]].isFinal {
            for event in w.events where !out.contains(where: { $0.event.name == event.name }) {
                let candidates = w.transitions.filter { $0.event == event.name && $0.from.contains(r.current[m]) && $0.roles.contains(actor.role) }
                guard !candidates.isEmpty else { continue }
                var e = hypothetical
                e.event = event.name
                let paying = event.name == r.paymentEvent
                if paying, let b = r.ban(on: date) {
                    out.append(Option(event: event, status: .mayNot, reasons: [banned(b)]))
                    continue
                }
                var best: Option?
                for t in candidates {
                    let results = t.guards.map { replayer.evaluateGuard($0, t, facts: r.facts, event: e, decision: r.decision) }
                    let failing = results.filter { !$0.held }
                    let status: Option.Status = failing.isEmpty ? .may : failing.allSatisfy(\.unknown) ? .depends : .mayNot
                    let reasons = failing.filter { status == .depends || !$0.unknown }.map { g in
                        if status == .depends {
                            let values = g.zh.map { "\($0.text) = \($0.value)" }.joined(separator: "，")
                            let valuesEn = g.en.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
                            return (g.guard.clause, "须满足 \(g.guard.expr.text)（\(values)）", "if \(g.guard.expr.text) holds (\(valuesEn))")
                        }
                        let (zh, en, _) = WorkflowReplayer.failure(g, decision: r.decision, policy: r.policy)
                        return (g.guard.clause, zh, en)
                    }
                    let option = Option(event: event, status: status, reasons: reasons)
                    if best == nil || rank(status) < rank(best!.status) { best = option }
                }
                if paying, var b = best, b.status != .mayNot { b = bounded(b, r) ; best = b }
                if let best { out.append(best) }
            }
        }
        return out
    }

    /// A payment within a ban of the applicant (第十三条): none may go out.
    static func banned(_ b: PaymentBan) -> (clause: String, message: String, messageEn: String) {
        (b.clause, "申报主体在黑名单期内（\(b.from.map { "\($0.iso) 至 " } ?? "至 ")\(b.through.iso)，\(b.source)），三年内不得享受政府财政专项资金",
         "the applicant is banned (\(b.from.map { "\($0.iso) to " } ?? "until ")\(b.through.iso), \(b.sourceEn)) and may receive no special funds")
    }

    /// A payment the guards allow is still bounded by what is left of the decided amount, all
    /// payments counted, in whatever state they were made: nothing left, none may go out.
    static func bounded(_ o: Option, _ r: CaseReplay) -> Option {
        guard let d = r.decision, d.outcome == .granted else { return o }
        var o = o
        let left = d.amount.subtracting(r.paid) ?? .zero
        if left <= .zero {
            o.status = .mayNot
            o.reasons = [(o.event.clause, "已拨付 \(r.paid.display)，达到政策决定金额 \(d.amount.display)，不得再拨付",
                          "\(r.paid.display) is paid already, the decided amount \(d.amount.display); nothing more may be paid")]
        } else {
            o.status = .depends
            o.reasons.append((o.event.clause, "拨付金额不超过 \(left.display)（政策决定金额 \(d.amount.display)，已拨付 \(r.paid.display)）",
                              "a payment of at most \(left.display) (decided \(d.amount.display), paid \(r.paid.display))"))
        }
        return o
    }

    private static func rank(_ s: Option.Status) -> Int {
        switch s {
        case .may: 0
        case .depends: 1
        case .mayNot: 2
        }
    }
}
