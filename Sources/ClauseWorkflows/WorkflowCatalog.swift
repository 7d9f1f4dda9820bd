import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// The workflows found in a folder (`./Workflows`, `CLAUSE_WORKFLOW_PATH`, or `--workflows`),
/// loaded once, and checked together: the machines of one policy share a history, so an event
/// may belong to only one of them, a role means the same in each, and one of them is the main one.
package struct WorkflowCatalog: Sendable {
    package var workflows: [Workflow]
    package var diagnostics: [Diagnostic]
    /// Where the workflows were looked for, as a person checks it (for "no workflow" errors).
    package var searched = "the files given"

    /// The folders searched when none is given.
    package static func defaultRoots(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let p = environment["CLAUSE_WORKFLOW_PATH"], !p.isEmpty { return p.split(separator: ":").map(String.init) }
        return ["Workflows"]
    }

    /// Workflow files under `root`: `*.yaml` outside `tests/` folders, or `root` itself if a file.
    package static func files(under root: String) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { return [root] }
        let all = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted()
        return all.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { (root as NSString).appendingPathComponent($0) }
    }

    package static func load(roots: [String], repository: PolicyRepository) -> WorkflowCatalog {
        var catalog = load(files: roots.flatMap(files(under:)), repository: repository)
        catalog.searched = PackagePath.described(roots: roots)
        return catalog
    }

    package static func load(files: [String], repository: PolicyRepository) -> WorkflowCatalog {
        var ds: [Diagnostic] = []
        var ws: [Workflow] = []
        for f in files {
            let r = WorkflowLoader.load(path: f, repository: repository)
            ds += r.diagnostics
            if let w = r.workflow { ws.append(w) }
        }
        var bag = DiagnosticBag()
        crossCheck(ws, &bag)
        return WorkflowCatalog(workflows: bag.hasErrors ? [] : ws, diagnostics: ds + bag.sorted)
    }

    static func crossCheck(_ ws: [Workflow], _ bag: inout DiagnosticBag) {
        for policy in Set(ws.map(\.policyID)).sorted() {
            let group = ws.filter { $0.policyID == policy }
            var owner: [String: WorkflowEvent] = [:]
            var roles: [String: WorkflowRole] = [:]
            var ids: [String: Workflow] = [:]
            for w in group {
                if let first = ids[w.id] {
                    bag.error("workflow.duplicate", "a second workflow '\(w.id)'", at: w.range,
                              notes: [Diagnostic.Note(message: "the first one", range: first.range)])
                }
                ids[w.id] = w
                for e in w.events {
                    if let first = owner[e.name] {
                        bag.error("workflow.event-twice", "event '\(e.name)' already belongs to another workflow of \(policy): "
                                  + "each event drives one machine", at: e.range, notes: [Diagnostic.Note(message: "declared here", range: first.range)])
                    }
                    owner[e.name] = owner[e.name] ?? e
                }
                for r in w.roles {
                    if let first = roles[r.name] {
                        let a = first.attributes.map { "\($0.name):\($0.type)" }, b = r.attributes.map { "\($0.name):\($0.type)" }
                        if a != b {
                            bag.error("workflow.role-differs", "role '\(r.name)' has other attributes than in another workflow of \(policy)",
                                      at: r.range, notes: [Diagnostic.Note(message: "declared here", range: first.range)])
                        }
                    } else {
                        roles[r.name] = r
                    }
                }
            }
            let mains = group.filter(\.isMain)
            if mains.isEmpty, let w = group.first {
                bag.error("workflow.no-main", "no workflow of \(policy) is 'main: true': one machine's state is the case's state", at: w.range)
            }
            for w in mains.dropFirst() {
                bag.error("workflow.two-mains", "a second main workflow of \(policy)", at: w.range,
                          notes: [Diagnostic.Note(message: "the first one", range: mains[0].range)])
            }
        }
    }

    /// The machines of a policy, the main one first.
    package func machines(for policyID: String) -> [Workflow] {
        let group = workflows.filter { $0.policyID == policyID }
        return group.filter(\.isMain) + group.filter { !$0.isMain }
    }
}
