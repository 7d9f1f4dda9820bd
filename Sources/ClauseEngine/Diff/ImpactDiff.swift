import ClauseLanguage
import ClauseSyntax
import Dispatch
import Foundation

/// Decides a corpus of cases under a base and a proposed package and reports what changes: which
/// cases, because of which rules, definitions and parameters, and the money, per item and per
/// district.
///
/// A decision has changed when its outcome, amount or set of reason clauses differs (docs/reference/diff.md).
/// Each case file is read once and typed by each package's schema; cases are decided on every core
/// without traces, and results keep the input order.
public struct ImpactDiff: Sendable {
    package let base: Policy
    package let proposed: Policy
    package var asOf: CivilDate?
    /// Both packages compiled once for the whole corpus.
    let compiledBase: CompiledPolicy
    let compiledProposed: CompiledPolicy
    let causes: ChangeCauses
    /// What the fund's record holds for a case under one side's package (its ledger figures, a
    /// registry ban), set into the case before it is decided; nil decides from the case alone.
    /// Read only: a diff records nothing, so both sides see the same record.
    package var record: (base: RecordReader, proposed: RecordReader)?

    /// Sets what the record holds for a case, as typed by one side's package, into it. It runs
    /// on every core at once.
    public typealias RecordReader = @Sendable (CaseFile) throws -> CaseFile

    public init(base: Policy, proposed: Policy, asOf: CivilDate? = nil, record: (base: RecordReader, proposed: RecordReader)? = nil) {
        self.base = base
        self.proposed = proposed
        self.asOf = asOf
        self.record = record
        compiledBase = CompiledPolicy(base)
        compiledProposed = CompiledPolicy(proposed)
        causes = ChangeCauses(base: base, proposed: proposed)
    }

    /// What one case came to under one package.
    package struct Side: Sendable, Equatable {
        package var outcome: Decision.Outcome
        package var amount: Money
        /// Reason clause ids, each once, in decision order.
        package var reasons: [String]

        /// The amount when granted, else nothing.
        package var granted: Money { outcome == .granted ? amount : .zero }

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

    /// The most significant kind of change of a case: its outcome, else its amount, else only
    /// the clauses it cites.
    package enum Change: String, Sendable, CaseIterable {
        case outcome, amount, reasons
    }

    /// What a cause was under one package: a parameter's or definition's value, a definition that
    /// could not be computed for missing facts, or a rule's status and amount.
    package enum Shown: Sendable, Equatable {
        case value(Value, ValueType)
        case missing([String])
        case rule(RuleTrace.Status, Money?)
    }

    /// A rule, definition or parameter whose value differs between the packages for a case, with
    /// its clause and what it was under each (nil: that package has none, or did not evaluate it).
    package struct Cause: Sendable, Equatable {
        package enum Kind: String, Sendable {
            case rule, definition, parameter
        }
        package var kind: Kind
        /// The rule id, definition or parameter name.
        package var name: String
        /// A rule's main clause; for a parameter the clause of the value now in force (an
        /// amendment's notice clause when the amendment set it).
        package var clause: String
        /// Every clause a rule cites.
        package var clauses: [String]
        package var label: String?
        package var base: Shown?
        package var proposed: Shown?

        package init(kind: Kind, name: String, clause: String, clauses: [String], label: String? = nil, base: Shown?, proposed: Shown?) {
            self.kind = kind
            self.name = name
            self.clause = clause
            self.clauses = clauses
            self.label = label
            self.base = base
            self.proposed = proposed
        }
    }

    /// One case under both packages.
    public struct Entry: Sendable {
        package var caseID: String
        package var path: String
        package var item: String?
        package var district: String?
        package var base: Side
        package var proposed: Side
        /// Empty for a case that did not change.
        package var causes: [Cause]
        public var changed: Bool { base != proposed }

        /// nil when nothing changed.
        package var change: Change? {
            if base.outcome != proposed.outcome { return .outcome }
            if base.amount != proposed.amount { return .amount }
            if Set(base.reasons) != Set(proposed.reasons) { return .reasons }
            return nil
        }

        /// The money granted under the proposal less under the base (amounts count only when granted).
        package var delta: Money {
            proposed.granted.change(from: base.granted)
        }
    }

    /// The result of one case file: decided under both, or the diagnostics that stopped it.
    public enum CaseResult: Sendable {
        case decided(Entry)
        case failed([Diagnostic])
    }

    /// Decides every case in `paths`, in parallel, keeping the input order.
    public func run(_ paths: [String]) -> [CaseResult] {
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

    /// Both decisions of a case read under each package. A case that changed is decided again
    /// with traces, for the definitions' values its causes are found by.
    private func decide(_ b: CaseFile, _ p: CaseFile, path: String) -> CaseResult {
        var b = b, p = p
        if let record {
            do {
                b = try record.base(b)
                p = try record.proposed(p)
            } catch {
                return .failed([Diagnostic(id: "diff.record", "the record could not be read: \(error)", at: b.root.range)])
            }
        }
        switch (Interpreter.decide(b, compiled: compiledBase, asOf: asOf),
                Interpreter.decide(p, compiled: compiledProposed, asOf: asOf)) {
        case (.success(let db), .success(let dp)):
            var e = Entry(caseID: db.caseID, path: path, item: db.item, district: district(b, base),
                          base: Side(db), proposed: Side(dp), causes: [])
            if e.changed {
                switch (Interpreter.decide(b, policy: base, asOf: asOf, tracing: true),
                        Interpreter.decide(p, policy: proposed, asOf: asOf, tracing: true)) {
                case (.success(let tb), .success(let tp)): e.causes = causes.causes(tb, tp)
                case (.failure(let f), _), (_, .failure(let f)):
                    return .failed([f.diagnostic(at: b.root.range)])
                }
            }
            return .decided(e)
        case (.failure(let f), _), (_, .failure(let f)):
            return .failed([f.diagnostic(at: b.root.range)])
        }
    }

    /// The applicant's district label, for the per-district totals (nil when the schema has none).
    private func district(_ c: CaseFile, _ policy: Policy) -> String? {
        policy.districtLabel(of: c.facts)
    }
}
