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
    static func run(_ file: String, name: String?, verbose: Bool, passed: inout Int, failed: inout Int) -> Bool {
        guard WorkflowScenarioReader.isWorkflowScenarioFile(file) else { return false }
        var bag = DiagnosticBag()
        let scenarios = WorkflowScenarioReader.read(path: file, into: &bag)
        if bag.hasErrors {
            ScenarioReport.unreadableFile(file, bag.sorted)
            failed += 1
        }
        let repository = PolicyRepository()
        let catalog = WorkflowCatalog.load(roots: WorkflowCatalog.defaultRoots(), repository: repository)
        let runner = WorkflowScenarioRunner(session: WorkflowSession(repository: repository, catalog: catalog))
        for s in scenarios where name == nil || s.name == name {
            let r = runner.run(s)
            ScenarioReport.record(r.passed, s.name, file: file, line: s.range.start.line, failures: r.failures,
                                  diagnostics: r.diagnostics, unreadable: "the case could not be replayed",
                                  reproduce: "swift run clause test \(file) --name '\(s.name)'", verbose: verbose,
                                  passed: &passed, failed: &failed)
        }
        return true
    }
}
