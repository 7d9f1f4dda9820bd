import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// A batch decides each case once and searches its remedies from that verdict (with the trace,
/// only for a case refused or incomplete); its line must be the line of the case decided on its
/// own and searched from the start.
@Suite struct BatchRemedyLineTests {
    /// Every case file of the Playground's cases and corpus, YAML and JSON.
    static func playgroundCases() throws -> [String] {
        try [Repo.path("Playground/cases"), Repo.path("Playground/corpus")].flatMap { dir in
            try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
                .sorted().map { "\(dir)/\($0)" }
        }
    }

    @Test(arguments: [false, true]) func batchLineIsTheLineOfTheCaseAlone(traced: Bool) throws {
        let dir = Repo.path("Playground/cases")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted().map { "\(dir)/\($0)" }
        #expect(files.count > 10)
        let loader = CaseLoader(repository: Repo.repository)
        var batch = BatchEvaluator(loader: loader, asOf: nil, tracing: traced)
        batch.remedies = true
        let render: (Decision, Policy) -> [UInt8] = { d, p in JSONDecisionRenderer.bytes(d, policy: p, lang: .zh, trace: traced) }
        var searched = 0
        for path in files {
            guard case .ready(let c, let policy) = loader.load(path: path) else { continue }
            let compiled = loader.repository.compiled(policy)
            let decided = traced ? Interpreter.decide(c, policy: policy, asOf: nil) : Interpreter.decide(c, compiled: compiled, asOf: nil)
            guard case .success(var alone) = decided else { continue }
            alone.remedies = RemedyFinder.search(c, compiled: compiled, asOf: nil)
            if alone.remedies != nil { searched += 1 }
            guard case .decided(_, _, let line) = batch.decide(.file(path), render: render) else {
                Issue.record("\(path): not decided in the batch")
                continue
            }
            #expect(String(decoding: line, as: UTF8.self) == String(decoding: render(alone, policy), as: UTF8.self), "\(path)")
        }
        #expect(searched > 3)
    }

    /// A batch that keeps only the reasons' rules, worded in the language of the line, writes the
    /// line of the case worded whole; and it really leaves the other rules out.
    @Test(arguments: [Lang.zh, .en]) func reasonsWordedAloneGiveTheSameLine(lang: Lang) throws {
        var whole = BatchEvaluator(loader: CaseLoader(repository: Repo.repository), asOf: nil, tracing: false)
        whole.remedies = true
        var lean = whole
        lean.words = .reasons(lang)
        var leftOut = 0
        try Self.sameLines(whole, lean, lang: lang, trace: false) { path, all, d in
            #expect(Set(d.rules.map(\.rule)) == Set(d.reasons.map(\.rule)), "\(path)")
            leftOut += all.rules.count - d.rules.count
            if lang == .zh { #expect(d.rules.allSatisfy { $0.messageEn == nil && $0.fixEn == nil }, "\(path)") }
        }
        #expect(leftOut > 1000)
    }

    /// Every Playground case (cases and corpus) decided by two batches: the two lines must be
    /// the same; `check` is then given the case's path and the two decisions, as rendered.
    static func sameLines(_ first: BatchEvaluator, _ second: BatchEvaluator, lang: Lang, trace: Bool,
                          _ check: (String, Decision, Decision) -> Void) throws {
        let files = try playgroundCases()
        #expect(files.count > 100)
        let render: (Decision, Policy) -> [UInt8] = { d, p in JSONDecisionRenderer.bytes(d, policy: p, lang: lang, trace: trace) }
        for path in files {
            // The batch hands back the line only; the decisions are taken as they are rendered.
            var a: Decision?, b: Decision?
            guard case .decided(_, _, let expected) = first.decide(.file(path), render: { a = $0; return render($0, $1) }),
                  case .decided(_, _, let line) = second.decide(.file(path), render: { b = $0; return render($0, $1) }),
                  let a, let b else { continue }
            #expect(String(decoding: line, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(path)")
            check(path, a, b)
        }
    }

    /// A traced batch that words its rules in Chinese alone writes the Chinese line, trace and
    /// all, of the case worded in both languages; and it really leaves the English out.
    @Test func aChineseTraceWordedInChineseAloneIsTheSameLine() throws {
        var both = BatchEvaluator(loader: CaseLoader(repository: Repo.repository), asOf: nil, tracing: true)
        both.remedies = true
        var chinese = both
        chinese.words = .every(.zh)
        var englishLeftOut = 0
        try Self.sameLines(both, chinese, lang: .zh, trace: true) { path, all, d in
            #expect(d.rules.allSatisfy { $0.messageEn == nil && $0.fixEn == nil } && d.reasons.allSatisfy { $0.messageEn == nil }, "\(path)")
            englishLeftOut += all.rules.filter { $0.messageEn != nil }.count
        }
        #expect(englishLeftOut > 100)
    }

    /// A line words each remedy and dead end once and writes those words under the reasons they
    /// lift and in its remedies: each must be the words made for that reason or remedy alone.
    @Test(arguments: [Lang.zh, .en]) func aLinesFixesAndRemedyWordsAreEachTheirOwn(lang: Lang) throws {
        let files = try Self.playgroundCases()
        let loader = CaseLoader(repository: Repo.repository)
        var batch = BatchEvaluator(loader: loader, asOf: nil, tracing: false)
        batch.remedies = true
        batch.words = .reasons(lang)
        var fixes = 0, manyWords = 0
        for path in files {
            var decided: (Decision, Policy)?
            guard case .decided(_, _, let line) = batch.decide(.file(path), render: {
                decided = ($0, $1)
                return JSONDecisionRenderer.bytes($0, policy: $1, lang: lang, trace: false)
            }), let (d, policy) = decided, let search = d.remedies else { continue }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            for reason in json["reasons"] as? [[String: Any]] ?? [] {
                let rule = try #require(reason["rule"] as? String)
                let expected = RemedyText.fix(rule: rule, d, policy: policy, lang: lang)
                #expect(reason["fix"] as? String == expected, "\(path) \(rule)")
                if expected != nil { fixes += 1 }
            }
            let remedies = json["remedies"] as? [[String: Any]] ?? []
            #expect(remedies.map { $0["message"] as? String } == search.remedies.map { RemedyText.sentence($0, policy: policy, lang: lang) }, "\(path)")
            let tried = (json["no_remedy"] as? [String: Any])?["tried"] as? [[String: Any]] ?? []
            #expect(tried.map { $0["message"] as? String } == search.deadEnds.map { RemedyText.deadEnd($0, policy: policy, lang: lang) }, "\(path)")
            if search.remedies.count + search.deadEnds.count > 1 { manyWords += 1 }
        }
        #expect(fixes > 100)
        #expect(manyWords > 20)
    }
}
