import Benchmark
import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import Foundation

// The benchmarks of Benchmarks/README.md. Names are what run.sh's ratio table matches on: keep them stable.
//
// Per-case benchmarks run 1,000 cases per measured iteration (scalingFactor .kilo), so the figures
// shown per case are not dominated by the harness's own per-iteration cost; corpus benchmarks run a
// whole corpus per iteration and say how many cases in their names.

let benchmarks: @Sendable () -> Void = {
    var metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
    // Hardware counters are often missing in VMs (`perf stat -e instructions true` says "not
    // supported"); run.sh sets this only when they work.
    if ProcessInfo.processInfo.environment["CLAUSE_BENCH_INSTRUCTIONS"] == "1" { metrics.append(.instructions) }
    Benchmark.defaultConfiguration = .init(
        metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 5, maxDuration: .seconds(2), maxIterations: 1_000_000)
    let perCase = Benchmark.Configuration(
        metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 3, scalingFactor: .kilo,
        maxDuration: .seconds(3), maxIterations: 1_000_000)
    let corpus = Benchmark.Configuration(
        metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 2, maxDuration: .seconds(3), maxIterations: 1_000_000)

    // 1. The Shenyang package: every file read, parsed, checked and compiled.
    Benchmark("policy load+check", configuration: corpus) { benchmark in
        let dir = Inputs.shared.policyDir
        benchmark.startMeasurement()
        blackHole(PolicyLoader.load(dir).policy)
    } setup: { _ = Inputs.shared }

    // 2, 3. Case reading: text in memory → libyaml events → the facts schema's slots (the fast
    // reader, as CaseLoader uses it), and the tree path that reports problems (the slow path).
    Benchmark("case read YAML", configuration: perCase) { benchmark in
        let i = Inputs.shared
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Inputs.readFast(i.yamlText, path: i.yamlPath, policy: i.policy)) }
    } setup: { _ = Inputs.shared }

    Benchmark("case read JSON", configuration: perCase) { benchmark in
        let i = Inputs.shared
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Inputs.readFast(i.jsonLine, path: "cases.jsonl", policy: i.policy)) }
    } setup: { _ = Inputs.shared }

    Benchmark("case read YAML (tree)", configuration: perCase) { benchmark in
        let i = Inputs.shared
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Inputs.read(i.yamlText, path: i.yamlPath, policy: i.policy)) }
    } setup: { _ = Inputs.shared }

    // Where case reading goes: the tree alone (libyaml events → YAMLNode), without typing.
    Benchmark("YAML tree YAML", configuration: perCase) { benchmark in
        let i = Inputs.shared
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var bag = DiagnosticBag()
            blackHole(YAMLReader.read(SourceFile(path: i.yamlPath, text: i.yamlText), into: &bag))
        }
    } setup: { _ = Inputs.shared }

    // 4. Evaluation of a case already read: the compiled policy (what batch decisions without a
    // trace use), the tree-walking interpreter it replaced there, and the interpreter with a trace.
    let compiled = CompiledBox()
    Benchmark("evaluate read case", configuration: perCase) { benchmark in
        let c = Inputs.shared.yamlCase, code = compiled.value
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Interpreter.decide(c, compiled: code, asOf: nil)) }
    } setup: { _ = compiled.value }

    // What the native baseline computes (outcome, amount, each rule's finding), without the words.
    Benchmark("evaluate read case (verdict)", configuration: perCase) { benchmark in
        let c = Inputs.shared.yamlCase, code = compiled.value
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(code.verdict(c, asOf: nil)) }
    } setup: { _ = compiled.value }

    Benchmark("evaluate read case (tree-walker)", configuration: perCase) { benchmark in
        let i = Inputs.shared
        let c = i.yamlCase, p = i.policy
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Interpreter.decide(c, policy: p, asOf: nil, tracing: false)) }
    } setup: { _ = Inputs.shared }

    Benchmark("evaluate with trace", configuration: perCase) { benchmark in
        let i = Inputs.shared
        let c = i.yamlCase, p = i.policy
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Interpreter.decide(c, policy: p, asOf: nil, tracing: true)) }
    } setup: { _ = Inputs.shared }

    // 5. The whole per-case pipeline of `clause evaluate` (BatchEvaluator.decide: read, find the
    // policy, type, decide, render the JSON line), from text in memory and from the file on disk:
    // the decision line as `--no-trace` writes it, and with the whole trace (the default).
    for traced in [false, true] {
        let evaluator = BatchEvaluatorBox(tracing: traced)
        let suffix = traced ? " (traced)" : ""
        Benchmark("pipeline YAML→JSON" + suffix, configuration: perCase) { benchmark in
            let i = Inputs.shared, e = evaluator.value
            let source = CaseSource.line(path: i.yamlPath, text: i.yamlText, lineOffset: 0)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(e.decide(source, render: evaluator.render)) }
        } setup: { _ = evaluator.value }

        Benchmark("pipeline YAML file→JSON" + suffix, configuration: perCase) { benchmark in
            let i = Inputs.shared, e = evaluator.value
            let source = CaseSource.file(i.yamlPath)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(e.decide(source, render: evaluator.render)) }
        } setup: { _ = evaluator.value }

        Benchmark("pipeline JSON→JSON" + suffix, configuration: perCase) { benchmark in
            let i = Inputs.shared, e = evaluator.value
            let source = CaseSource.line(path: "cases.jsonl", text: i.jsonLine, lineOffset: 0)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(e.decide(source, render: evaluator.render)) }
        } setup: { _ = evaluator.value }

        // Where the pipeline goes: rendering one decision as its JSON line.
        Benchmark("render JSON line" + suffix, configuration: perCase) { benchmark in
            let i = Inputs.shared
            guard case .success(let d) = Interpreter.decide(i.yamlCase, policy: i.policy, asOf: nil, tracing: traced) else { fatalError("no decision") }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(evaluator.render(d, i.policy)) }
        } setup: { _ = Inputs.shared }
    }

    // 6. `clause diff` over 1,000 case files (the oracle corpus's first 1,000 lines), base vs the
    // proposal, composed as Sources/ClauseCLI/Diff.swift does; ImpactDiff.run uses every core.
    let diff = DiffBox()
    Benchmark("diff (1000 cases)", configuration: corpus) { benchmark in
        let (d, paths) = diff.value
        benchmark.startMeasurement()
        blackHole(d.run(paths))
    } setup: { _ = diff.value }

    // Corpus evaluation: every transformation case of the oracle corpus, compiled vs native (the
    // compiled policy hands cases with a pending rule to the interpreter, as in production).
    let transformation = CorpusBox()
    Benchmark("evaluate corpus (transformation cases)", configuration: corpus) { benchmark in
        let cases = transformation.value.cases, code = compiled.value
        benchmark.startMeasurement()
        for c in cases { blackHole(Interpreter.decide(c, compiled: code, asOf: nil)) }
    } setup: { _ = transformation.value; _ = compiled.value }

    Benchmark("evaluate corpus (transformation cases, tree-walker)", configuration: corpus) { benchmark in
        let cases = transformation.value.cases, p = Inputs.shared.policy
        benchmark.startMeasurement()
        for c in cases { blackHole(Interpreter.decide(c, policy: p, asOf: nil, tracing: false)) }
    } setup: { _ = transformation.value }

    // 7a. Baseline: the transformation rule hand-written in Swift, Int64 fen.
    Benchmark("native evaluate", configuration: perCase) { benchmark in
        let n = Inputs.shared.yamlNative
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(NativeShenyang.decide(n)) }
    } setup: { _ = Inputs.shared }

    Benchmark("native corpus (transformation cases)", configuration: corpus) { benchmark in
        let natives = transformation.value.natives
        benchmark.startMeasurement()
        for n in natives { blackHole(NativeShenyang.decide(n)) }
    } setup: { _ = transformation.value }

    // 7b. Baseline: libyaml's event loop over the same texts.
    Benchmark("libyaml loop YAML", configuration: perCase) { benchmark in
        let bytes = Inputs.shared.yamlBytes
        benchmark.startMeasurement()
        bytes.withUnsafeBufferPointer { b in
            for _ in benchmark.scaledIterations { blackHole(LibyamlLoop.run(b)) }
        }
    } setup: { _ = Inputs.shared }

    Benchmark("libyaml loop YAML file", configuration: perCase) { benchmark in
        let path = Inputs.shared.yamlPath
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(LibyamlLoop.run(path: path)) }
    } setup: { _ = Inputs.shared }

    Benchmark("libyaml loop JSON", configuration: perCase) { benchmark in
        let bytes = Inputs.shared.jsonBytes
        benchmark.startMeasurement()
        bytes.withUnsafeBufferPointer { b in
            for _ in benchmark.scaledIterations { blackHole(LibyamlLoop.run(b)) }
        }
    } setup: { _ = Inputs.shared }
}

