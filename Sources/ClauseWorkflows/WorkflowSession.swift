import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Loads a case, its policy's workflows and its history, decides it, and replays the history:
/// the one path that the commands and the scenarios share.
package final class WorkflowSession {
    package let repository: PolicyRepository
    package let catalog: WorkflowCatalog

    package init(repository: PolicyRepository, catalog: WorkflowCatalog) {
        self.repository = repository
        self.catalog = catalog
    }

    package func replay(path: String, asOf: CivilDate? = nil, lang: Lang = .zh) -> Result<CaseReplay, DiagnosticsError> {
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: path, into: &bag)
        guard let root, !bag.hasErrors else { return .failure(DiagnosticsError(bag.sorted)) }
        return replay(root: root, path: path, asOf: asOf, lang: lang)
    }

    /// - Parameter onRecord: the decision the fund's record holds for the case (`--store`): the
    ///   guards of events that see the whole case (payment) read its outcome and amount, not a
    ///   decision made again by today's rules, so money never goes out beyond what was decided.
    /// - Parameter registry: the ban registry of the fund's record (`--store`): for a credit code,
    ///   a case id and a day, the ban another case registered that is in force then, if any. A
    ///   payment within such a ban of the applicant is a violation too.
    package func replay(root: YAMLNode, path: String, asOf: CivilDate? = nil, lang: Lang = .zh,
                        onRecord: (outcome: Decision.Outcome, amount: Money)? = nil,
                        registry: ((_ creditCode: String, _ caseID: String, _ day: CivilDate) -> RegistryBan?)? = nil) -> Result<CaseReplay, DiagnosticsError> {
        guard catalog.diagnostics.allSatisfy({ $0.severity != .error }) else { return .failure(DiagnosticsError(catalog.diagnostics)) }
        // The case first without its history, so every problem of the history is then reported
        // at once by the history reader; read whole, the history decides facts of the case.
        let bare = (try? CasePatch.set(root, path: "history", to: nil)) ?? root
        switch CaseLoader(repository: repository).load(root: bare, path: path) {
        case .failed(let ds):
            return .failure(DiagnosticsError(ds))
        case .ready(_, let policy):
            let machines = catalog.machines(for: policy.id)
            var bag = DiagnosticBag()
            if machines.isEmpty {
                let at = caseRange(root)
                bag.error("workflow.none", "no workflow for policy '\(policy.id)' under \(catalog.searched): put one under Workflows/, set CLAUSE_WORKFLOW_PATH to the folders that hold the workflows, or give --workflows DIR", at: at)
                return .failure(DiagnosticsError(bag.sorted))
            }
            guard let history = HistoryReader.read(root, policy: policy, machines: machines, into: &bag), !bag.hasErrors else {
                return .failure(DiagnosticsError(bag.sorted))
            }
            guard case .ready(let c, _) = CaseLoader(repository: repository).load(root: root, path: path) else {
                if case .failed(let ds) = CaseLoader(repository: repository).load(root: root, path: path) { return .failure(DiagnosticsError(ds)) }
                return .failure(DiagnosticsError([]))
            }
            // A recorded fact the case does not give (no fraud found, no change) changes nothing when left out.
            let recorded = machines.flatMap(\.recordedBy).filter { !Self.isAbsent(root, $0.fact) }
            var whole = try? Interpreter.decide(c, policy: policy, tracing: false).get()
            if let onRecord, var d = whole {
                if d.outcome != onRecord.outcome { d.reasons = [] }
                d.outcome = onRecord.outcome
                d.amount = onRecord.amount
                whole = d
            }
            let loader = CaseLoader(repository: repository)
            // Where each event first happens, found once: asking the history again at every
            // event made a 12,000-event history take 19 s.
            var firstIndex: [String: Int] = [:]
            for h in history where firstIndex[h.event] == nil || h.index < firstIndex[h.event]! { firstIndex[h.event] = h.index }
            // The facts a history records (HistoryFacts) are read from the events up to the one judged.
            let derives = Set([HistoryFacts.fraudEvent, policy.funding?.paymentEvent ?? HistoryFacts.paymentEvent, HistoryFacts.acceptEvent,
                               "change_request", "change_opinion", "change_filed", "change_made"])
            let lastDeriving = history.last(where: { derives.contains($0.event) })?.index ?? -1
            var events: YAMLNode.Sequence?
            if case .mapping(let m) = root, case .sequence(let q)? = m["history"] { events = q }
            var bareFacts: [[String]: [Value?]?] = [:]
            var decided: [[Value?]: Decision?] = [:]
            func decisionAt(_ e: HistoryEvent) -> Decision? {
                // Facts whose recording event comes later in the history are left out (their default).
                let later = recorded.filter { r in !(firstIndex[r.event].map { $0 <= e.index } ?? false) }.map(\.fact)
                let through = history.last(where: { $0.index <= e.index && derives.contains($0.event) })?.index ?? -1
                if later.isEmpty && through == lastDeriving { return whole }
                if bareFacts[later] == nil {
                    var node = bare
                    for f in later { node = (try? CasePatch.set(node, path: f, to: nil)) ?? node }
                    if case .ready(let pc, _) = loader.load(root: node, path: path) { bareFacts[later] = .some(pc.facts) } else { bareFacts[later] = .some(nil) }
                }
                guard var facts = bareFacts[later] ?? nil else { return nil }
                if let events {
                    var ignored = DiagnosticBag()
                    HistoryFacts.apply(to: &facts, history: events, through: e.index, policy: policy, into: &ignored)
                }
                if let d = decided[facts] { return d }
                var at = c
                at.facts = facts
                let d = try? Interpreter.decide(at, policy: policy, tracing: false).get()
                decided[facts] = d
                return d
            }
            var registered: [RegistryBan] = []
            if let registry, let code = BanRegistryKey.creditCode(c, policy: policy) {
                let payment = policy.funding?.paymentEvent ?? HistoryFacts.paymentEvent
                let days = history.filter { $0.event == payment }.map(\.on) + [asOf ?? history.last?.on].compactMap { $0 }
                for d in days {
                    if let b = registry(code, c.id, d), b.through >= d, !registered.contains(b) { registered.append(b) }
                }
            }
            let bans = PaymentBan.of(c, decision: whole, policy: policy, registry: registered)
            let replayer = WorkflowReplayer(machines: machines, policy: policy, lang: lang)
            return .success(replayer.replay(caseID: c.id, facts: c.facts, history: history, decisionAt: decisionAt, now: whole, asOf: asOf,
                                            bans: bans))
        }
    }

    /// Whether the case gives nothing at a dotted path: no key, null, or an empty list.
    static func isAbsent(_ root: YAMLNode, _ path: String) -> Bool {
        var node = root
        for part in path.split(separator: ".") {
            guard case .mapping(let m) = node, let next = m[String(part)] else { return true }
            node = next
        }
        switch node {
        case .scalar(let s): return s.isNull
        case .sequence(let q): return q.items.isEmpty
        case .mapping: return false
        }
    }

    private func caseRange(_ root: YAMLNode) -> SourceRange {
        if case .mapping(let m) = root, let p = m["policy"] { return p.range }
        return root.range
    }
}
