import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import ClauseWorkflows

/// What the fund paid out, per case, from the recorded histories: the money attributes of the
/// events that a policy's workflows name as recording a money fact (`recorded_by: { disbursed:
/// pay }`). Nothing about payments is written in Swift: the workflows say which event pays.
struct Disbursements {
    /// Paid per case id; nil when no workflow of the policy records a payment (paid is unknown).
    static func paid(store: RecordStore, policy: Policy, catalog: WorkflowCatalog) throws -> [String: Money]? {
        let machines = catalog.machines(for: policy.id)
        // Each paying event with its money attributes (`amount` of `pay`).
        var attributes: [String: [String]] = [:]
        for w in machines {
            for r in w.recordedBy where isMoney(r.fact, policy) {
                guard let e = w.event(r.event) else { continue }
                attributes[r.event] = e.payload.filter { $0.type.unwrapped == .money }.map(\.name)
            }
        }
        guard !attributes.isEmpty else { return nil }
        var paid: [String: Money] = [:]
        for (caseID, event, payload) in try store.eventPayloads(named: attributes.keys.sorted()) {
            for name in attributes[event] ?? [] {
                guard let amount = money(name, in: payload) else { continue }
                paid[caseID] = (paid[caseID] ?? .zero).adding(amount) ?? paid[caseID]
            }
        }
        return paid
    }

    /// Whether `path` names a money fact (the disbursed amount a paying event records).
    private static func isMoney(_ path: String, _ policy: Policy) -> Bool {
        let along = policy.fields(along: path)
        return along.count == path.split(separator: ".").count && along.last?.type.unwrapped == .money
    }

    /// The money value of attribute `name` in an event's canonical JSON (read as YAML, so the
    /// amount keeps its written digits: never through a binary float).
    private static func money(_ name: String, in payload: String) -> Money? {
        var bag = DiagnosticBag()
        guard case .mapping(let m)? = YAMLReader.read(SourceFile(path: "<event>", text: payload), into: &bag),
              case .scalar(let s)? = m[name], !s.isNull, case .success(let amount) = ScalarValue.money(s.text) else { return nil }
        return amount
    }
}
