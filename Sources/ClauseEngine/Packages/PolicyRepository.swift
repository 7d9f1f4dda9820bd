import ClauseLanguage
import ClauseSyntax
import Foundation

/// Finds and loads policy packages by id: from `--policy DIR`, else from the folders in
/// `CLAUSE_POLICY_PATH`, else `./Policies`. Each package is loaded and checked once per run.
///
/// Amendments (第十七条) are composed here: a base package comes with every package beside it that
/// amends it, in effective order; an amending package named directly (a proposal) is loaded on
/// its base, found by id among the search roots (or `baseOverrides`).
public final class PolicyRepository: @unchecked Sendable {
    /// Guards the caches: batch evaluation looks packages up from every core at once.
    private let lock = NSRecursiveLock()
    /// Where packages are looked for, in order.
    package let searchRoots: [String]
    /// An explicit package that decides every case (`--policy DIR`).
    package let explicit: String?
    private var directories: [String: String]?
    private var loaded: [String: PolicyLoader.Result] = [:]
    /// `loaded` by the folder as named: every case looks its package up, and making the name
    /// absolute (a stat and URL parsing) was a tenth of deciding a batch.
    private var loadedAsNamed: [String: PolicyLoader.Result] = [:]
    /// Where to find a base package by id before the search roots (`clause diff --base DIR`).
    public var baseOverrides: [String: String] = [:] {
        didSet {
            lock.lock()
            answered = []
            lock.unlock()
        }
    }
    /// `policy(for:)`'s answers by the id asked for: every case of a batch asks, from both cores,
    /// and finding the folder and then the package took four turns of the lock and three hashes.
    /// A short list looked along, as a batch names a package or two: hashing each case's id cost
    /// more than comparing it.
    private var answered: [(id: String, result: PolicyLoader.Result)] = []
    private var loading: [String] = []
    /// The packages compiled, one for each digest: a batch asks for every case, and only a package
    /// or two are compiled, so a look along the list (whose digests most often share the very text
    /// asked with) costs less than hashing a 71-character digest each time.
    private var compiledPolicies: [CompiledPolicy] = []

