@testable import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The remedy search skips a refusing rule that reads only fixed facts the case gives; skipping
/// must never lose a candidate the full walk would have proposed.
@Suite struct RemedyReadsTests {
    static let reads = RemedyReads(Repo.shenyang)

    /// A fixed field a list element leaves out may still be supplied (a 补正 asks for it); one the
    /// element gives is never proposed. The walk asks the element in hand before making an address.
    @Test func aFixedFieldAnElementLeavesOutIsProposed() throws {
        let policy = Repo.shenyang
        let granted = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        for (changes, kindProposed) in [("    - approved: false\n", true), ("    - kind: subject\n      approved: false\n", false)] {
            let yaml = granted.replacingOccurrences(of: "  digital_level: 2\n", with: "  digital_level: 2\n  changes:\n" + changes)
            var bag = DiagnosticBag()
            let file = SourceFile(path: "case.yaml", text: yaml)
            let root = try #require(YAMLReader.read(file, into: &bag))
            let c = try #require(CaseReader.read(root, path: "case.yaml", policy: policy, into: &bag))
            var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: CivilDate(iso: "2024-11-05")!, sites: Self.reads.sites)
            for k in policy.rules.indices { candidates.collect(k) }
            let named = Set(candidates.found.map { $0.address.name(in: policy) })
            #expect(named.contains("project.changes[0].kind") == kindProposed, "\(named.sorted())")
            #expect(named.contains("project.changes[0].approved"), "\(named.sorted())")
        }
    }

    /// A small package of money facts, each rule refusing on a comparison; `spent`, `quote` and
    /// `paid` are fixed (no remedy changes them once given).
    static func walkerPackage() throws -> Policy {
        let r = try loadOneFilePackage("""
        policy: walker
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        facts:
          case: { type: text, label: 编号, required: true, remedy: fixed }
          applied_on: { type: date, label: 日期, required: true, remedy: fixed }
          spent: { type: money, label: 支出, required: true, remedy: fixed }
          quote: { type: money, label: 报价, remedy: fixed }
          paid: { type: money, label: 已付, remedy: fixed }
          asked: { type: money, label: 申请额, required: true }
        definitions:
          limit: { label: 上限, clause: art1, expr: spent }
        rules:
          - { id: within, clause: art1, refuse_when: asked > limit, say: 申请额超过支出 }
          - { id: quoted, clause: art1, let: { top: quote }, refuse_when: asked > top, say: 申请额超过报价 }
          - { id: enough, clause: art1, refuse_when: paid < 100元, say: 已付不足 }
        """, named: "walker")
        return try #require(r.policy, "\(r.diagnostics.map(\.message))")
    }

    /// The facts of a walker case dated 2024-05-01 (`walkerPackage()`), from its money fields.
    static func walkerFacts(_ policy: Policy, _ fields: String) throws -> [Value?] {
        var bag = DiagnosticBag()
        let yaml = "case: W-1\napplied_on: 2024-05-01\n" + fields
        let root = try #require(YAMLReader.read(SourceFile(path: "case.yaml", text: yaml), into: &bag))
        return try #require(CaseReader.read(root, path: "case.yaml", policy: policy, into: &bag), "\(bag.sorted.map(\.message))").facts
    }

    /// What walking rule `rule` of a walker case (`walkerFacts`) proposes for the fact named `fact`.
    static func walkerProposals(_ fields: String, rule: Int, fact: String) throws -> [Value] {
        let policy = try walkerPackage()
        let asOf = try #require(CivilDate(iso: "2024-05-01"))
        var candidates = RemedyCandidates(policy: policy, facts: try walkerFacts(policy, fields), asOf: asOf, sites: RemedyReads(policy).sites)
        candidates.collect(rule)
        return candidates.found.filter { $0.address.name(in: policy) == fact }.map(\.value)
    }

    /// A `let` the case leaves unknown proposes nothing for what it is compared with: its slot is
    /// bound to no value (the walk once read the unbound slot out of range and stopped the run).
    @Test func anUnknownLetProposesNothing() throws {
        for (fields, quoted) in [("spent: 300元\nasked: 500元\n", false), ("spent: 300元\nquote: 150元\nasked: 500元\n", true)] {
            let asked = try Self.walkerProposals(fields, rule: 1, fact: "asked")
            #expect(asked.contains(.money(Money(fen: 15_000))) == quoted, "\(fields): \(asked)")
        }
    }

    /// The search begins one walker again for each node: what it proposes then is what a fresh
    /// walker over that node's facts proposes, in the same order, whatever the last node left in
    /// it (candidates, definitions worked out, the element an aggregation was at).
    @Test func aWalkerBegunAgainProposesAsAFreshOne() throws {
        let policy = Repo.shenyang
        let cases = try RemedyCases.playground() + RemedyCases.oracle()
        var walker: RemedyCandidates?
        var compared = 0
        for (c, _) in cases {
            guard case .date(let asOf)? = policy.caseSchema.index["applied_on"].flatMap({ c.facts[$0] }) else { continue }
            var fresh = RemedyCandidates(policy: policy, facts: c.facts, asOf: asOf, sites: Self.reads.sites)
            for k in policy.rules.indices { fresh.collect(k) }
            guard var reused = walker, reused.asOf == asOf else {
                walker = fresh
                continue
            }
            reused.restart(over: c.facts)
            for k in policy.rules.indices { reused.collect(k) }
            let same = reused.found == fresh.found
            #expect(same, "\(c.id): \(reused.found.count) proposed, a fresh walk \(fresh.found.count)")
            #expect(reused.truncated == fresh.truncated, "\(c.id)")
            compared += 1
            walker = reused
        }
        #expect(compared > 20)
    }

    /// A definition worked out over the last node's facts is not the next node's, nor a `let` the
    /// last node bound: the other side of `asked > limit` is proposed from the facts the walker
    /// was begun again over, and a `let` those facts leave unknown proposes nothing.
    @Test func aWalkerBegunAgainRereadsDefinitionsAndUnknownLets() throws {
        let policy = try Self.walkerPackage()
        let asOf = try #require(CivilDate(iso: "2024-05-01"))
        let sites = RemedyReads(policy).sites
        var walker = RemedyCandidates(policy: policy, facts: try Self.walkerFacts(policy, "spent: 100元\nquote: 150元\nasked: 200元\n"),
                                      asOf: asOf, sites: sites)
        walker.collect(0)
        walker.collect(1)
        let second = try Self.walkerFacts(policy, "spent: 300元\nasked: 500元\n")
        walker.restart(over: second)
        walker.collect(0)
        walker.collect(1)
        var fresh = RemedyCandidates(policy: policy, facts: second, asOf: asOf, sites: sites)
        fresh.collect(0)
        fresh.collect(1)
        #expect(walker.found.map(\.value) == fresh.found.map(\.value))
        #expect(fresh.found.map(\.value).contains(.money(Money(fen: 30_000))))
        #expect(!fresh.found.map(\.value).contains(.money(Money(fen: 15_000))))
    }

    /// A fixed fact the case leaves out may still be supplied: a comparison proposes the values
    /// around its threshold for it. One the case gives is never proposed, however it compares.
    @Test func aComparisonProposesAFixedFactOnlyWhenLeftOut() throws {
        for (fields, proposed) in [("spent: 300元\nasked: 200元\n", true), ("spent: 300元\npaid: 50元\nasked: 200元\n", false)] {
            let paid = try Self.walkerProposals(fields, rule: 2, fact: "paid")
            #expect(paid.contains(.money(Money(fen: 10_000))) == proposed, "\(fields): \(paid)")
            #expect(paid.isEmpty == !proposed, "\(fields): \(paid)")
        }
    }

    /// Every case of the Playground and the oracle fixture, every rule: where the skip says the
    /// rule proposes nothing, walking it proposes nothing.
    @Test func aSkippedRuleWouldHaveProposedNothing() throws {
        let policy = Repo.shenyang
        let cases = try RemedyCases.playground() + RemedyCases.oracle()
        #expect(cases.count > 100)
        var skipped = 0, walkedWithCandidates = 0
        for (c, _) in cases {
            guard case .date(let asOf)? = policy.caseSchema.index["applied_on"].flatMap({ c.facts[$0] }) else { continue }
            for (k, rule) in policy.rules.enumerated() {
                var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: asOf, sites: Self.reads.sites)
                candidates.collect(k)
                if Self.reads.proposesNothing(k, facts: c.facts) {
                    skipped += 1
                    #expect(candidates.found.isEmpty, "\(c.id): rule \(rule.id) skipped, yet proposes \(candidates.found.count)")
                } else if !candidates.found.isEmpty {
                    walkedWithCandidates += 1
                }
            }
        }
        // Both sides happen: the skip is used, and rules with something to propose are walked.
        #expect(skipped > 100)
        #expect(walkedWithCandidates > 100)
    }

    /// A rule that reads a fact a remedy may change is always walked; one that reads only fixed
    /// facts is skipped only while the case gives them (a fixed fact left out may be supplied).
    @Test func openFactsAlwaysWalkedMissingFixedFactsToo() throws {
        let policy = Repo.shenyang
        let rules = Self.reads.rules
        #expect(rules.contains { $0.open })
        let closed = try #require(rules.indices.first { !rules[$0].open && !rules[$0].fixed.isEmpty })
        let (c, _) = try #require(try RemedyCases.playground().first { Self.reads.proposesNothing(closed, facts: $0.0.facts) })
        let address = rules[closed].fixed[0]
        guard case .field(let top) = address.steps[0] else { Issue.record("an address starts with a field"); return }
        var facts = c.facts
        facts[top] = nil
        #expect(!Self.reads.proposesNothing(closed, facts: facts), "rule \(policy.rules[closed].id) skipped with a fixed fact left out")
    }

    /// The name a remedy shows is the dotted path a case file writes, an element by its index.
    @Test func addressNames() throws {
        let policy = Repo.shenyang
        let project = try #require(policy.caseSchema.index["project"])
        guard case .record(let r) = policy.caseSchema.fields[project].type.unwrapped else { Issue.record("project is a record"); return }
        let changes = try #require(policy.records[r].index["changes"])
        guard case .list(.record(let cr)) = policy.records[r].fields[changes].type.unwrapped else { Issue.record("changes is a list"); return }
        let approved = try #require(policy.records[cr].index["approved"])
        let a = FactAddress(steps: [.field(project), .field(changes), .element(2), .field(approved)])
        #expect(a.name(in: policy) == "project.changes[2].approved")
        #expect(FactAddress(steps: [.field(project)]).name(in: policy) == "project")
    }

    /// A changed case decided again with only the rules that read the changed fact finds what
    /// deciding it whole finds: every rule's finding, the outcome, the amount, what it waits for.
    /// Over every candidate the search could propose for the Playground's and the oracle's cases.
    @Test func rerunningTheReadersDecidesAsAWholeVerdict() throws {
        let policy = Repo.shenyang
        let cases = try RemedyCases.playground() + RemedyCases.oracle()
        var tally = RerunTally()
        for (c, _) in cases {
            tally.compare(c, RemedyCases.compiled, Self.reads, candidates: 40)
        }
        #expect(tally.compared > 1000)
        // Most rules read neither the changed fact nor anything under or over it, and most do not
        // depend on the date: a later application date keeps their findings too.
        #expect(tally.kept > tally.compared * policy.rules.count / 2)
        #expect(tally.keptOnAnotherDate > 0)
    }

    /// An application date moved across an amendment's effective date (2025-07-01, the example
    /// notice in Playground/proposals): the rules reading a parameter the notice dates run
    /// again, every rule is asked again whether it is in force (the replaced amount rule ends,
    /// its replacements begin), and the rest keep their findings, as deciding the case whole finds.
    @Test func aChangeOfDateAcrossAnAmendmentDecidesAsAWholeVerdict() throws {
        let repository = PolicyRepository(explicit: Repo.path("Playground/proposals/shenyang-2025-core-sectors"),
                                          environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
        let policy = try #require(repository.load(Repo.path("Playground/proposals/shenyang-2025-core-sectors")).policy)
        let (compiled, reads) = (repository.compiled(policy), RemedyReads(policy))
        let applied = FactAddress(steps: [.field(try #require(policy.applicationDateSlot))])
        var tally = RerunTally()
        let dates = ["2025-06-30", "2025-07-01", "2025-07-02", "2024-11-05"].compactMap(CivilDate.init(iso:))
        // Consulting counts as eligible spending only from the notice's date.
        let granted = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let consulting = granted.replacingOccurrences(of: "    - name: 工业网关\n", with: """
            - name: 转型咨询诊断
              category: consulting
              amount: 200000.00
              paid_on: 2024-08-01
            - name: 工业网关

        """)
        let withConsulting = try #require(RemedyCases.read(consulting, path: "consulting.yaml"))
        for (c, _) in try RemedyCases.playground() + [withConsulting] {
            for from in dates {
                var start = c
                start.facts = try #require(applied.setting(.date(from), in: c.facts))
                guard let base = compiled.verdict(start, asOf: nil) else { continue }
                for to in dates where to != from {
                    tally.compare(start, setting: applied, to: .date(to), from: base, compiled, reads)
                }
            }
        }
        #expect(tally.compared > 100)
        #expect(tally.keptOnAnotherDate > 0)
    }

    /// What the candidates are, in the order they are proposed, for every rule over the Playground's
    /// cases and every third case of its corpus: the search's answers follow this order, so a
    /// change to how candidates are gathered shows here first, case by case.
    /// `CLAUSE_UPDATE_FIXTURES=1 swift test --filter RemedyReadsTests` writes it again for review.
    @Test func theCandidatesOfThePlaygroundStayAsTheyWere() throws {
        let policy = Repo.shenyang
        let loader = CaseLoader(repository: Repo.repository)
        var lines: [String] = []
        for folder in ["Playground/cases", "Playground/corpus"] {
            let dir = Repo.path(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
            for (k, name) in names.enumerated() where folder == "Playground/cases" || k % 3 == 0 {
                guard case .ready(let c, _) = loader.load(path: "\(dir)/\(name)"),
                      case .date(let asOf)? = policy.caseSchema.index["applied_on"].flatMap({ c.facts[$0] }) else { continue }
                var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: asOf, sites: Self.reads.sites)
                for k in policy.rules.indices { candidates.collect(k) }
                let text = ValueText(policy: policy, lang: .en)
                let listed = candidates.found.map { cand in
                    "\(cand.address.name(in: policy))=\(cand.address.field(in: policy).map { text.format(cand.value, $0.type) } ?? "?")"
                }
                lines.append("\(folder)/\(name): " + listed.joined(separator: " "))
            }
        }
        #expect(lines.count > 250)
        let path = Repo.path("Tests/Fixtures/remedies/candidates.txt")
        let actual = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["CLAUSE_UPDATE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(got.count == expected.count)
        if let k = (0..<min(got.count, expected.count)).first(where: { got[$0] != expected[$0] }) {
            Issue.record("candidates differ at line \(k + 1):\n  now: \(got[k])\n  was: \(expected[k])")
        }
    }
}

/// Every candidate change of a case, decided again whole and by its readers alone: the two must
/// find the same for every rule, and the same outcome, amount, consequences and missing facts.
struct RerunTally {
    var compared = 0
    /// Rules whose findings were kept rather than run again, over every comparison.
    var kept = 0
    /// Of those, the ones kept while the change moved the evaluation date.
    var keptOnAnotherDate = 0

    mutating func compare(_ c: CaseFile, _ compiled: CompiledPolicy, _ reads: RemedyReads, candidates limit: Int,
                          sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let policy = compiled.policy
        guard let base = compiled.verdict(c, asOf: nil) else { return }
        var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: base.asOf, sites: reads.sites)
        for k in policy.rules.indices { candidates.collect(k) }
        for cand in candidates.found.prefix(limit) {
            compare(c, setting: cand.address, to: cand.value, from: base, compiled, reads, sourceLocation: sourceLocation)
        }
    }

    /// `c` with the fact at `address` set to `value`, decided whole and from `base` (the verdict
    /// over `c`) by the rules the change runs again.
    mutating func compare(_ c: CaseFile, setting address: FactAddress, to value: Value, from base: CompiledPolicy.Verdict,
                          _ compiled: CompiledPolicy, _ reads: RemedyReads, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let policy = compiled.policy
        guard let facts = address.setting(value, in: c.facts) else { return }
        var changed = c
        changed.facts = facts
        let rerun = reads.rerun(changing: address)
        let at = "\(c.id): \(address.name(in: policy)) = \(value)"
        let whole = compiled.verdict(changed, asOf: nil)
        let part = compiled.verdict(facts, asOf: nil, from: base, rerun: rerun)
        #expect((whole == nil) == (part == nil), "\(at)", sourceLocation: sourceLocation)
        guard let whole, let part else { return }
        compared += 1
        let ran = part.asOf == base.asOf ? rerun.onSameDate : rerun.onAnotherDate
        kept += ran.filter { !$0 }.count
        if part.asOf != base.asOf { keptOnAnotherDate += ran.filter { !$0 }.count }
        #expect(part.outcome == whole.outcome && part.amount == whole.amount && part.missing == whole.missing
            && part.consequences.clawback == whole.consequences.clawback
            && part.consequences.blacklistedUntil == whole.consequences.blacklistedUntil && part.waits == whole.waits,
            "\(at)", sourceLocation: sourceLocation)
        for k in whole.runs.indices {
            let (p, w) = (part.runs[k], whole.runs[k])
            #expect(p.finding == w.finding && p.amount == w.amount && p.capped == w.capped && p.uncapped == w.uncapped
                && p.inForce == w.inForce && p.effect == w.effect, "\(at): rule \(policy.rules[k].id)", sourceLocation: sourceLocation)
        }
    }
}
