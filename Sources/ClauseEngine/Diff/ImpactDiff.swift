import ClauseLanguage
import ClauseSyntax
import Dispatch
import Foundation

/// Decides a corpus of cases under a base and a proposed package and reports what changes: which
/// cases, because of which rules, and the money, per item and per district.
///
/// A decision has changed when its outcome, amount or set of reason clauses differs (CONTRACT §4).
/// Each case file is read once and typed by each package's schema; cases are decided on every core
/// without traces, and results keep the input order.
package struct ImpactDiff: Sendable {
    package let base: Policy
    package let proposed: Policy
    package var asOf: CivilDate?
    /// Both packages compiled once for the whole corpus.
    let compiledBase: CompiledPolicy
    let compiledProposed: CompiledPolicy

    package init(base: Policy, proposed: Policy, asOf: CivilDate? = nil) {
        self.base = base
        self.proposed = proposed
        self.asOf = asOf
        compiledBase = CompiledPolicy(base)
        compiledProposed = CompiledPolicy(proposed)
    }

    /// What one case came to under one package.
    package struct Side: Sendable, Equatable {
        package var outcome: Decision.Outcome
        package var amount: Money
        /// Reason clause ids, each once, in decision order.
        package var reasons: [String]

        init(_ d: Decision) {
            outcome = d.outcome
            amount = d.amount
            var seen = Set<String>()
            reasons = d.reasons.map(\.clause).filter { seen.insert($0).inserted }
        }

        package static func == (a: Side, b: Side) -> Bool {
            a.outcome == b.outcome && a.amount == b.amount && Set(a.reasons) == Set(b.reasons)
        }
    }

    package struct Cause: Sendable, Hashable {
        package var rule: String
        package var clause: String
    }

    /// One case under both packages.
    package struct Entry: Sendable {
        package var caseID: String
        package var path: String
        package var item: String?
        package var district: String?
        package var base: Side
        package var proposed: Side
        package var causes: [Cause]
        package var changed: Bool { base != proposed }
    }

    /// The result of one case file: decided under both, or the diagnostics that stopped it.
    package enum CaseResult: Sendable {
        case decided(Entry)
        case failed([Diagnostic])
    }

    /// Decides every case in `paths`, in parallel, keeping the input order.
    package func run(_ paths: [String]) -> [CaseResult] {
        run(paths.map { CaseSource.file($0) })
    }

    /// Decides every case from `sources` (files and JSON Lines), a chunk at a time on every core,
    /// keeping the input order.
    package func run<S: Sequence>(_ sources: S, chunkSize: Int = 4096) -> [CaseResult] where S.Element == CaseSource {
        var out: [CaseResult] = []
        var iterator = sources.makeIterator()
        while true {
            var chunk: [CaseSource] = []
            while chunk.count < chunkSize, let s = iterator.next() { chunk.append(s) }
            if chunk.isEmpty { return out }
            let work = chunk
            let results = Slots<CaseResult>(count: work.count)
            DispatchQueue.concurrentPerform(iterations: work.count) { i in
                results.set(i, decide(work[i]))
            }
            out += results.values
        }
    }

    package func decide(_ source: CaseSource) -> CaseResult {
        switch source {
        case .file(let path): return decide(path: path)
        case .line(let path, let text, let offset):
            let file = SourceFile(path: path, text: text, lineOffset: offset)
            if let (b, p) = readFast(file, path: path) { return decide(b, p, path: path) }
            var bag = DiagnosticBag()
            guard let root = YAMLReader.read(file, into: &bag), !bag.hasErrors else {
                return .failed(bag.sorted)
            }
            return decide(root: root, path: path)
        case .unreadable(let d): return .failed([d])
        }
    }

    package func decide(path: String) -> CaseResult {
        var bag = DiagnosticBag()
        let (file, parse) = YAMLReader.readText(path: path, into: &bag)
        if parse, let file, let (b, p) = readFast(file, path: path) { return decide(b, p, path: path) }
        let root = parse ? file.flatMap { YAMLReader.read($0, into: &bag) } : nil
        guard let root, !bag.hasErrors else { return .failed(bag.sorted) }
        return decide(root: root, path: path)
    }

    /// The case typed by both packages from one reading of its events (FastCaseReader), or nil
    /// for the tree path, which reports what is wrong.
    private func readFast(_ file: SourceFile, path: String) -> (CaseFile, CaseFile)? {
        guard let log = YAMLEventLog.read(file),
              let b = FastCaseReader.read(log, file: file, path: path, policy: base),
              let p = FastCaseReader.read(log, file: file, path: path, policy: proposed) else { return nil }
        return (b, p)
    }

    package func decide(root: YAMLNode, path: String) -> CaseResult {
        var bag = DiagnosticBag()
        guard let b = CaseReader.read(root, path: path, policy: base, into: &bag),
              let p = CaseReader.read(root, path: path, policy: proposed, into: &bag), !bag.hasErrors
        else { return .failed(bag.sorted) }
        return decide(b, p, path: path)
    }

    /// Both decisions of a case read under each package.
    private func decide(_ b: CaseFile, _ p: CaseFile, path: String) -> CaseResult {
        switch (Interpreter.decide(b, compiled: compiledBase, asOf: asOf),
                Interpreter.decide(p, compiled: compiledProposed, asOf: asOf)) {
        case (.success(let db), .success(let dp)):
            return .decided(Entry(caseID: db.caseID, path: path, item: db.item, district: district(b, base),
                                  base: Side(db), proposed: Side(dp), causes: ImpactDiff.causes(db, dp)))
        case (.failure(let f), _), (_, .failure(let f)):
            return .failed([Diagnostic(id: "eval.failed", f.message, at: b.root.range)])
        }
    }

    /// The rules whose results differ between the two decisions: the cause, not just the effect.
    package static func causes(_ a: Decision, _ b: Decision) -> [Cause] {
        var before: [String: RuleTrace] = [:]
        for r in a.rules { before[r.rule] = r }
        var out: [Cause] = []
        var seen = Set<String>()
        func differs(_ x: RuleTrace?, _ y: RuleTrace?) -> Bool {
            guard let x, let y else { return (x ?? y).map { $0.status == .fired || $0.status == .pending } ?? false }
            return x.status != y.status || x.amount != y.amount || x.missing != y.missing
        }
        for r in b.rules where differs(before[r.rule], r) && seen.insert(r.rule).inserted {
            out.append(Cause(rule: r.rule, clause: r.clauses.first ?? ""))
        }
        let after = Set(b.rules.map(\.rule))
        for r in a.rules where !after.contains(r.rule) && differs(r, nil) && seen.insert(r.rule).inserted {
            out.append(Cause(rule: r.rule, clause: r.clauses.first ?? ""))
        }
        return out
    }

    /// The applicant's district label, for the per-district totals (nil when the schema has none).
    private func district(_ c: CaseFile, _ policy: Policy) -> String? {
        policy.districtLabel(of: c.facts)
    }
}