    public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.explicit = explicit
        if let path = environment["CLAUSE_POLICY_PATH"], !path.isEmpty {
            searchRoots = path.split(separator: ":").map(String.init)
        } else {
            searchRoots = ["Policies"]
        }
    }

    package init(explicit: String?, searchRoots: [String]) {
        self.explicit = explicit
        self.searchRoots = searchRoots
    }

    /// A repository that decides everything by the package in `dir`, finding bases as this one does.
    package func deciding(by dir: String) -> PolicyRepository {
        let r = PolicyRepository(explicit: dir, searchRoots: searchRoots)
        r.baseOverrides = baseOverrides
        return r
    }

    /// The package for `id`, or the explicit one; diagnostics when it is missing or unsound.
    public func policy(for id: String?) -> PolicyLoader.Result {
        lock.lock()
        defer { lock.unlock() }
        if let id, let known = answered.first(where: { $0.id == id }) { return known.result }
        let r = find(id)
        // Only packages found: as many as there are packages, whatever ids a batch's cases name.
        if let id, r.policy != nil { answered.append((id, r)) }
        return r
    }

    /// The compiled package for `id` (or the explicit one), nil when `policy(for:)` gives none:
    /// what a batch asks for every case, and decides and writes from.
    package func compiledPolicy(for id: String?) -> CompiledPolicy? {
        policy(for: id).policy.map(compiled)
    }

    private func find(_ id: String?) -> PolicyLoader.Result {
        if let explicit {
            // The package named decides; a case written for another package is an error, never a
            // silent decision under the wrong rules.
            let r = load(explicit)
            if let id, let p = r.policy, p.id != id {
                return failure("policy.mismatch", "this case is for policy '\(id)', but the package given ('\(explicit)') is '\(p.id)'")
            }
            return r
        }
        guard let id else {
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.none", "no policy named", at: .builtin)])
        }
        guard let dir = baseOverrides[id] ?? index()[id] else {
            let known = index().keys.sorted()
            let hint = known.isEmpty ? ": \(PolicyRepository.whereToLook), or name the package folder with --policy" : Suggestion.hint(id, known)
            let message = "no policy package '\(id)' under \(searchedRoots)\(hint)"
            return PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: "policy.unknown", message, at: .builtin)])
        }
        return load(dir)
    }

    /// The compiled form of a policy this repository loaded, compiled on first use. Keyed by
    /// digest, which names the packages' exact files: only for policies as loaded, never for a
    /// `Policy` changed in memory.
    public func compiled(_ policy: Policy) -> CompiledPolicy {
        lock.lock()
        defer { lock.unlock() }
        if let c = compiledPolicies.first(where: { $0.policy.digest == policy.digest }) { return c }
        let c = CompiledPolicy(policy)
        compiledPolicies.append(c)
        return c
    }

    public func load(_ dir: String) -> PolicyLoader.Result {
        lock.lock()
        defer { lock.unlock() }
        if let r = loadedAsNamed[dir] { return r }
        let key = PackagePath.absolute(dir)
        let r = loaded[key] ?? compose(dir)
        loaded[key] = r
        loadedAsNamed[dir] = r
        return r
    }

    private func compose(_ dir: String) -> PolicyLoader.Result {
        guard let header = PolicyLoader.header(dir) else { return PolicyLoader.load(dir) }
        let key = PackagePath.absolute(dir)
        if loading.contains(key) {
            let chain = (loading + [key]).compactMap { PolicyLoader.header($0)?.id }.joined(separator: " → ")
            return failure("policy.amendment-cycle", "amendments form a cycle: \(chain)")
        }
        loading.append(key)
        defer { loading.removeLast() }
        guard let amends = header.amends else {
            // A base package, with the amendments it lists as enacted (`amended_by:`), in order.
            var result = PolicyLoader.load(dir)
            for listed in header.amendedBy {
                guard let base = result.policy else { break }
                guard let amendment = package(listed.text, besides: dir), PolicyLoader.header(amendment)?.amends == header.id else {
                    let found = package(listed.text, besides: dir)
                    let message = found == nil
                        ? "'\(listed.text)' is listed in 'amended_by', but no package with that id is beside '\(dir)' or under \(searchRoots.joined(separator: ", "))"
                        : "'\(listed.text)' is listed in 'amended_by', but it does not say 'amends: \(header.id)'"
                    result = PolicyLoader.Result(policy: nil, diagnostics: result.diagnostics
                                                 + [Diagnostic(id: "amendment.listed-unknown", message, at: listed.range)])
                    break
                }
                let next = PolicyLoader.load(amendment, base: base)
                result = PolicyLoader.Result(policy: next.policy, diagnostics: result.diagnostics + next.diagnostics)
            }
            return result
        }
        guard let baseDir = baseOverrides[amends] ?? package(amends, besides: dir), PackagePath.absolute(baseDir) != key else {
            return failure("policy.amends-unknown", "'\(header.id)' amends '\(amends)', but no package has that id beside '\(dir)' or under "
                           + "\(searchRoots.joined(separator: ", "))\(Suggestion.hint(amends, index().keys)): name it with --base DIR")
        }
        let base = load(baseDir)
        guard let basePolicy = base.policy else { return base }
        // Already enacted on its base: the base's composition is the whole.
        if basePolicy.packages.contains(where: { PackagePath.absolute($0.directory) == key }) { return base }
        let r = PolicyLoader.load(dir, base: basePolicy)
        return PolicyLoader.Result(policy: r.policy, diagnostics: base.diagnostics + r.diagnostics)
    }

    /// The folder of package `id`: beside `dir` first (a base and its amendments live together),
    /// then under the search roots.
    package func package(_ id: String, besides dir: String) -> String? {
        let parent = PackagePath.parent(of: dir)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).sorted()
        for name in names {
            let d = (parent as NSString).appendingPathComponent(name)
            if PackagePath.absolute(d) != PackagePath.absolute(dir), PolicyLoader.header(d)?.id == id { return d }
        }
        return index()[id]
    }

    private func failure(_ id: String, _ message: String) -> PolicyLoader.Result {
        PolicyLoader.Result(policy: nil, diagnostics: [Diagnostic(id: id, message, at: .builtin)])
    }

    /// The search roots as a person checks them (`Policies (no folder /tmp/x/Policies)`).
    package var searchedRoots: String { PackagePath.described(roots: searchRoots) }

    /// What to do when no package is found at all: the usual cause is starting clause elsewhere.
    package static let whereToLook =
        "run clause in the folder that holds Policies/, or set CLAUSE_POLICY_PATH to the folders that hold the packages (colon-separated)"

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
