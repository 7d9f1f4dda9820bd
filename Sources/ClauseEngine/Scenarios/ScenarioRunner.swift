import ClauseLanguage
import ClauseSyntax
import Foundation

/// Runs scenarios and says, for each that fails, what was expected and what came out.
package struct ScenarioRunner {
    package struct Result: Sendable {
        package var scenario: Scenario
        package var failures: [String]
        package var diagnostics: [Diagnostic]
        package var decision: Decision?
        /// The policy the scenario ran under (with its amendments), for coverage.
        package var policy: Policy? = nil
        /// The package under test could not be loaded: `diagnostics` are the package's, the same
        /// for every scenario of it, not the case's.
        package var packageFailed = false
        package var passed: Bool { failures.isEmpty && diagnostics.isEmpty }
    }

    package let repository: PolicyRepository
    private let packages = PackageRepositories()

    package init(repository: PolicyRepository) { self.repository = repository }

    /// The repository that decides a scenario: its package under test, or the lookup by id.
    private func repository(for s: Scenario) -> PolicyRepository {
        s.policyDirectory.map { packages.repository(explicit: $0, like: repository) } ?? repository
    }

    /// The policy a scenario runs against (for rendering its decision).
    package func policy(for s: Scenario) -> Policy? {
        let repo = repository(for: s)
        if let dir = s.policyDirectory { return repo.load(dir).policy }
        if case .mapping(let m) = s.caseNode, case .scalar(let p)? = m["policy"] { return repo.policy(for: p.text).policy }
        return nil
    }

    /// Decides the scenario's case; `traced` uses the tracing interpreter, so `--explain` shows
    /// every value and step (the compiled policy decides the same, without the words of a trace).
    package func run(_ s: Scenario, traced: Bool = false) -> Result {
        let repo = repository(for: s)
        let loader = CaseLoader(repository: repo)
        switch loader.load(root: s.caseNode, path: s.casePath) {
        case .failed(let ds):
            let packageFailed = s.policyDirectory.map { repo.load($0).policy == nil } ?? false
            return Result(scenario: s, failures: [], diagnostics: ds, decision: nil, packageFailed: packageFailed)
        case .ready(var c, let policy):
            var ledger: LedgerUse?
            if !s.recorded.isEmpty {
                switch book(s.recorded, policy: policy) {
                case .failure(let f): return Result(scenario: s, failures: [], diagnostics: f.diagnostics, decision: nil)
                case .success(let b):
                    ledger = b.use(for: c)
                    FactPath.setLedger(ledger!, in: &c, policy: policy)
                }
            }
            let decided = traced ? Interpreter.decide(c, policy: policy, asOf: s.asOf)
                : Interpreter.decide(c, compiled: repo.compiled(policy), asOf: s.asOf)
            switch decided {
            case .failure(let f):
                return Result(scenario: s, failures: ["evaluation failed: \(f.message)"], diagnostics: [], decision: nil)
            case .success(var d):
                d.ledger = ledger
                // `clause test --explain` shows a scenario's justification whole, remedies included.
                if traced { d.remedies = RemedyFinder.search(c, compiled: repo.compiled(policy), asOf: s.asOf) }
                return Result(scenario: s, failures: compare(s.expect, d), diagnostics: [], decision: d, policy: policy)
            }
        }
    }

    /// The fund's record a scenario states: each prior grant read as a case of `policy`.
    private func book(_ grants: [RecordedGrant], policy: Policy) -> Swift.Result<LedgerBook, DiagnosticsFailure> {
        var book = LedgerBook(policy: policy)
        for g in grants {
            var bag = DiagnosticBag()
            guard let gc = CaseReader.read(g.caseNode, path: "recorded \(g.caseID)", policy: policy, into: &bag), !bag.hasErrors else {
                return .failure(DiagnosticsFailure(diagnostics: bag.sorted))
            }
            let on = g.on ?? policy.evaluationDate(of: gc.facts) ?? CivilDate(year: 2024, month: 1, day: 1)!
            book.record(g.caseID, grant: LedgerEntry.of(gc, decisionID: nil, asOf: on, amount: g.amount, policy: policy, parts: g.parts))
        }
        return .success(book)
    }

    /// Every way the decision differs from the expectation, as "expected …, got …" lines.
    package func compare(_ e: Expectation, _ d: Decision) -> [String] {
        var out: [String] = []
        let got = Set(d.reasons.map(\.clause))
        let gotList = d.reasons.map(\.clause).uniqued().joined(separator: ", ")
        if let o = e.outcome, o != d.outcome { out.append("outcome: expected \(o.rawValue), got \(d.outcome.rawValue)") }
        if let a = e.amount, a != d.amount { out.append("amount: expected \(a.plain), got \(d.amount.plain)") }
        let absent = e.reasons.filter { !got.contains($0) }
        if !absent.isEmpty { out.append("reasons: expected \(absent.joined(separator: ", ")) among them, got [\(gotList)]") }
        if let only = e.onlyReasons, Set(only) != got {
            out.append("reasons: expected exactly [\(only.joined(separator: ", "))], got [\(gotList)]")
        }
        let unwanted = e.notReasons.filter { got.contains($0) }
        if !unwanted.isEmpty { out.append("reasons: expected no \(unwanted.joined(separator: ", ")), got [\(gotList)]") }
        if let m = e.missing, Set(m) != Set(d.missing.map(\.fact)) {
            out.append("missing: expected [\(m.joined(separator: ", "))], got [\(d.missing.map(\.fact).joined(separator: ", "))]")
        }
        if let c = e.clawback, c != d.consequences.clawback {
            out.append("clawback: expected \(c.plain), got \(d.consequences.clawback.plain)")
        }
        if let b = e.blacklistedUntil, b != d.consequences.blacklistedUntil {
            out.append("blacklisted_until: expected \(b?.iso ?? "none"), got \(d.consequences.blacklistedUntil?.iso ?? "none")")
        }
        return out
    }
}

/// One repository per package under test, so a suite loads and compiles each package once.
private final class PackageRepositories: @unchecked Sendable {
    private let lock = NSLock()
    private var byDirectory: [String: PolicyRepository] = [:]

    func repository(explicit dir: String, like base: PolicyRepository) -> PolicyRepository {
        lock.lock()
        defer { lock.unlock() }
        let key = PackagePath.absolute(dir)
        if let r = byDirectory[key] { return r }
        let r = base.deciding(by: dir)
        byDirectory[key] = r
        return r
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// Diagnostics as an error value, for a `Result` whose failure is a list of located problems.
struct DiagnosticsFailure: Error {
    var diagnostics: [Diagnostic]
}
