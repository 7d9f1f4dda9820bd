import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage

/// A decision as one comparable text, for tests that hold two evaluators to each other.
package enum DecisionFingerprint {
    /// Everything a decision without a trace says, as one comparable text: the contract JSON with
    /// the rules' part of the trace, plus what JSON leaves out (the amount before the cap, fixes).
    package static func text(_ d: Decision, _ policy: Policy) -> String {
        var s = JSONDecisionRenderer.render(d, policy: policy, lang: .zh) + "\n" + JSONDecisionRenderer.render(d, policy: policy, lang: .en)
        for rt in d.rules {
            s += "\n\(rt.rule) uncapped=\(rt.uncapped?.plain ?? "-") fix=\(rt.fix ?? "-") fixEn=\(rt.fixEn ?? "-")"
            s += " part=\(rt.part ?? "-") clauses=\(rt.clauses.joined(separator: ","))"
        }
        s += "\nparts=\(d.partAmounts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.plain)" })"
        return s
    }
}
