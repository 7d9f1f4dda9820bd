import ClauseLanguage
import ClauseSyntax
import Dispatch
import Foundation

/// Decides many cases with bounded memory on every core, keeping the output in input order.
///
/// Cases are taken a chunk at a time; each chunk is decided in parallel (one case per task: read,
/// type, decide, render), then its outputs are written in order before the next chunk is read.
public struct BatchEvaluator: Sendable {
    package let loader: CaseLoader
    package var asOf: CivilDate?
    package var tracing: Bool
    package var chunkSize = 1024
    /// Whether refused and incomplete decisions carry their remedies (`RemedyFinder`).
    public var remedies = false
    /// The words written for each decision: a caller that shows only the reasons, or only one
    /// language, asks for those alone (the tracing interpreter words every rule, in the
    /// languages asked for).
    public var words: CompiledPolicy.Words = .all

    public init(loader: CaseLoader, asOf: CivilDate?, tracing: Bool) {
        self.loader = loader
        self.asOf = asOf
        self.tracing = tracing
    }

    /// One case's result: its outcome and amount with its rendered output, or the diagnostics that
    /// stopped it. The decision itself is released where it was made: handed to the thread that
    /// writes the output, its hundreds of small allocations were freed into another thread's heap.
    public enum Item: Sendable {
        case decided(Decision.Outcome, amount: Money, output: [UInt8])
        case failed([Diagnostic])
    }

    /// Counts for the closing summary line.
    package struct Summary: Sendable {
        package var cases = 0
        package var failed = 0
        package var outcomes: [Decision.Outcome: Int] = [:]
        package var granted = Money.zero
    }

    package func run<S: Sequence>(_ sources: S, render: @escaping @Sendable (Decision, Policy) -> [UInt8],
                                  emit: (Item) -> Void) -> Summary where S.Element == CaseSource {
        var summary = Summary()
        var iterator = sources.makeIterator()
        while true {
            var chunk: [CaseSource] = []
            chunk.reserveCapacity(chunkSize)
            while chunk.count < chunkSize, let s = iterator.next() { chunk.append(s) }
            if chunk.isEmpty { break }
            let work = chunk
            let slots = Slots<Item>(count: work.count)
            DispatchQueue.concurrentPerform(iterations: work.count) { i in
                slots.set(i, decide(work[i], render: render))
            }
            for item in slots.values {
                summary.cases += 1
                switch item {
                case .decided(let outcome, let amount, _):
                    summary.outcomes[outcome, default: 0] += 1
                    if outcome == .granted { summary.granted = summary.granted.adding(amount) ?? summary.granted }
                case .failed: summary.failed += 1
                }
                emit(item)
            }
        }
        return summary
    }

    public func decide(_ source: CaseSource, render: (Decision, Policy) -> [UInt8]) -> Item {
        switch loader.loadCompiled(source) {
        case .failed(let ds): return .failed(ds)
        case .ready(let c, let compiled):
            // Decided once by the compiled rules: the remedy search starts from that verdict.
            if !tracing, let v = compiled.verdict(c, asOf: asOf) {
                var d = compiled.decision(v, c, words: words)
                if remedies { d.remedies = RemedyFinder.search(c, compiled: compiled, asOf: asOf, from: v) }
                return .decided(d.outcome, amount: d.amount, output: render(d, compiled.policy))
            }
            let decided = tracing ? Interpreter.decideTraced(c, compiled: compiled, asOf: asOf, english: words.english)
                : Interpreter.decide(c, compiled: compiled, asOf: asOf)
            switch decided {
            case .success(var d):
                // Only a refused or incomplete case has remedies: the search would decide the
                // others again (by the compiled rules) to find that out.
                if remedies, d.outcome == .refused || d.outcome == .incomplete {
                    d.remedies = RemedyFinder.search(c, compiled: compiled, asOf: asOf)
                }
                return .decided(d.outcome, amount: d.amount, output: render(d, compiled.policy))
            case .failure(let f): return .failed([f.diagnostic(at: c.root.range)])
            }
        }
    }
}

/// Results written from many threads, each to its own slot and each slot by one task, so no lock:
/// a lock taken for every case was one more line of memory both cores wrote. The tasks have all
/// ended (`concurrentPerform` returned) before the values are read.
final class Slots<T: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ i: Int, _ value: T) { storage[i] = value }

    var values: [T] { storage.map { $0! } }
}
