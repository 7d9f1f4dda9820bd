import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// One source of numbers: a workflow that writes `3 years` where the package has `ban_duration`
/// would go on banning for three years after staff change the parameter, and `evaluate` and
/// `workflow` would disagree unseen. So a literal in a guard, an effect or a deadline that equals
/// a parameter's value (or a bound of a period parameter) is flagged, naming the parameter.
package enum WorkflowLint {
    package static func literals(_ exprs: [(expr: CheckedExpr, range: SourceRange)], policy: Policy) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (e, range) in exprs {
            var seen: Set<String> = []
            e.visit { node in
                guard case .constant(let v) = node.kind, !seen.contains(node.text) else { return }
                let matches = parameters(equalTo: v, policy)
                guard !matches.isEmpty else { return }
                seen.insert(node.text)
                let which = matches.map { p, how, _ in "\(how) parameter '\(p.name)' (\(p.label), \(policy.cite(p.clause) ?? p.clause))" }
                out.append(Diagnostic(.warning, id: "workflow.literal-parameter",
                                      "'\(node.text)' is " + which.joined(separator: " and ") + ": write "
                                          + matches.map(\.2).joined(separator: " or ") + ", so that changing the parameter changes the workflow too",
                                      at: range))
            }
        }
        return out
    }

    /// The parameters whose value (any dated value) is `v`, or whose period starts or ends on `v`:
    /// each with how it matches and what to write instead.
    static func parameters(equalTo v: Value, _ policy: Policy) -> [(Parameter, String, String)] {
        var out: [(Parameter, String, String)] = []
        for p in policy.parameters {
            for dv in p.values {
                var match: (String, String)?
                if dv.value == v { match = ("the value of", p.name) }
                if case .date(let d) = v, case .period(let q) = dv.value {
                    if q.start == d { match = ("the start of", "start(\(p.name))") }
                    if q.end == d { match = ("the end of", "end(\(p.name))") }
                }
                if let match {
                    out.append((p, match.0, match.1))
                    break
                }
            }
        }
        return out
    }
}
