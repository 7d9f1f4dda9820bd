import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The compiled fast path (`CompiledPolicy`) against the tracing interpreter: the same decision,
/// field for field, on every case we have, under the base package and under the worked proposal.
@Suite struct CompiledPolicyTests {
    /// Case files and JSON Lines we keep, read by the ordinary loader.
    static func corpus() throws -> [(String, String)] {
        var texts: [(String, String)] = []
        let fm = FileManager.default
        for dir in ["Playground/cases", "Playground/corpus"] {
            for f in try fm.contentsOfDirectory(atPath: Repo.path(dir)).sorted() where f.hasSuffix(".yaml") || f.hasSuffix(".json") {
                texts.append(("\(dir)/\(f)", try String(contentsOfFile: Repo.path("\(dir)/\(f)"), encoding: .utf8)))
            }
        }
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8).split(separator: "\n")
        for (k, line) in lines.enumerated() { texts.append(("cases.jsonl:\(k + 1)", String(line))) }
        return texts
    }

    struct Tally {
        var compared = 0, fast = 0, incomplete = 0
        var differences: [String] = []

        mutating func compare(_ c: CaseFile, _ compiled: CompiledPolicy, asOf: CivilDate?, _ name: String) {
            let slow = Interpreter.decide(c, policy: compiled.policy, asOf: asOf, tracing: false)
            let quick = compiled.decide(c, asOf: asOf)
            compared += 1
            guard let quick else { return }
            fast += 1
            if quick.outcome == .incomplete { incomplete += 1 }
            guard case .success(let d) = slow else {
                differences.append("\(name): the compiled path decided, the interpreter failed")
                return
            }
            let a = DecisionFingerprint.text(d, compiled.policy), b = DecisionFingerprint.text(quick, compiled.policy)
            if a != b { differences.append("\(name):\n  interpreter: \(a.prefix(400))\n  compiled:    \(b.prefix(400))") }
        }
    }

    @Test(arguments: ["Policies/shenyang-sme-dx-fund", "Playground/proposals/shenyang-2025-core-sectors"])
    func compiledDecisionsEqualTheInterpreters(_ package: String) throws {
        let repository = PolicyRepository(explicit: Repo.path(package), environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
        let policy = try #require(repository.load(Repo.path(package)).policy)
        let compiled = repository.compiled(policy)
        let loader = CaseLoader(repository: repository)
        var tally = Tally()
        for (name, text) in try Self.corpus() {
            guard case .ready(let c, _) = loader.load(text: text, path: name) else { continue }
            tally.compare(c, compiled, asOf: nil, name)
            // The same case a year on, where amendments and 第十六条 change what applies.
            tally.compare(c, compiled, asOf: CivilDate(iso: "2026-03-01"), name + " as of 2026-03-01")
        }
        // Every scenario of every suite, with its own as_of.
        for dir in ["Policies/shenyang-sme-dx-fund/tests", "Playground/proposals/shenyang-2025-core-sectors/tests"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: Repo.path(dir)).sorted() {
                var bag = DiagnosticBag()
                for s in ScenarioReader.read(path: Repo.path("\(dir)/\(f)"), into: &bag) {
                    guard case .ready(let c, _) = loader.load(root: s.caseNode, path: s.casePath) else { continue }
                    tally.compare(c, compiled, asOf: s.asOf, s.name)
                }
            }
        }
        #expect(tally.compared > 7_000)
        // Only a failure (an amount that overflows) sends a case to the interpreter.
        #expect(tally.fast * 1000 > tally.compared * 999, "only \(tally.fast) of \(tally.compared) took the compiled path")
        #expect(tally.incomplete > 300, "the corpus must hold incomplete cases for the compiled path to name their missing facts")
        #expect(tally.differences.isEmpty, Comment(rawValue: "\(tally.differences.count) differ:\n" + tally.differences.prefix(2).joined(separator: "\n")))
    }

    /// A case text read under the Shenyang package, with the package compiled.
    static func load(_ text: String, path: String) throws -> (CaseFile, CompiledPolicy) {
        let repository = Repo.repository
        guard case .ready(let c, let policy) = CaseLoader(repository: repository).load(text: text, path: path) else {
            throw CaseDoesNotLoad(path: path)
        }
        return (c, repository.compiled(policy))
    }

    struct CaseDoesNotLoad: Error { var path: String }

    /// A case with a pending rule: the compiled path names what is missing, as the interpreter does.
    @Test func pendingRulesNameTheirMissingFacts() throws {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/transformation-incomplete.yaml"), encoding: .utf8)
        let (c, compiled) = try Self.load(text, path: "incomplete.yaml")
        let d = try #require(compiled.decide(c, asOf: nil))
        #expect(d.outcome == .incomplete)
        #expect(!d.missing.isEmpty)
        #expect(d.reasons.allSatisfy { $0.effect == .needs && $0.message.hasPrefix("缺少") })
    }

    /// An expense without its payment date: the missing fact is named with its element, and the
    /// compiled decision equals the interpreter's, message and all.
    @Test func missingFieldsOfListElementsAreNamedByElement() throws {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("paid_on: 2024-05-20") }.joined(separator: "\n")
        let (c, compiled) = try Self.load(text, path: "no-date.yaml")
        let policy = compiled.policy
        let quick = try #require(compiled.decide(c, asOf: nil))
        let slow = try Interpreter.decide(c, policy: policy, asOf: nil, tracing: false).get()
        #expect(quick.outcome == .incomplete)
        #expect(quick.missing.map(\.fact) == ["project.expenses[1].paid_on"])
        #expect(DecisionFingerprint.text(quick, policy) == DecisionFingerprint.text(slow, policy))
    }

    /// Parameters with dated values: the compiled policy picks the value in force on the date.
    @Test func datedParameterValuesFollowTheEvaluationDate() throws {
        let dir = Repo.path("Playground/proposals/shenyang-2025-core-sectors")
        let repository = PolicyRepository(explicit: dir, environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
        let policy = try #require(repository.load(dir).policy)
        let compiled = repository.compiled(policy)
        for p in policy.parameters where p.values.count > 1 {
            for v in p.values {
                guard let from = v.from else { continue }
                let i = policy.parameters.firstIndex { $0.name == p.name }!
                #expect(compiled.parameters(on: from)[i] == p.value(on: from).value)
                if let before = from.adding(CalendarDuration(days: 1), sign: -1) {
                    #expect(compiled.parameters(on: before)[i] == p.value(on: before).value)
                }
            }
        }
    }

    /// Tables, money ÷ percent and span keys: the Zhongshan package's example cases, scenarios and a
    /// sweep over every level, rate and remaining room, decided alike by both interpreters.
    @Test func tablesAndTaxExclusiveAmountsDecideAlike() throws {
        let policy = TablePackages.zhongshan
        var compared = 0
        for level in 1...4 {
            for spending in ["0.00", "1.13", "999999.99", "1130000.00", "2034000.00", "2825000.00", "4520000.00"] {
                for previously in ["0", "250000.00", "700000.00"] {
                    for vat in ["0%", "6%", "13%"] {
                        _ = try TablePackages.decide(TablePackages.zhongshanCase(level: level, spending: spending, previously: previously, vat: vat), policy)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 252)
        let repository = PolicyRepository(explicit: TablePackages.zhongshanDirectory, environment: [:])
        let loader = CaseLoader(repository: repository)
        let compiled = repository.compiled(try #require(repository.load(TablePackages.zhongshanDirectory).policy))
        var scenarios = 0
        for f in ["tiers.yaml", "basis.yaml"] {
            var bag = DiagnosticBag()
            for s in ScenarioReader.read(path: "\(TablePackages.zhongshanDirectory)/tests/\(f)", into: &bag) {
                guard case .ready(let c, _) = loader.load(root: s.caseNode, path: s.casePath) else { continue }
                let slow = try Interpreter.decide(c, policy: compiled.policy, asOf: s.asOf, tracing: false).get()
                let quick = try #require(compiled.decide(c, asOf: s.asOf))
                #expect(DecisionFingerprint.text(quick, compiled.policy) == DecisionFingerprint.text(slow, compiled.policy), "\(s.name)")
                scenarios += 1
            }
        }
        #expect(scenarios == 17)
        for f in try FileManager.default.contentsOfDirectory(atPath: Repo.path("Playground/cities/zhongshan-cases")).sorted() {
            let text = try String(contentsOfFile: Repo.path("Playground/cities/zhongshan-cases/\(f)"), encoding: .utf8)
            guard case .ready(let c, _) = loader.load(text: text, path: f) else {
                Issue.record("\(f) does not load")
                continue
            }
            for asOf in [nil, CivilDate(iso: "2027-03-01")] {
                let slow = try Interpreter.decide(c, policy: compiled.policy, asOf: asOf, tracing: false).get()
                let quick = try #require(compiled.decide(c, asOf: asOf))
                #expect(DecisionFingerprint.text(quick, compiled.policy) == DecisionFingerprint.text(slow, compiled.policy), "\(f)")
            }
        }
    }
}
