import ClauseLanguage
import ClauseSyntax

/// Loads and decides one case with its whole trace (`explain`).
package struct DecisionSession {
    package let loader: CaseLoader

    package init(policy: String?) {
        loader = CaseLoader(repository: PolicyRepository(explicit: policy))
    }

    package func decide(path: String, asOf: CivilDate?) -> Result<(Decision, Policy), DiagnosticsError> {
        switch loader.load(path: path) {
        case .failed(let ds): return .failure(DiagnosticsError(ds))
        case .ready(let c, let policy):
            switch Interpreter.decide(c, policy: policy, asOf: asOf, tracing: true) {
            case .success(var d):
                d.remedies = RemedyFinder.search(c, compiled: loader.repository.compiled(policy), asOf: asOf)
                return .success((d, policy))
            case .failure(let f):
                return .failure(DiagnosticsError([f.diagnostic(at: c.root.range)]))
            }
        }
    }
}
