import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseWorkflows
import Foundation

/// `clause check`'s path for workflows: kept apart from the package checks, so each stays short.
enum WorkflowChecks {
    /// The arguments that are workflow files or folders of them; with no arguments, ./Workflows
    /// (or CLAUSE_WORKFLOW_PATH) when it exists.
    static func paths(among arguments: [String]) -> [String] {
        guard !arguments.isEmpty else {
            return WorkflowCatalog.defaultRoots().filter { FileManager.default.fileExists(atPath: $0) }
        }
        return arguments.filter { p in WorkflowCatalog.files(under: p).contains(where: WorkflowLoader.isWorkflowFile) }
    }

    /// Loads and cross-checks the workflows under `paths`, and reads their scenario files; prints
    /// diagnostics and one line per workflow. Returns false when there is an error.
    static func check(_ paths: [String]) -> Bool {
        guard !paths.isEmpty else { return true }
        let repository = PolicyRepository()
        let files = paths.flatMap(WorkflowCatalog.files(under:)).filter(WorkflowLoader.isWorkflowFile)
        let catalog = WorkflowCatalog.load(files: files, repository: repository)
        var ds = catalog.diagnostics
        var scenarios = 0
        for file in paths.flatMap(ScenarioFiles.under) where WorkflowScenarioReader.isWorkflowScenarioFile(file) {
            var bag = DiagnosticBag()
            scenarios += WorkflowScenarioReader.read(path: file, into: &bag).count
            ds += bag.diagnostics
        }
        Output.diagnostics(ds)
        let errors = ds.filter { $0.severity == .error }.count
        if errors > 0 {
            Output.out("\(paths.joined(separator: ", ")): \(errors) error\(errors == 1 ? "" : "s")\n")
            return false
        }
        for w in catalog.workflows {
            Output.out("\(w.path): ok — workflow \(w.id) (\(w.policyID)): \(w.states.count) states, \(w.events.count) events, "
                       + "\(w.transitions.count) transitions, \(w.deadlines.count) deadlines\n")
        }
        if scenarios > 0 { Output.out("\(paths.joined(separator: ", ")): \(scenarios) workflow scenarios\n") }
        return true
    }

    /// A parameter that only workflows read (a work-plan window) is used: the package's "not used
    /// by any rule" warning is dropped for the parameters the workflows under `workflowRoots`
    /// (or ./Workflows) read.
    static func withoutWorkflowParameters(_ ds: [Diagnostic], _ policy: Policy, workflowRoots: [String]) -> [Diagnostic] {
        guard ds.contains(where: { $0.id == "lint.unused-parameter" }) else { return ds }
        let roots = workflowRoots.isEmpty ? paths(among: []) : workflowRoots
        let catalog = WorkflowCatalog.load(roots: roots, repository: PolicyRepository())
        let read = Set(catalog.machines(for: policy.id).flatMap { $0.parametersRead(policy) })
        let ranges = policy.parameters.filter { read.contains($0.name) }.map(\.range)
        return ds.filter { d in !(d.id == "lint.unused-parameter" && ranges.contains(d.range)) }
    }
}
