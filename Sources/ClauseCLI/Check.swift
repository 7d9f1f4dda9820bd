import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause check [POLICY_DIR…]`: load, type-check and lint packages, their amendments, their
    /// scenario files and the workflows; diagnostics only.
    ///
    /// An amendment is checked as it would decide: composed with its base (`--base DIR`, else the
    /// package with its `amends:` id beside it or under the search roots) and type-checked whole.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check",
            abstract: "Load, type-check and lint policy packages (amendments composed with their base), their scenario files and workflows.")

        @Argument(help: "Policy package folders (default: every package under ./Policies or CLAUSE_POLICY_PATH).")
        var packages: [String] = []

        @Option(help: "The base package folder that the amendments given amend (default: found by their 'amends:' id).")
        var base: String?

        @Option(help: "Output: text (FILE:LINE:COLUMN diagnostics on stderr and a line per package) or json (one object per diagnostic on stdout).")
        var format: CheckFormat = .text

        enum CheckFormat: String, ExpressibleByArgument { case text, json }

        func run() throws {
            let repository = try PackageLookup.repository(base: base)
            let workflowPaths = WorkflowChecks.paths(among: packages)
            let dirs = packages.isEmpty ? repository.index().values.sorted()
                : packages.filter { !workflowPaths.contains($0) }.flatMap(Check.packages(in:))
            if dirs.isEmpty && workflowPaths.isEmpty {
                Output.error("error: no policy packages found under \(TerminalText.escape(repository.searchedRoots)): \(PolicyRepository.whereToLook), or name package folders\n")
                throw ExitCode(1)
            }
            var failed = false
            var reported = Set<Diagnostic>()
            for dir in dirs {
                let result = repository.load(dir)
                var ds = result.diagnostics + (result.policy.map(PolicyLint.warnings) ?? []) + enactment(dir, repository)
                // The package's own scenarios are part of it: read, and their cases typed against it.
                var scenarioCount = 0
                let tests = PackagePath.isPackage(dir) ? ScenarioFiles.under(dir) : []
                for file in tests {
                    var bag = DiagnosticBag()
                    let scenarios = ScenarioReader.read(path: file, into: &bag)
                    scenarioCount += scenarios.count
                    ds += bag.diagnostics
                    if let p = result.policy {
                        let target = scenarios.first?.policyDirectory ?? dir
                        ds += ScenarioCheck.diagnostics(scenarios, policy: p, repository: repository.deciding(by: target))
                    }
                }
                // A base checked before its amendment is not reported twice.
                ds = ds.filter { reported.insert($0).inserted }
                emit(ds)
                if ds.contains(where: { $0.severity == .error }) || result.policy == nil {
                    failed = true
                    let errors = ds.filter { $0.severity == .error }.count
                    summary("\(dir): \(errors) error\(errors == 1 ? "" : "s")\n")
                } else if let p = result.policy {
                    let warnings = ds.filter { $0.severity == .warning }.count
                    let composed = p.packages.count > 1 ? " (\(p.packages.map(\.id).joined(separator: " + ")))" : ""
                    summary("\(dir): \(warnings == 0 ? "ok" : "ok with \(warnings) warning\(warnings == 1 ? "" : "s")") — \(p.id) \(p.version)\(composed): "
                            + "\(p.clauses.count) clauses, \(p.parameters.count) parameters, "
                            + "\(p.definitions.count) definitions, \(p.rules.count) rules, \(scenarioCount) scenarios\n")
                }
            }
            if !WorkflowChecks.check(workflowPaths) { failed = true }
            if failed { throw ExitCode(1) }
        }

        /// A folder of packages (`Policies`, `Playground/cities`) named as `clause test` takes it: the
        /// packages directly in it. A package, a file or a folder holding none stays as named.
        static func packages(in dir: String) -> [String] {
            guard !PackagePath.isPackage(dir) else { return [dir] }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            let found = names.map { (dir as NSString).appendingPathComponent($0) }.filter(PackagePath.isPackage)
            return found.isEmpty ? [dir] : found
        }

        private func emit(_ ds: [Diagnostic]) {
            switch format {
            case .text: Output.diagnostics(ds)
            case .json: for d in ds { Output.out(DiagnosticJSON.line(d) + "\n") }
            }
        }

        /// The per-package line: stdout in text; stderr in JSON, where stdout is the diagnostics alone.
        private func summary(_ s: String) {
            if format == .text { Output.out(s) } else { Output.error(s) }
        }

        /// An amendment beside its base that the base does not list in `amended_by` applies only when
        /// named: say so, so nobody believes a notice is in force because its folder sits there.
        /// (A proposal kept elsewhere is expected to be unlisted.)
        private func enactment(_ dir: String, _ repository: PolicyRepository) -> [Diagnostic] {
            guard let h = PolicyLoader.header(dir), let amends = h.amends,
                  let baseDir = repository.baseOverrides[amends] ?? repository.package(amends, besides: dir),
                  PackagePath.parent(of: PackagePath.absolute(baseDir)) == PackagePath.parent(of: PackagePath.absolute(dir)),
                  let baseHeader = PolicyLoader.header(baseDir),
                  !baseHeader.amendedBy.contains(where: { $0.text == h.id }) else { return [] }
            return [Diagnostic(.warning, id: "amendment.not-enacted",
                               "'\(h.id)' is not listed in 'amended_by' of '\(amends)' (\(baseDir)): it applies only where it is named "
                                   + "(--policy, --proposed, a scenario file's policy:)", at: h.amendsRange ?? .builtin)]
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
        // Only files directly in a tests/ folder: tests/cases/ may hold the scenarios' base cases.
        return all.filter { rel in
            let parts = rel.split(separator: "/")
            return (rel.hasSuffix(".yaml") || rel.hasSuffix(".yml")) && parts.count >= 2 && parts[parts.count - 2] == "tests"
        }.map { (path as NSString).appendingPathComponent($0) }
    }
}
