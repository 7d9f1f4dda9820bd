import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The Shenyang package's decisions on the Playground cases and on semantic edge cases.
@Suite struct DecisionTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var outcome: Decision.Outcome
        var amount: String
        var reasons: Set<String>
        var testDescription: String { file }
    }

    static let playground: [Expected] = [
        .init(file: "transformation-granted", outcome: .granted, amount: "190000.00", reasons: ["art4.1"]),
        .init(file: "transformation-capped", outcome: .granted, amount: "500000.00", reasons: ["art4.1"]),
        .init(file: "transformation-previously-granted", outcome: .granted, amount: "150000.00", reasons: ["art4.1"]),
        .init(file: "transformation-incomplete", outcome: .incomplete, amount: "0.00", reasons: ["art4.1"]),
        .init(file: "transformation-level-too-low", outcome: .refused, amount: "0.00", reasons: ["art4.1"]),
        .init(file: "excluded-little-giant", outcome: .refused, amount: "0.00", reasons: ["art6.1"]),
        .init(file: "excluded-2022-pilot", outcome: .refused, amount: "0.00", reasons: ["art6.2"]),
        .init(file: "banned-applicant", outcome: .refused, amount: "0.00", reasons: ["art6.3", "art13"]),
        .init(file: "fraud-found", outcome: .refused, amount: "0.00", reasons: ["art13"]),
        .init(file: "unapproved-change", outcome: .refused, amount: "0.00", reasons: ["art9", "art9.1"]),
        .init(file: "after-validity", outcome: .refused, amount: "0.00", reasons: ["art16"]),
        .init(file: "multiple-refusals", outcome: .refused, amount: "0.00", reasons: ["art16", "art6.1", "art6.2"]),
        .init(file: "chain-case-award", outcome: .granted, amount: "500000.00", reasons: ["art4.2"]),
        .init(file: "product-award-already-awarded", outcome: .refused, amount: "0.00", reasons: ["art4.2"]),
        .init(file: "public-platform", outcome: .granted, amount: "4800000.00", reasons: ["art4.3"]),
        .init(file: "sector-platform", outcome: .granted, amount: "1500000.00", reasons: ["art4.3"]),
        .init(file: "diagnosis", outcome: .granted, amount: "7000.00", reasons: ["art4.4"]),
        .init(file: "acceptance-monitoring", outcome: .granted, amount: "10000.00", reasons: ["art4.5"]),
        .init(file: "activities", outcome: .granted, amount: "2500000.00", reasons: ["art4.6"]),
        .init(file: "other-item", outcome: .review, amount: "0.00", reasons: ["art4.7"]),
    ]

    @Test(arguments: playground)
    func playgroundCase(_ e: Expected) throws {
        let loader = CaseLoader(repository: Repo.repository)
        guard case .ready(let c, let p) = loader.load(path: Repo.path("Playground/cases/\(e.file).yaml")) else {
            Issue.record("\(e.file) does not load")
            return
        }
        let d = try Interpreter.decide(c, policy: p).get()
        #expect(d.outcome == e.outcome)
        #expect(d.amount.plain == e.amount)
        #expect(Set(d.reasons.map(\.clause)) == e.reasons)
    }

    @Test func fraudClawsBackAndBansThroughThreeYearsLessADay() throws {
        let loader = CaseLoader(repository: Repo.repository)
        guard case .ready(let c, let p) = loader.load(path: Repo.path("Playground/cases/fraud-found.yaml")) else {
            Issue.record("fraud case does not load")
            return
        }
        let d = try Interpreter.decide(c, policy: p).get()
        #expect(d.consequences.clawback.plain == "120000.00")
        #expect(d.consequences.blacklistedUntil?.iso == "2027-09-01")
    }

    @Test func incompleteListsEveryMissingFactWithItsLabel() throws {
        let loader = CaseLoader(repository: Repo.repository)
        guard case .ready(let c, let p) = loader.load(path: Repo.path("Playground/cases/transformation-incomplete.yaml")) else {
            Issue.record("incomplete case does not load")
            return
        }
        let d = try Interpreter.decide(c, policy: p).get()
        #expect(d.missing.map(\.fact) == ["project.accepted_on", "project.digital_level"])
        #expect(d.missing.first?.label == "改造项目 · 第三方测评验收日期")
    }

    /// Nothing to pay is a refusal even while acceptance and the level are unknown: no missing
    /// fact could change it (docs/reference/readings.md).
    @Test func nothingToPayRefusesDespiteMissingFacts() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-incomplete.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "previously_granted: 0", with: "previously_granted: 500000")
        let d = try #require(decide(yaml: yaml))
        #expect(d.outcome == .refused)
        #expect(d.reasons.map(\.clause) == ["art4.1"])
        #expect(d.missing.isEmpty)
    }

    @Test func asOfOverridesTheApplicationDate() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let d = try #require(decide(yaml: yaml, asOf: CivilDate(iso: "2026-03-01")))
        #expect(d.asOf.iso == "2026-03-01")
        #expect(d.outcome == .granted, "art16 reads applied_on, not the evaluation date")
    }

    @Test func sameCaseGivesTheSameDecisionTwice() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/multiple-refusals.yaml"), encoding: .utf8)
        let a = try #require(decide(yaml: yaml)), b = try #require(decide(yaml: yaml))
        #expect(a.reasons == b.reasons)
        #expect(a.rules.map(\.status) == b.rules.map(\.status))
    }

    @Test func excludedExpensesAreTracedWithTheirFilter() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let d = try #require(decide(yaml: yaml))
        let eligible = try #require(d.definitions.first { $0.name == "eligible_spending" })
        let aggregate = try #require(eligible.node.elements ?? eligible.node.children.first { $0.elements != nil }?.elements)
        #expect(aggregate.map(\.included) == [true, true, true, false, false])
        #expect(eligible.node.value == .money(Money(fen: 38_000_000)))
    }
}

