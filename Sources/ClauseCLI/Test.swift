import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax

extension ClauseCommand {
    /// `clause test [PATH…]`: run scenario tests; the last line is `N passed, N failed`.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenario tests (tests/*.yaml of each package, or the files given).")

        @Argument(help: "Scenario files, or folders searched for tests/*.yaml (default: ./Policies).")
        var paths: [String] = []

        @Option(help: "Run only the scenarios with this name.")
        var name: String?

        @Flag(help: "Print every scenario, not only the failures.")
        var verbose = false

        @Flag(help: "Print the full justification of each selected scenario's decision.")
        var explain = false

        @Flag(help: "Report which rules and clauses the scenarios saw both deciding and not deciding.")
        var coverage = false

        @Option(name: .customLong("min-coverage"), help: "Fail when a package's rule coverage is below PCT percent (implies --coverage).")
        var minCoverage: Double?

        func run() throws {
            let roots = paths.isEmpty ? ["Policies"] + WorkflowTests.defaultRoots() : paths
            let runner = ScenarioRunner(repository: PolicyRepository())
            var passed = 0, failed = 0
            var ruleCoverage = RuleCoverage()
            for file in roots.flatMap(ScenarioFiles.under) {
                if WorkflowTests.run(file, name: name, verbose: verbose, passed: &passed, failed: &failed) { continue }
                var bag = DiagnosticBag()
                let scenarios = ScenarioReader.read(path: file, into: &bag)
                if bag.hasErrors {
                    ScenarioReport.unreadableFile(file, bag.sorted)
                    failed += 1
                }
                for s in scenarios where name == nil || s.name == name {
                    let r = runner.run(s)
                    if let d = r.decision, let p = r.policy { ruleCoverage.record(d, under: p) }
                    ScenarioReport.record(r.passed, s.name, file: file, line: s.range.start.line, failures: r.failures,
                                          diagnostics: r.diagnostics, unreadable: "the case could not be read",
                                          reproduce: "swift run clause test \(file) --name '\(s.name)' --explain", verbose: verbose,
                                          passed: &passed, failed: &failed)
                    if explain, let d = r.decision, let p = runner.policy(for: s) {
                        Output.out(TextDecisionRenderer.render(d, policy: p, lang: .zh, explain: true) + "\n")
                    }
                }
            }
            var belowMinimum = false
            if coverage || minCoverage != nil {
                Output.out(CoverageRenderer.text(ruleCoverage))
                if let minCoverage {
                    for p in ruleCoverage.policies where p.percent < minCoverage {
                        Output.out("coverage of \(p.name) is \(CoverageRenderer.percent(p.percent)), below --min-coverage \(CoverageRenderer.percent(minCoverage))\n")
                        belowMinimum = true
                    }
                }
            }
            Output.out("\(passed) passed, \(failed) failed\n")
            if failed > 0 || belowMinimum { throw ExitCode(1) }
        }
    }
}
