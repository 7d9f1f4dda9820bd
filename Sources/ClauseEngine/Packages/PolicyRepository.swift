import ClauseLanguage
import ClauseSyntax
import Foundation

/// Finds and loads policy packages by id: from `--policy DIR`, else from the folders in
/// `CLAUSE_POLICY_PATH`, else `./Policies`. Each package is loaded and checked once per run.
package final class PolicyRepository {
    /// Where packages are looked for, in order.
    package let searchRoots: [String]
    /// An explicit package that decides every case (`--policy DIR`).
    package let explicit: String?
    private var directories: [String: String]?
    private var loaded: [String: PolicyLoader.Result] = [:]

    package init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.explicit = explicit
        if let path = environment["CLAUSE_POLICY_PATH"], !path.isEmpty {
            searchRoots = path.split(separator: ":").map(String.init)
        } else {
            searchRoots = ["Policies"]
        }
    }

    /// The package for `id`, or the explicit one; diagnostics when it is missing or unsound.
    package func policy(for id: String?) -> PolicyLoader.Result {
        if let explicit { return load(explicit) }
        guard let id else {
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.none", "no policy named", at: .builtin)])
        }
        guard let dir = index()[id] else {
            let known = index().keys.sorted()
            let hint = Suggestion.hint(id, known)
            let message = "no policy package '\(id)' under \(searchRoots.joined(separator: ", "))\(hint)"
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.unknown", message, at: .builtin)])
        }
        return load(dir)
    }

    package func load(_ dir: String) -> PolicyLoader.Result {
        if let r = loaded[dir] { return r }
        let r = PolicyLoader.load(dir)
        loaded[dir] = r
        return r
    }

    /// Every package folder under the search roots, by the id its policy.yaml declares.
    package func index() -> [String: String] {
        if let directories { return directories }
        var found: [String: String] = [:]
        let fm = FileManager.default
        for root in searchRoots {
            for name in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
                let dir = (root as NSString).appendingPathComponent(name)
                let policyFile = (dir as NSString).appendingPathComponent("policy.yaml")
                guard fm.fileExists(atPath: policyFile) else { continue }
                var bag = DiagnosticBag()
                let (_, root) = YAMLReader.read(path: policyFile, into: &bag)
                if case .mapping(let m)? = root, case .scalar(let s)? = m["policy"], found[s.text] == nil {
                    found[s.text] = dir
                }
            }
        }
        directories = found
        return found
    }
}