/// The independent reading of the measures (Tests/oracle/oracle.py) on 3,000 generated cases.
@Suite struct OracleTests {
    @Test func everyGeneratedCaseAgreesWithTheOracle() throws {
        let dir = Repo.path("Tests/Fixtures/oracle")
        let cases = try String(contentsOfFile: "\(dir)/cases.jsonl", encoding: .utf8).split(separator: "\n")
        let expected = try String(contentsOfFile: "\(dir)/expected.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(cases.count == expected.count)
        #expect(cases.count >= 1000)
        var disagreements: [String] = []
        for (line, (caseLine, expectedLine)) in zip(cases, expected).enumerated() {
            var bag = DiagnosticBag()
            let file = SourceFile(path: "cases.jsonl:\(line + 1)", text: String(caseLine))
            guard let root = YAMLReader.read(file, into: &bag),
                  let c = CaseReader.read(root, path: file.path, policy: Repo.shenyang, into: &bag),
                  case .success(let d) = Interpreter.decide(c, policy: Repo.shenyang, tracing: false) else {
                disagreements.append("line \(line + 1): not decided: \(DiagnosticRenderer().render(bag.sorted))")
                continue
            }
            let e = try #require(JSONSerialization.jsonObject(with: Data(expectedLine.utf8)) as? [String: Any])
            var problems: [String] = []
            if d.outcome.rawValue != e["outcome"] as? String { problems.append("outcome \(d.outcome.rawValue) vs \(e["outcome"]!)") }
            if d.amount.plain != e["amount"] as? String { problems.append("amount \(d.amount.plain) vs \(e["amount"]!)") }
            if Set(d.reasons.map(\.clause)) != Set(e["reasons"] as? [String] ?? []) {
                problems.append("reasons \(Set(d.reasons.map(\.clause)).sorted()) vs \(e["reasons"]!)")
            }
            if d.consequences.clawback.plain != e["clawback"] as? String { problems.append("clawback \(d.consequences.clawback.plain) vs \(e["clawback"]!)") }
            if d.consequences.blacklistedUntil?.iso != e["blacklisted_until"] as? String {
                problems.append("ban \(d.consequences.blacklistedUntil?.iso ?? "null") vs \(e["blacklisted_until"]!)")
            }
            if d.outcome == .incomplete, d.missing.map(\.fact) != (e["missing"] as? [String] ?? []) {
                problems.append("missing \(d.missing.map(\.fact)) vs \(e["missing"]!)")
            }
            if !problems.isEmpty { disagreements.append("\(c.id): " + problems.joined(separator: "; ")) }
        }
        let report = "\(disagreements.count) disagree:\n" + disagreements.prefix(20).joined(separator: "\n")
        #expect(disagreements.isEmpty, Comment(rawValue: report))
    }
}
