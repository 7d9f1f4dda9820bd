import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Property: a decision depends on what a case says, not on how its YAML is written.
/// Every Playground case and a sample of the oracle corpus is rewritten, with a seeded generator,
/// into equivalent texts (`CaseRewriter`: key order, flow or block, quoting, 万元 or 元, JSON or
/// YAML), and each rewrite must load and be decided exactly as the original: the same JSON lines
/// (with the trace) in both languages.
@Suite struct RewriteInvarianceTests {
    static let seed: UInt64 = 20_241_105
    /// One repository for the whole run, so the Shenyang package is loaded once.
    static let repository = Repo.repository

    /// The decision's JSON lines, with its trace, in both languages: what the CLI prints for it.
    static func jsonLines(_ d: Decision, _ policy: Policy) -> String {
        JSONDecisionRenderer.render(d, policy: policy, lang: .zh, trace: true) + "\n"
            + JSONDecisionRenderer.render(d, policy: policy, lang: .en, trace: true)
    }

    /// The case in `text` decided under its policy by the ordinary loader and interpreter.
    static func decide(_ text: String) -> Result<String, String> {
        switch CaseLoader(repository: repository).load(text: text, path: "case.yaml") {
        case .failed(let diagnostics):
            return .failure(DiagnosticRenderer().render(diagnostics))
        case .ready(let c, let policy):
            switch Interpreter.decide(c, policy: policy) {
            case .success(let d): return .success(jsonLines(d, policy))
            case .failure(let f): return .failure("evaluation failed: \(f.message)")
            }
        }
    }

    /// The texts rewritten: every Playground case, and every 40th line of the oracle corpus.
    static func originals() throws -> [(String, String)] {
        var out: [(String, String)] = []
        let dir = Repo.path("Playground/cases")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where f.hasSuffix(".yaml") {
            out.append(("Playground/cases/\(f)", try String(contentsOfFile: "\(dir)/\(f)", encoding: .utf8)))
        }
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        for k in stride(from: 0, to: lines.count, by: 40) { out.append(("cases.jsonl:\(k + 1)", String(lines[k]))) }
        return out
    }

    @Test func decisionsDoNotDependOnHowTheCaseIsWritten() throws {
        var rewriter = CaseRewriter(seed: Self.seed, policy: Repo.shenyang)
        var compared = 0, changed = 0, jsonRewrites = 0
        var failures: [String] = []
        for (name, text) in try Self.originals() {
            guard case .success(let expected) = Self.decide(text) else { continue }
            var bag = DiagnosticBag()
            let root = try #require(YAMLReader.read(SourceFile(path: name, text: text), into: &bag))
            let rewrites = name.hasPrefix("Playground") ? 6 : 2
            for k in 0..<rewrites {
                let rewritten = rewriter.rewrite(root)
                compared += 1
                if rewritten != text { changed += 1 }
                if rewriter.json { jsonRewrites += 1 }
                switch Self.decide(rewritten) {
                case .success(let got) where got == expected:
                    continue
                case .success(let got):
                    failures.append("\(name), rewrite \(k): another decision\n--- rewrite:\n\(rewritten)\n--- expected:\n\(expected.prefix(600))\n--- got:\n\(got.prefix(600))")
                case .failure(let why):
                    failures.append("\(name), rewrite \(k): does not load\n--- rewrite:\n\(rewritten)\n--- \(why)")
                }
            }
        }
        #expect(compared > 250)
        #expect(changed == compared, "every rewrite differs from its original text")
        #expect(jsonRewrites > 30 && jsonRewrites < compared - 100, "JSON and YAML rewrites both")
        #expect(rewriter.amountsRewritten > 200, "amounts are written in other units")
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(compared) rewrites differ (seed \(Self.seed)):\n" + failures.prefix(2).joined(separator: "\n")))
    }

    /// The rewriter's amount forms, each read back as the same amount, 万元 included.
    @Test func amountFormsReadBackExactly() throws {
        var rewriter = CaseRewriter(seed: 7, policy: Repo.shenyang)
        var forms: Set<String> = []
        for fen: Int64 in [0, 1, 10, 100, 30_000_000, 38_000_050, 99_999_999_999, 1_000_000] {
            for _ in 0..<30 {
                let form = rewriter.moneyForm(Money(fen: fen))
                forms.insert(form)
                #expect(try ScalarValue.anyMoney(form).get() == Money(fen: fen), "\(form)")
            }
        }
        #expect(forms.contains("30万元") && forms.contains("300000.00"))
        #expect(forms.contains("0.000001万元") || forms.contains("0.01"))
    }
}
