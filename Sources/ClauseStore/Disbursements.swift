import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// What the fund paid out, per case, from the recorded histories: the money attributes of the
/// paying events (the workflows name them: `WorkflowCatalog.paymentAttributes(for:)`).
package enum Disbursements {
    /// Paid per case id; nil when no event pays (`attributes` is empty: paid is unknown).
    package static func paid(store: RecordStore, attributes: [String: [String]]) throws -> [String: Money]? {
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

    /// The money value of attribute `name` in an event's canonical JSON (read as YAML, so the
    /// amount keeps its written digits: never through a binary float).
    private static func money(_ name: String, in payload: String) -> Money? {
        var bag = DiagnosticBag()
        guard case .mapping(let m)? = YAMLReader.read(SourceFile(path: "<event>", text: payload), into: &bag),
              case .scalar(let s)? = m[name], !s.isNull, case .success(let amount) = ScalarValue.money(s.text) else { return nil }
        return amount
    }
}
