import ArgumentParser
import Foundation
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax

extension ClauseCommand {
    /// `clause test [PATH…]`: run scenario tests; the last line is `N passed, N failed`.
    ///
    /// Each scenario runs against the package under test: `--policy DIR` when given, else its
    /// file's `policy:` folder, else the package whose `tests/` folder holds the file. Only a
    /// scenario file outside any package finds its package by the case's `policy:` id. A case
    /// written for another package than the one under test is an error, not a silent pass.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test",
            abstract: "Run scenario tests (tests/*.yaml of each package, or the files given) against the package they belong to.")

        @Argument(help: "Scenario files, or folders searched for tests/*.yaml (default: ./Policies and ./Workflows).")
        var paths: [String] = []

        @Option(help: "Run every scenario against this package folder (e.g. the base suite against a proposal).")
        var policy: String?

        @Option(help: "The base package folder of the amendments under test (default: found by their 'amends:' id beside them or under ./Policies).")
        var base: String?

        @Option(help: "Run only the scenarios with this name (fails when none has it).")
        var name: String?

        @Option(help: "Output: text (failures as they come, then 'N passed, N failed'), junit (JUnit XML) or json (one object per scenario, then a summary).")
        var format: TestLog.Format = .text

        @Flag(help: "Print every scenario, not only the failures.")
        var verbose = false

        @Flag(help: "Print the full justification of each selected scenario's decision.")
        var explain = false

        @Flag(help: "Report which rules and clauses the scenarios saw both deciding and not deciding.")
        var coverage = false

        @Option(name: .customLong("min-coverage"), help: "Fail when a package's rule coverage is below PCT percent (implies --coverage).")
        var minCoverage: Double?

        func validate() throws {
            // A percentage, finite: `1e309` (infinity) trapped when the figure was printed, and
            // `nan` passed every package, as nothing is below it.
            if let minCoverage, !(minCoverage.isFinite && (0...100).contains(minCoverage)) {
                throw ValidationError("--min-coverage takes a percentage from 0 to 100, not \(minCoverage)")
            }
        }

        func run() throws {
            let repository = try PackageLookup.repository(base: base)
            // By default the packages where `check` and `evaluate` find them (CLAUSE_POLICY_PATH,
            // else ./Policies), and the workflows; a default folder that is not there is no file.
            let packageRoots = repository.searchRoots.filter { FileManager.default.fileExists(atPath: $0) }
            let roots = paths.isEmpty ? packageRoots + WorkflowTests.defaultRoots() : paths
            let files = roots.flatMap(ScenarioFiles.under)
            guard !files.isEmpty else {
                let looked = paths.isEmpty ? repository.searchedRoots : roots.joined(separator: ", ")
                let hint = paths.isEmpty ? ": \(PolicyRepository.whereToLook), or name scenario files or folders" : ""
                Output.error("error: no scenario files (tests/*.yaml) under \(TerminalText.escape(looked))\(hint)\n")
                throw ExitCode(1)
            }
            if let policy, !PackagePath.isPackage(policy) {
                Output.error("error: --policy \(TerminalText.escape(policy)): no policy.yaml there\n")
                throw ExitCode(2)
            }
            let runner = ScenarioRunner(repository: repository)
            let log = TestLog(format: format, verbose: verbose)
            var ruleCoverage = RuleCoverage()
            for file in files {
                if WorkflowTests.run(file, name: name, log: log) { continue }
                var bag = DiagnosticBag()
                let scenarios = ScenarioReader.read(path: file, into: &bag)
                if bag.hasErrors { log.unreadableFile(file, bag.sorted) }
                for var s in scenarios where name == nil || s.name == name {
                    if let policy { s.policyDirectory = policy }
                    let r = runner.run(s, traced: explain && format == .text)
                    if let d = r.decision, let p = r.policy { ruleCoverage.record(d, under: p) }
                    log.record(TestLog.Entry(file: file, name: s.name, line: s.range.start.line, failures: r.failures,
                                             diagnostics: r.diagnostics,
                                             unreadable: r.packageFailed ? "the package \(TerminalText.escape(s.policyDirectory ?? "")) could not be loaded"
                                                                         : "the case could not be read",
                                             reproduce: TestLog.reproduce(file, name: s.name, explain: true)))
                    if explain, format == .text, let d = r.decision, let p = runner.policy(for: s) {
                        Output.out(TextDecisionRenderer.render(d, policy: p, lang: .zh, explain: true) + "\n")
                    }
                }
            }
            log.finish()
            let summary = "\(log.passed) passed, \(log.failed) failed\n"
            // In text the count closes stdout; in JUnit or JSON stdout is the report alone.
            let textFormat = format == .text
            func say(_ s: String) { if textFormat { Output.out(s) } else { Output.error(s) } }
            if let name, log.entries.allSatisfy({ $0.name != name }) {
                say(summary)
                Output.error("error: no scenario is named '\(TerminalText.escape(name))' in \(files.count) scenario file\(files.count == 1 ? "" : "s")\n")
                throw ExitCode(1)
            }
            var belowMinimum = false
            if coverage || minCoverage != nil {
                say(CoverageRenderer.text(ruleCoverage))
                if let minCoverage {
                    for p in ruleCoverage.policies where p.percent < minCoverage {
                        say("coverage of \(p.name) is \(CoverageRenderer.percent(p.percent)), below --min-coverage \(CoverageRenderer.percent(minCoverage))\n")
                        belowMinimum = true
                    }
                }
            }
            say(summary)
            if log.entries.isEmpty {
                Output.error("error: the scenario files under \(TerminalText.escape(roots.joined(separator: ", "))) hold no scenarios\n")
                throw ExitCode(1)
            }
            if log.failed > 0 || belowMinimum { throw ExitCode(1) }
        }
    }
}
