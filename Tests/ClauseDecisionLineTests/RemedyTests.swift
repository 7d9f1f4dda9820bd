import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Remedies are exact: every one offered, written into the case as a case file would state it,
/// read again and decided by the tracing interpreter, is granted with the amount it states.
@Suite struct RemedyTests {
    /// The case text with the remedy's changes written in, as a case file states values.
    static func applied(_ r: Remedy, to root: YAMLNode) throws -> YAMLNode {
        var node = root
        for change in r.changes {
            let json = JSONDecisionRenderer.value(change.value, change.type, policy: Repo.shenyang)
            var text = json
            if json.hasPrefix("\"") { text = try #require(JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String) }
            let style: YAMLNode.ScalarStyle = change.type.unwrapped == .text ? .doubleQuoted : .plain
            node = try CasePatch.set(node, path: change.path, to: .scalar(.init(text: text, style: style, range: root.range)))
        }
        return node
    }

    /// Problems with the remedies of the cases given: a remedy that does not grant its amount
    /// when decided again, a fixed fact changed, a refusal or incomplete case with no words.
    static func problems(_ cases: [(CaseFile, YAMLNode)]) throws -> (problems: [String], remedies: Int, none: Int) {
        var problems: [String] = []
        var offered = 0, none = 0
        for (c, root) in cases {
            guard case .success(let d) = Interpreter.decide(c, policy: Repo.shenyang, tracing: false) else { continue }
            let search = RemedyFinder.search(c, compiled: RemedyCases.compiled, asOf: nil)
            guard d.outcome == .refused || d.outcome == .incomplete else {
                if search != nil { problems.append("\(c.id): remedies searched for a \(d.outcome) case") }
                continue
            }
            guard let search else { problems.append("\(c.id): no search for a \(d.outcome) case"); continue }
            if search.remedies.isEmpty {
                none += 1
                var withWords = d
                withWords.remedies = search
                let lines = RemedyText.lines(withWords, policy: Repo.shenyang, lang: .zh)
                if lines.first != RemedyText.none(withWords, .zh, exhausted: false) { problems.append("\(c.id): no remedy, but the words do not say so: \(lines)") }
            }
            // Each change names its fact's declared type, which words its values.
            for change in search.remedies.flatMap(\.changes) + search.deadEnds.flatMap(\.changes) {
                if let declared = Repo.shenyang.fields(along: change.path).last?.type, declared != change.type {
                    problems.append("\(c.id): \(change.path) is given as \(change.type), declared \(declared)")
                }
            }
            for r in search.remedies {
                offered += 1
                for change in r.changes {
                    let fields = Repo.shenyang.fields(along: change.path)
                    if fields.contains(where: { $0.remedy == .fixed }) { problems.append("\(c.id): changes fixed fact \(change.path)") }
                }
                var bag = DiagnosticBag()
                let node = try applied(r, to: root)
                guard let again = CaseReader.read(node, path: c.path, policy: Repo.shenyang, into: &bag) else {
                    problems.append("\(c.id): remedy \(r.changes.map(\.path)) does not read: \(bag.sorted.map(\.message))")
                    continue
                }
                guard case .success(let d2) = Interpreter.decide(again, policy: Repo.shenyang, tracing: true) else {
                    problems.append("\(c.id): remedy not decided")
                    continue
                }
                if d2.outcome != r.outcome || d2.amount != r.amount {
                    problems.append("\(c.id): remedy \(r.changes.map { "\($0.path)=\($0.value)" }) states \(r.outcome) \(r.amount.plain), decided \(d2.outcome) \(d2.amount.plain)")
                }
            }
        }
        return (problems, offered, none)
    }

    @Test func everyRemedyOverThePlaygroundGrantsItsAmount() throws {
        let (problems, offered, none) = try Self.problems(try RemedyCases.playground())
        #expect(problems.isEmpty, Comment(rawValue: problems.prefix(20).joined(separator: "\n")))
        #expect(offered >= 3)
        #expect(none >= 5)
    }

    @Test func everyRemedyOverTheOracleCorpusGrantsItsAmount() throws {
        let cases = try RemedyCases.oracle()
        #expect(cases.count == 3000)
        let (problems, offered, none) = try Self.problems(cases)
        #expect(problems.isEmpty, Comment(rawValue: "\(problems.count) problems:\n" + problems.prefix(20).joined(separator: "\n")))
        #expect(offered > 100)
        #expect(none > 100)
    }

    static func search(_ file: String) throws -> (CaseFile, RemedySearch) {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/\(file)"), encoding: .utf8)
        let (c, _) = try #require(RemedyCases.read(text, path: file))
        return (c, try #require(RemedyFinder.search(c, compiled: RemedyCases.compiled, asOf: nil)))
    }

    @Test func aLevelTooLowIsLiftedByTheLevelWithTheAmount() throws {
        let (_, s) = try Self.search("transformation-level-too-low.yaml")
        let first = try #require(s.remedies.first)
        #expect(first.changes.map(\.path) == ["project.digital_level"])
        #expect(first.changes[0].value == .int(2))
        #expect(first.amount == Money(fen: 5_500_000))
        #expect(first.lifts == ["transformation.level"])
    }

    /// Applying after the ban ends (2026-04-01) meets 第十六条: the measures end 2025-12-31.
    @Test func theBannedApplicantIsNotToldToApplyAfterTheMeasuresEnd() throws {
        let (c, s) = try Self.search("banned-applicant.yaml")
        #expect(s.remedies.isEmpty)
        #expect(!s.exhausted)
        let end = try #require(s.deadEnds.first { $0.changes.map(\.path) == ["applied_on"] })
        #expect(end.clauses == ["art16"])
        #expect(end.lifts == ["exclusion.blacklisted"])
        var d = try #require(decide(yaml: try String(contentsOfFile: Repo.path("Playground/cases/banned-applicant.yaml"), encoding: .utf8)))
        d.remedies = s
        let fix = try #require(RemedyText.fix(rule: "exclusion.blacklisted", d, policy: Repo.shenyang, lang: .zh))
        #expect(fix.contains("仍将依第十六条不予支持"), "\(fix)")
        #expect(c.id == "SY-2025-T-0008")
    }

    @Test func anIncompleteCaseIsToldWhatToGiveAndWhatFollows() throws {
        let (_, s) = try Self.search("transformation-incomplete.yaml")
        let first = try #require(s.remedies.first)
        #expect(Set(first.changes.map(\.path)) == ["project.accepted_on", "project.digital_level"])
        #expect(first.changes.allSatisfy { $0.was == nil })
        #expect(first.amount == Money(fen: 11_000_000))
    }

    @Test func factsMarkedFixedOrPastAreNotProposed() throws {
        // 2022 pilot, fraud and a little giant with central funds: every way out is a fixed fact.
        for file in ["excluded-2022-pilot.yaml", "fraud-found.yaml", "excluded-little-giant.yaml", "multiple-refusals.yaml"] {
            let (_, s) = try Self.search(file)
            #expect(s.remedies.isEmpty, "\(file): \(s.remedies.map { $0.changes.map(\.path) })")
        }
    }

    @Test func aGrantOrAReviewIsNotSearched() throws {
        for file in ["transformation-granted.yaml", "other-item.yaml"] {
            let text = try String(contentsOfFile: Repo.path("Playground/cases/\(file)"), encoding: .utf8)
            let (c, _) = try #require(RemedyCases.read(text, path: file))
            #expect(RemedyFinder.search(c, compiled: RemedyCases.compiled, asOf: nil) == nil)
        }
    }
}
