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
    package func replay(root: YAMLNode, path: String, asOf: CivilDate? = nil, lang: Lang = .zh,
                        onRecord: (outcome: Decision.Outcome, amount: Money)? = nil) -> Result<CaseReplay, DiagnosticsError> {
        guard catalog.diagnostics.allSatisfy({ $0.severity != .error }) else { return .failure(DiagnosticsError(catalog.diagnostics)) }
        switch CaseLoader(repository: repository).load(root: root, path: path) {
        case .failed(let ds):
            return .failure(DiagnosticsError(ds))
        case .ready(let c, let policy):
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
            // A recorded fact the case does not give (no fraud found, no change) changes nothing when left out.
            let recorded = machines.flatMap(\.recordedBy).filter { !Self.isAbsent(root, $0.fact) }
            var cache: [[String]: Decision?] = [:]
            var whole = try? Interpreter.decide(c, policy: policy, tracing: false).get()
            if let onRecord, var d = whole {
                if d.outcome != onRecord.outcome { d.reasons = [] }
                d.outcome = onRecord.outcome
                d.amount = onRecord.amount
                whole = d
            }
            let loader = CaseLoader(repository: repository)
            // Where each event first happens, found once: asking the history again at every
            // event made a 12,000-event history take 19 s (issue 11).
            var firstIndex: [String: Int] = [:]
            for h in history where firstIndex[h.event] == nil || h.index < firstIndex[h.event]! { firstIndex[h.event] = h.index }
            func decisionAt(_ e: HistoryEvent) -> Decision? {
                // Facts whose recording event comes later in the history are left out (their default).
                let later = recorded.filter { r in !(firstIndex[r.event].map { $0 <= e.index } ?? false) }.map(\.fact)
                if later.isEmpty { return whole }
                if let d = cache[later] { return d }
                var node = root
                for f in later { node = (try? CasePatch.set(node, path: f, to: nil)) ?? node }
                var d: Decision?
                if case .ready(let pc, let pp) = loader.load(root: node, path: path) {
                    d = try? Interpreter.decide(pc, policy: pp, tracing: false).get()
                }
                cache[later] = d
                return d
            }
            let replayer = WorkflowReplayer(machines: machines, policy: policy, lang: lang)
            return .success(replayer.replay(caseID: c.id, facts: c.facts, history: history, decisionAt: decisionAt, now: whole, asOf: asOf))
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
