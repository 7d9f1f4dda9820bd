import ClauseEngine
import ClauseSyntax
import ClauseWorkflows
import Foundation

/// `clause test`'s path for workflow scenario files (`workflow_scenarios:`), counted in the same
/// `N passed, N failed` line as the policy scenarios.
enum WorkflowTests {
    /// Folders searched when `clause test` is given none, beside ./Policies.
    static func defaultRoots() -> [String] {
        WorkflowCatalog.defaultRoots().filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs `file` if it holds workflow scenarios; false when it is not such a file.
    static func run(_ file: String, name: String?, log: TestLog) -> Bool {
        guard WorkflowScenarioReader.isWorkflowScenarioFile(file) else { return false }
        var bag = DiagnosticBag()
        let scenarios = WorkflowScenarioReader.read(path: file, into: &bag)
        if bag.hasErrors { log.unreadableFile(file, bag.sorted) }
        let repository = PolicyRepository()
        let catalog = WorkflowCatalog.load(roots: WorkflowCatalog.defaultRoots(), repository: repository)
        let runner = WorkflowScenarioRunner(session: WorkflowSession(repository: repository, catalog: catalog))
        for s in scenarios where name == nil || s.name == name {
            let r = runner.run(s)
            log.record(TestLog.Entry(file: file, name: s.name, line: s.range.start.line, failures: r.failures, diagnostics: r.diagnostics,
                                     unreadable: "the case could not be replayed",
                                     reproduce: TestLog.reproduce(file, name: s.name, explain: false)))
        }
        return true
    }
}
