import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import ClauseWorkflows
import Foundation
import Testing

/// One source of numbers: the workflows read the package's parameters, so moving a
/// parameter that a workflow reads must fail a workflow scenario, as moving any parameter fails a
/// policy scenario. Before, the fraud workflow wrote `3 years` and a change of `ban_duration`
/// failed only the policy's scenarios: `evaluate` and `workflow` disagreed unseen.
@Suite struct WorkflowMutationTests {
    /// The names of the workflow scenarios that fail against the package in `dir`.
    static func failingWorkflowScenarios(_ dir: String) throws -> [String] {
        let repository = PolicyRepository(explicit: dir)
        let catalog = WorkflowCatalog.load(roots: [Repo.path("Workflows")], repository: repository)
        #expect(catalog.diagnostics.allSatisfy { $0.severity != .error }, "the workflows must load against the mutated package")
        let runner = WorkflowScenarioRunner(session: WorkflowSession(repository: repository, catalog: catalog))
        var failed: [String] = []
        let tests = Repo.path("Workflows/tests")
        for file in try FileManager.default.contentsOfDirectory(atPath: tests).sorted() where file.hasSuffix(".yaml") {
            var bag = DiagnosticBag()
            for s in WorkflowScenarioReader.read(path: "\(tests)/\(file)", into: &bag) where !runner.run(s).passed { failed.append(s.name) }
        }
        return failed
    }

    /// The parameters the repository's workflows read.
    static let read: Set<String> = Set(WorkflowSupport.catalog.machines(for: "shenyang-sme-dx-fund").flatMap { $0.parametersRead(Repo.shenyang) })

    @Test func theWorkflowsReadTheBanTheTermAndTheWindows() {
        // The ban's term is read through the decision (decision.blacklisted_until), so the workflow
        // and the decision cannot disagree on it; a two-year ban still fails a workflow scenario.
        #expect(Self.read == ["validity", "batch_acceptance_due", "batch_acceptance_opens"])
    }

    @Test func theUnchangedPackagePassesEveryWorkflowScenario() throws {
        #expect(try Self.failingWorkflowScenarios(Repo.shenyangDirectory) == [])
    }

    /// A ban of 2 years instead of 3 fails a workflow scenario.
    @Test func aTwoYearBanFailsAWorkflowScenario() throws {
        let dir = try MutationTests.mutatedCopy(MutationTests.Mutation(parameter: "ban_duration", literal: "2 years"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let failed = try Self.failingWorkflowScenarios(dir)
        #expect(failed.contains("拨付后市工信局查实弄虚作假"), "\(failed)")
    }

    /// The workflows read only the end of `validity` (第十六条's last day for a submission): a
    /// move of its start is for the policy's scenarios to notice.
    @Test(arguments: MutationTests.mutations.filter { read.contains($0.parameter) && !($0.parameter == "validity" && $0.literal.hasSuffix("..2025-12-31")) })
    func aWorkflowScenarioNoticesTheChange(_ m: MutationTests.Mutation) throws {
        let dir = try MutationTests.mutatedCopy(m)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try !Self.failingWorkflowScenarios(dir).isEmpty, "no workflow scenario fails when \(m.parameter) becomes \(m.literal)")
    }

    /// `check` flags a literal that is a parameter's value: the next edit of the parameter would
    /// leave the workflow behind.
    @Test func checkFlagsALiteralThatIsAParametersValue() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-wf-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = try String(contentsOfFile: Repo.path("Workflows/shenyang-fraud.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "ban_until: decision.blacklisted_until", with: "ban_until: event.on + 3 years - 1 day")
        try text.write(to: dir.appendingPathComponent("fraud.yaml"), atomically: true, encoding: .utf8)
        let app = try String(contentsOfFile: Repo.path("Workflows/shenyang-application.yaml"), encoding: .utf8)
        try app.replacingOccurrences(of: "by: end(validity)", with: "by: 2025-12-31")
            .write(to: dir.appendingPathComponent("application.yaml"), atomically: true, encoding: .utf8)
        let fraud = WorkflowLoader.load(path: dir.appendingPathComponent("fraud.yaml").path, repository: Repo.repository)
        #expect(fraud.workflow != nil, "a warning does not stop the workflow")
        #expect(fraud.diagnostics.map(\.message) == Array(repeating: "'3 years' is the value of parameter 'ban_duration' (黑名单期限, 第十三条): "
                                                          + "write ban_duration, so that changing the parameter changes the workflow too", count: 2))
        #expect(fraud.diagnostics.allSatisfy { $0.severity == .warning && $0.range.start.line > 1 })
        let application = WorkflowLoader.load(path: dir.appendingPathComponent("application.yaml").path, repository: Repo.repository)
        #expect(application.diagnostics.map(\.message) == ["'2025-12-31' is the end of parameter 'pilot_period' (试点期间, 第四条第（一）项) and the end of "
                                                            + "parameter 'validity' (有效期, 第十六条): write end(pilot_period) or end(validity), "
                                                            + "so that changing the parameter changes the workflow too"])
    }

    /// `read_by: workflows` is how a package says that no rule reads a parameter (a work-plan
    /// window): without it the parameter is reported unused; any other value is an error.
    @Test func aParameterOnlyTheWorkflowsReadSaysSo() throws {
        func package(_ edit: (String) -> String) throws -> (warnings: [String], errors: [String]) {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-readby-\(UUID().uuidString)").path
            try FileManager.default.copyItem(atPath: Repo.shenyangDirectory, toPath: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = "\(dir)/parameters.yaml"
            try edit(try String(contentsOfFile: file, encoding: .utf8)).write(toFile: file, atomically: true, encoding: .utf8)
            let r = PolicyLoader.load(dir)
            return (r.policy.map { PolicyLint.warnings($0).map(\.message) } ?? [], r.diagnostics.filter { $0.severity == .error }.map(\.message))
        }
        #expect(try package { $0 } == ([], []))
        #expect(try package { $0.replacingOccurrences(of: "    read_by: workflows\n", with: "") }
                == (["parameter 'batch_acceptance_due' is not used by any rule", "parameter 'batch_acceptance_opens' is not used by any rule"], []))
        #expect(try package { $0.replacingOccurrences(of: "read_by: workflows", with: "read_by: rules") }.errors
                == Array(repeating: "'read_by' may only be 'workflows' (a parameter no rule reads), not 'rules'", count: 2))
    }
}