/// Lazily built shared state for the benchmarks that need more than `Inputs`.
final class BatchEvaluatorBox: Sendable {
    let tracing: Bool
    init(tracing: Bool) { self.tracing = tracing }
    var value: BatchEvaluator {
        tracing ? Self.traced : Self.bare
    }
    private static let traced = make(tracing: true)
    private static let bare = make(tracing: false)
    private static func make(tracing: Bool) -> BatchEvaluator {
        let i = Inputs.shared
        return BatchEvaluator(loader: CaseLoader(repository: PolicyRepository(explicit: i.policyDir)), asOf: nil, tracing: tracing)
    }
    /// The line as `clause evaluate --format json` writes it: bytes, newline included.
    var render: @Sendable (Decision, Policy) -> [UInt8] {
        let trace = tracing
        return { d, p in JSONDecisionRenderer.bytes(d, policy: p, lang: .zh, trace: trace) + [UInt8(ascii: "\n")] }
    }
}

/// The Shenyang package compiled once, as the batch path's repository compiles it.
final class CompiledBox: Sendable {
    var value: CompiledPolicy { Self.shared }
    private static let shared = CompiledPolicy(Inputs.shared.policy)
}

final class CorpusBox: Sendable {
    var value: TransformationCorpus { Self.shared }
    private static let shared = TransformationCorpus.load(Inputs.shared)
}

