import ClauseLanguage
import ClauseSyntax

/// What `clause check` finds in a package's scenario files without running them: each case
/// (base plus `with`/`without`) read against the package's facts schema, so an unknown fact path
/// or an enum value that does not exist is reported where it is written; clause ids and fact
/// paths named in `expect` that the package does not have; scenario names used twice.
package enum ScenarioCheck {
    package static func diagnostics(_ scenarios: [Scenario], policy: Policy, repository: PolicyRepository) -> [Diagnostic] {
        var bag = DiagnosticBag()
        var firstNamed: [String: SourceRange] = [:]
        let loader = CaseLoader(repository: repository)
        for s in scenarios {
            if let first = firstNamed[s.name] {
                bag.error("scenario.duplicate-name", "scenario name '\(s.name)' is used again: `clause test --name` could not pick one",
                          at: s.range, notes: [.init(message: "first used here", range: first)])
            } else {
                firstNamed[s.name] = s.range
            }
            if case .failed(let ds) = loader.load(root: s.caseNode, path: s.casePath) {
                for d in ds { bag.add(d) }
            }
            for r in s.expect.references {
                switch r.kind {
                case .clause where policy.clauseIndex[r.text] == nil:
                    bag.error("scenario.clause", "no clause '\(r.text)' in \(policy.id)\(Suggestion.hint(r.text, policy.clauseIndex.keys))",
                              at: r.range)
                case .fact where !isFactPath(r.text, in: policy):
                    bag.error("scenario.fact", "no fact '\(r.text)' in the facts of \(policy.id)", at: r.range)
                default: break
                }
            }
        }
        return bag.diagnostics
    }

    /// Whether every part of a dotted path (list indices allowed) names a declared fact.
    static func isFactPath(_ path: String, in policy: Policy) -> Bool {
        policy.fields(along: path).count == path.split(separator: ".").count
    }
}
