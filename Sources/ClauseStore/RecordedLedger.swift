import ClauseEngine
import ClauseLanguage
import Foundation

/// The figures a recorded decision counted, read back from its JSON line (the `ledger` object),
/// so `why` and `replay` decide it again on what it saw, not on today's record.
enum RecordedLedger {
    /// nil when the line has no `ledger` object (a decision recorded before the ledger existed,
    /// or by a package without one): then nothing was counted, as then.
    static func use(in json: String, policy: Policy) -> LedgerUse? {
        guard let raw = JSONMember.raw("ledger", in: json),
              let ledger = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
              let consulted = ledger["consulted"] as? Bool else { return nil }
        var figures: [LedgerUse.Figure] = []
        for f in ledger["figures"] as? [[String: Any]] ?? [] {
            guard let name = f["name"] as? String, let measure = policy.ledger.first(where: { $0.name == name }),
                  let text = f["value"] as? String, let value = value(text, measure.type) else { continue }
            let counted = (f["cases"] as? [[String: Any]] ?? []).compactMap { c -> LedgerEntry? in
                guard let id = c["case"] as? String, let on = (c["as_of"] as? String).flatMap({ CivilDate(iso: Substring($0)) }),
                      case .success(let amount)? = (c["amount"] as? String).map(ScalarValue.money) else { return nil }
                return LedgerEntry(caseID: id, decisionID: (c["decision"] as? NSNumber)?.int64Value, asOf: on, amount: amount, facts: [:])
            }
            figures.append(.init(name: name, label: measure.label, labelEn: measure.labelEn, clause: measure.clause, value: value,
                                 counted: counted, grants: (f["grants"] as? NSNumber)?.intValue))
        }
        return LedgerUse(consulted: consulted, figures: figures)
    }

    private static func value(_ text: String, _ type: ValueType) -> Value? {
        switch type {
        case .money: if case .success(let m) = ScalarValue.money(text) { return .money(m) } else { return nil }
        default: return Int64(text).map(Value.int)
        }
    }
}
