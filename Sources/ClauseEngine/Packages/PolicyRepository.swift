import ClauseLanguage
import ClauseSyntax
import Foundation

/// Finds and loads policy packages by id: from `--policy DIR`, else from the folders in
/// `CLAUSE_POLICY_PATH`, else `./Policies`. Each package is loaded and checked once per run.
///
/// Amendments (第十七条) are composed here: a base package comes with every package beside it that
/// amends it, in effective order; an amending package named directly (a proposal) is loaded on
/// its base, found by id among the search roots (or `baseOverrides`).
package final class PolicyRepository: @unchecked Sendable {
    /// Guards the caches: batch evaluation looks packages up from every core at once.
    private let lock = NSRecursiveLock()
    /// Where packages are looked for, in order.
    package let searchRoots: [String]
    /// An explicit package that decides every case (`--policy DIR`).
    package let explicit: String?
    private var directories: [String: String]?
    private var loaded: [String: PolicyLoader.Result] = [:]
    /// Where to find a base package by id before the search roots (`clause diff --base DIR`).
    package var baseOverrides: [String: String] = [:]
    private var loading: [String] = []
    private var compiledByDigest: [String: CompiledPolicy] = [:]

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
        lock.lock()
        defer { lock.unlock() }
        if let explicit { return load(explicit) }
        guard let id else {
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.none", "no policy named", at: .builtin)])
        }
        guard let dir = baseOverrides[id] ?? index()[id] else {
            let known = index().keys.sorted()
            let hint = Suggestion.hint(id, known)
            let message = "no policy package '\(id)' under \(searchRoots.joined(separator: ", "))\(hint)"
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.unknown", message, at: .builtin)])
        }
        return load(dir)
    }

    /// The compiled form of a policy this repository loaded, compiled on first use. Keyed by
    /// digest, which names the packages' exact files: only for policies as loaded, never for a
    /// `Policy` changed in memory.
    package func compiled(_ policy: Policy) -> CompiledPolicy {
        lock.lock()
        defer { lock.unlock() }
        if let c = compiledByDigest[policy.digest] { return c }
        let c = CompiledPolicy(policy)
        compiledByDigest[policy.digest] = c
        return c
    }

    package func load(_ dir: String) -> PolicyLoader.Result {
        lock.lock()
        defer { lock.unlock() }
        if let r = loaded[dir] { return r }
        let r = compose(dir)
        loaded[dir] = r
        return r
    }

    private func compose(_ dir: String) -> PolicyLoader.Result {
        guard let header = PolicyLoader.header(dir) else { return PolicyLoader.load(dir) }
        if loading.contains(dir) {
            let chain = (loading + [dir]).compactMap { PolicyLoader.header($0)?.id }.joined(separator: " → ")
            return failure("policy.amendment-cycle", "amendments form a cycle: \(chain)")
        }
        loading.append(dir)
        defer { loading.removeLast() }
        guard let amends = header.amends else {
            // A base package, with the amendments enacted beside it.
            var result = PolicyLoader.load(dir)
            for amendment in enactedAmendments(of: header.id, besides: dir) {
                guard let base = result.policy else { break }
                let next = PolicyLoader.load(amendment, base: base)
                result = PolicyLoader.Result(policy: next.policy, diagnostics: result.diagnostics + next.diagnostics)
            }
            return result
        }
        guard let baseDir = baseOverrides[amends] ?? index()[amends], baseDir != dir else {
            return failure("policy.amends-unknown", "'\(header.id)' amends '\(amends)', but no package has that id\(Suggestion.hint(amends, index().keys))")
        }
        let base = load(baseDir)
        guard let basePolicy = base.policy else { return base }
        if basePolicy.packages.contains(where: { $0.directory == dir }) { return base }
        let r = PolicyLoader.load(dir, base: basePolicy)
        return PolicyLoader.Result(policy: r.policy, diagnostics: base.diagnostics + r.diagnostics)
    }

    /// Packages in the same folder as `dir` that amend `id`, by effective date.
    private func enactedAmendments(of id: String, besides dir: String) -> [String] {
        let parent = (dir as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        return names.sorted().compactMap { name -> (String, CivilDate?)? in
            let d = (parent as NSString).appendingPathComponent(name)
            guard d != dir, let h = PolicyLoader.header(d), h.amends == id else { return nil }
            return (d, h.effective)
        }.sorted { ($0.1?.days ?? .min, $0.0) < ($1.1?.days ?? .min, $1.0) }.map(\.0)
    }

    private func failure(_ id: String, _ message: String) -> PolicyLoader.Result {
        PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: id, message, at: .builtin)])
    }

    /// Every package folder under the search roots, by the id its policy.yaml declares.
    package func index() -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
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
