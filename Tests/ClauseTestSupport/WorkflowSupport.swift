import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseWorkflows
import Testing

/// The repository's workflows, loaded once for the workflow tests.
package enum WorkflowSupport {
    package static let catalog = WorkflowCatalog.load(roots: [Repo.path("Workflows")], repository: Repo.repository)
    package static var session: WorkflowSession { WorkflowSession(repository: Repo.repository, catalog: catalog) }

    /// Replays a Playground case, recording an issue when it cannot be.
    package static func replay(_ relative: String, asOf: CivilDate? = nil, lang: Lang = .zh,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CaseReplay? {
        switch session.replay(path: Repo.path(relative), asOf: asOf, lang: lang) {
        case .success(let r): return r
        case .failure(let e):
            Issue.record("cannot replay \(relative):\n\(DiagnosticRenderer().render(e.diagnostics))", sourceLocation: sourceLocation)
            return nil
        }
    }
}
