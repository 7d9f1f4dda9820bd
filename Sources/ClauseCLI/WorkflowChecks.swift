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
        return arguments.filter { p in
            if WorkflowCatalog.files(under: p).contains(where: WorkflowLoader.isWorkflowFile) { return true }
            // A YAML file named alone is not a package folder: checked as a workflow file (or a
            // workflow scenario file), so a syntax error in it is shown rather than "no package".
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && !isDir.boolValue
                && (p.hasSuffix(".yaml") || p.hasSuffix(".yml"))
        }
    }

    /// The problems of files under `paths` that are not read as workflows or their scenarios: a
    /// YAML file that does not parse (skipped before, so `check` passed over it), and a file named
    /// alone that is neither.
    static func unreadable(_ paths: [String]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        for path in paths {
            var isDir: ObjCBool = false
            let named = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
            for file in WorkflowCatalog.files(under: path) + ScenarioFiles.under(path) where seen.insert(file).inserted {
                var bag = DiagnosticBag()
                let (source, root) = YAMLReader.read(path: file, into: &bag)
                // A file that parses is read by the catalog or the scenario reader, which report its problems.
                if root == nil {
                    out += bag.diagnostics
                    continue
                }
                guard named, case .mapping(let m)? = root, m["workflow"] == nil, m["workflow_scenarios"] == nil else { continue }
                let origin = SourceLocation(line: 1, column: 1)
                out.append(Diagnostic(.error, id: "workflow.file", "not a workflow file: it has no 'workflow:' (nor 'workflow_scenarios:')",
                                      at: SourceRange(file: source, start: origin, end: origin)))
            }
        }
        return out
    }

    /// Loads and cross-checks the workflows under `paths`, and reads their scenario files; prints
    /// diagnostics and one line per workflow. Returns false when there is an error.
    static func check(_ paths: [String]) -> Bool {
        guard !paths.isEmpty else { return true }
        let repository = PolicyRepository()
        let files = paths.flatMap(WorkflowCatalog.files(under:)).filter(WorkflowLoader.isWorkflowFile)
        let catalog = WorkflowCatalog.load(files: files, repository: repository)
        var ds = catalog.diagnostics + unreadable(paths)
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
