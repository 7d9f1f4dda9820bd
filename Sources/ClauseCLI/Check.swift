import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause check [POLICY_DIR…]`: load, type-check and lint packages; diagnostics only.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load, type-check and lint policy packages and their scenario files; print diagnostics only.")

        @Argument(help: "Policy package folders (default: every package under ./Policies or CLAUSE_POLICY_PATH).")
        var packages: [String] = []

        func run() throws {
            let workflowPaths = WorkflowChecks.paths(among: packages)
            let dirs = packages.isEmpty ? PolicyRepository().index().values.sorted() : packages.filter { !workflowPaths.contains($0) }
            if dirs.isEmpty && workflowPaths.isEmpty {
                Output.error("error: no policy packages found\n")
                throw ExitCode(1)
            }
            var failed = false
            for dir in dirs {
                let result = PolicyLoader.load(dir)
                var ds = result.diagnostics + (result.policy.map(PolicyLint.warnings) ?? [])
                // The package's own scenarios are part of it: a malformed test file is a finding too.
                var scenarioCount = 0
                for file in ScenarioFiles.under(dir) {
                    var bag = DiagnosticBag()
                    scenarioCount += ScenarioReader.read(path: file, into: &bag).count
                    ds += bag.diagnostics
                }
                Output.diagnostics(ds)
                if ds.contains(where: { $0.severity == .error }) || result.policy == nil {
                    failed = true
                    let errors = ds.filter { $0.severity == .error }.count
                    Output.out("\(dir): \(errors) error\(errors == 1 ? "" : "s")\n")
                } else if let p = result.policy {
                    let warnings = ds.filter { $0.severity == .warning }.count
                    Output.out("\(dir): \(warnings == 0 ? "ok" : "ok with \(warnings) warning\(warnings == 1 ? "" : "s")") — \(p.id) \(p.version): \(p.clauses.count) clauses, \(p.parameters.count) parameters, "
                               + "\(p.definitions.count) definitions, \(p.rules.count) rules, \(scenarioCount) scenarios\n")
                }
            }
            if !WorkflowChecks.check(workflowPaths) { failed = true }
            if failed { throw ExitCode(1) }
        }
    }
}

/// Where scenario files live: `tests/*.yaml` inside a package, or any file given directly.
enum ScenarioFiles {
    static func under(_ path: String) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return [path] }
        guard isDir.boolValue else { return [path] }
        let all = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []).sorted()
        return all.filter { rel in
            (rel.hasSuffix(".yaml") || rel.hasSuffix(".yml")) && rel.split(separator: "/").dropLast().contains("tests")
        }.map { (path as NSString).appendingPathComponent($0) }
    }
}
