import ClauseEngine
import ClauseSyntax
import ClauseTestSupport
import ClauseWorkflows
import Foundation
import Testing

/// Malformed workflows and histories, each with its exact expected diagnostics beside it
/// (`CLAUSE_UPDATE_FIXTURES=1 swift test` rewrites them for review).
@Suite struct WorkflowFixtureTests {
    static let workflows = Repo.path("Tests/Fixtures/invalid-workflows")
    static let histories = Repo.path("Tests/Fixtures/invalid-histories")

    @Test(arguments: FixtureFiles.discover(workflows, suffix: ".yaml"))
    func invalidWorkflow(_ name: String) {
        let path = (WorkflowFixtureTests.workflows as NSString).appendingPathComponent(name)
        let result = WorkflowLoader.load(path: path, repository: Repo.repository)
        #expect(result.workflow == nil, "an invalid workflow must not load")
        #expect(result.diagnostics.allSatisfy { $0.range.file != nil && $0.range.start.line >= 1 }, "every error is located")
        let rendered = FixtureFiles.relative(DiagnosticRenderer().render(result.diagnostics))
        FixtureFiles.compare(rendered, expectedAt: path.replacingOccurrences(of: ".yaml", with: ".expected"))
    }

    @Test(arguments: FixtureFiles.discover(histories, suffix: ".yaml"))
    func invalidHistory(_ name: String) {
        let path = (WorkflowFixtureTests.histories as NSString).appendingPathComponent(name)
        guard case .failure(let e) = WorkflowSupport.session.replay(path: path) else {
            Issue.record("\(name) was replayed; it must be refused with located errors")
            return
        }
        let rendered = FixtureFiles.relative(DiagnosticRenderer().render(e.diagnostics))
        FixtureFiles.compare(rendered, expectedAt: path.replacingOccurrences(of: ".yaml", with: ".expected"))
    }

    /// Two workflows of one policy may not both drive an event, and one must be the main one.
    @Test func catalogChecksWorkflowsTogether() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-wf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Repo.path("Workflows/shenyang-fraud.yaml"), encoding: .utf8)
        try text.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "workflow: shenyang-fraud", with: "workflow: shenyang-fraud-2")
            .write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let catalog = WorkflowCatalog.load(roots: [dir.path], repository: Repo.repository)
        #expect(catalog.workflows.isEmpty)
        #expect(catalog.diagnostics.map(\.message) == [
            "no workflow of shenyang-sme-dx-fund is 'main: true': one machine's state is the case's state",
            "event 'fraud_found' already belongs to another workflow of shenyang-sme-dx-fund: each event drives one machine",
        ])
    }
}