final class DiffBox: Sendable {
    var value: (ImpactDiff, [String]) { Self.shared }
    private static let shared: (ImpactDiff, [String]) = {
        let i = Inputs.shared
        let base = PolicyRepository(explicit: i.policyDir).load(i.policyDir)
        let proposedRepository = PolicyRepository(explicit: i.proposalDir)
        if let id = PolicyLoader.header(i.policyDir)?.id { proposedRepository.baseOverrides[id] = i.policyDir }
        let proposed = proposedRepository.load(i.proposalDir)
        guard let b = base.policy, let p = proposed.policy else { fatalError("diff packages do not load") }
        let dir = NSTemporaryDirectory() + "clause-bench-diff"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        for (k, line) in i.corpusLines.prefix(1000).enumerated() {
            let path = dir + "/" + String(format: "%04d.json", k)
            guard FileManager.default.createFile(atPath: path, contents: Data(line.utf8)) else { fatalError("cannot write \(path)") }
            paths.append(path)
        }
        let d = ImpactDiff(base: b, proposed: p)
        let results = d.run(paths)
        var changed = 0, failed = 0
        for r in results {
            switch r {
            case .decided(let e): if e.changed { changed += 1 }
            case .failed: failed += 1
            }
        }
        TransformationCorpus.report("diff: \(paths.count) cases, \(changed) changed, \(failed) failed (files in \(dir))")
        return (d, paths)
    }()
}
