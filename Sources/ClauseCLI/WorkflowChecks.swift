import ClauseEngine
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
            Output.out("\(TerminalText.escape(paths.joined(separator: ", "))): \(errors) error\(errors == 1 ? "" : "s")\n")
            return false
        }
        for w in catalog.workflows {
            Output.out("\(TerminalText.escape(w.path)): ok — workflow \(TerminalText.escape(w.id)) (\(TerminalText.escape(w.policyID))): \(w.states.count) states, \(w.events.count) events, "
                       + "\(w.transitions.count) transitions, \(w.deadlines.count) deadlines\n")
        }
        if scenarios > 0 { Output.out("\(TerminalText.escape(paths.joined(separator: ", "))): \(scenarios) workflow scenarios\n") }
        return true
    }
}
