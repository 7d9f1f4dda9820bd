import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// 第十七条: amending packages compose with their base by date, and the loader catches amendments
/// that cannot apply.
@Suite struct AmendmentTests {
    static let proposal = Repo.path("Playground/proposals/shenyang-2025-core-sectors")

    static func proposalRepository() -> PolicyRepository {
        PolicyRepository(explicit: proposal, environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
    }

    static func decide(_ patch: [String: String], repository: PolicyRepository) throws -> (Decision, Policy) {
        var yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        for (from, to) in patch { yaml = yaml.replacingOccurrences(of: from, with: to) }
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "case.yaml", text: yaml), into: &bag))
        guard case .ready(let c, let p) = CaseLoader(repository: repository).load(root: root, path: "case.yaml") else {
            throw DiagnosticsError(bag.diagnostics)
        }
        return (try Interpreter.decide(c, policy: p).get(), p)
    }

    static let bigSpend = ["      amount: 300000.00": "      amount: 1300000.00"]

    @Test func theProposalComposesWithItsBase() throws {
        let p = try #require(AmendmentTests.proposalRepository().load(AmendmentTests.proposal).policy)
        #expect(p.id == "shenyang-sme-dx-fund")
        #expect(p.packages.map(\.id) == ["shenyang-sme-dx-fund", "shenyang-2025-core-sectors"])
        let old = try #require(p.rules.first { $0.id == "transformation.amount" })
        #expect(old.until == CivilDate(iso: "2025-07-01"))
        #expect(old.endedBy == "shenyang-2025-core-sectors")
        let next = try #require(p.rules.firstIndex { $0.id == "transformation.amount_other_sectors" })
        #expect(p.rules[next - 1].id == "transformation.amount", "a replacing rule stands after the rule it replaces")
    }

    @Test func casesBeforeTheEffectiveDateKeepTheOldRules() throws {
        let repo = AmendmentTests.proposalRepository()
        let (before, _) = try AmendmentTests.decide(AmendmentTests.bigSpend.merging(["applied_on: 2024-11-05": "applied_on: 2025-06-30"]) { a, _ in a },
                                                    repository: repo)
        #expect(before.amount.plain == "500000.00")
        #expect(before.packages.map(\.id) == ["shenyang-sme-dx-fund"])
        let (after, policy) = try AmendmentTests.decide(AmendmentTests.bigSpend.merging(["applied_on: 2024-11-05": "applied_on: 2025-07-01"]) { a, _ in a },
                                                        repository: repo)
        #expect(after.amount.plain == "600000.00")
        #expect(after.packages.map(\.id) == ["shenyang-sme-dx-fund", "shenyang-2025-core-sectors"])
        #expect(Set(after.reasons.map(\.clause)) == ["art4.1", "notice.1"])
        let old = try #require(after.rules.first { $0.rule == "transformation.amount" })
        #expect(old.status == .notInForce)
        #expect(old.wouldFire == true)
        #expect(old.endedBy == "shenyang-2025-core-sectors")

        let text = TextDecisionRenderer.render(after, policy: policy, lang: .zh, explain: true)
        #expect(text.contains("适用文件：shenyang-sme-dx-fund 2024.1；shenyang-2025-core-sectors 2025.1（2025-07-01 起）"))
        #expect(text.contains("⊘ [第四条第（一）项] transformation.amount：评估日不在施行期内；已被替换或废止：shenyang-2025-core-sectors；若仍施行，本条会作出决定"))
        let json = JSONDecisionRenderer.render(after, policy: policy, lang: .zh)
        #expect(json.contains(#""packages":[{"policy":"shenyang-sme-dx-fund","version":"2024.1","digest":"sha256:"#))
        #expect(json.contains(#"{"policy":"shenyang-2025-core-sectors","version":"2025.1","digest":"sha256:"#))
    }

    @Test func anAmendedValueNamesItsNotice() throws {
        let consulting = ["      category: software\n      amount: 300000.00": "      category: consulting\n      amount: 300000.00",
                          "applied_on: 2024-11-05": "applied_on: 2025-07-15", "paid_on: 2024-06-10": "paid_on: 2025-05-10"]
        let (d, policy) = try AmendmentTests.decide(consulting, repository: AmendmentTests.proposalRepository())
        let text = TextDecisionRenderer.render(d, policy: policy, lang: .zh, explain: true)
        #expect(text.contains("（2025-07-01 起依 shenyang-2025-core-sectors 通知第二条）"))
        #expect(d.amount.plain == "190000.00", "consulting now counts: (300000 + 50000 + 30000) × 50%")
    }

    // MARK: - What the loader refuses

    /// A folder with a copy of the base package beside the given amendment packages; `enacted`
    /// of them are listed in the base's `amended_by` (all of them unless said otherwise).
    static func workspace(_ amendments: [String: String], enacted: [String]? = nil) throws -> String {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("clause-amend-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Repo.shenyangDirectory, toPath: "\(root)/shenyang-sme-dx-fund")
        let listed = (enacted ?? amendments.keys.sorted()).filter { amendments[$0]?.contains("amends: shenyang-sme-dx-fund") == true }
        if !listed.isEmpty {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/shenyang-sme-dx-fund/policy.yaml"))
            handle.seekToEndOfFile()
            handle.write(Data("amended_by: [\(listed.joined(separator: ", "))]\n".utf8))
            try handle.close()
        }
        for (name, text) in amendments {
            try fm.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
            try text.write(toFile: "\(root)/\(name)/policy.yaml", atomically: true, encoding: .utf8)
        }
        return root
    }

    static func messages(_ root: String, load dir: String) -> [String] {
        let repo = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": root])
        return repo.load("\(root)/\(dir)").diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    static func notice(_ id: String, amends: String = "shenyang-sme-dx-fund", effective: String = "2025-07-01", _ body: String) -> String {
        "policy: \(id)\namends: \(amends)\neffective: \(effective)\ntitle: 测试通知\n" + body
    }

    @Test func unknownRuleAndParameterAreErrorsWithSuggestions() throws {
        let root = try AmendmentTests.workspace(["n1": AmendmentTests.notice("n1", """
            parameters:
              transformation_cpa: { value: 60万元 }
            retire: [exclusion.pilot_202]
            """)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(AmendmentTests.messages(root, load: "shenyang-sme-dx-fund") == [
            "no parameter 'transformation_cpa' in 'shenyang-sme-dx-fund' to amend; did you mean 'transformation_cap'? (a new parameter needs a label and a clause)",
            "no rule 'exclusion.pilot_202' in force to replace; did you mean 'exclusion.pilot_2022'?",
        ])
    }

    @Test func twoAmendmentsOnOneDateAreAnError() throws {
        let root = try AmendmentTests.workspace([
            "n1": AmendmentTests.notice("n1", "parameters:\n  transformation_cap: { value: 60万元 }\n"),
            "n2": AmendmentTests.notice("n2", "parameters:\n  transformation_cap: { value: 70万元 }\n"),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(AmendmentTests.messages(root, load: "shenyang-sme-dx-fund") == [
            "'n2' takes effect on 2025-07-01, not after 'n1' (2025-07-01): two amendments of one package need distinct dates, in order",
        ])
    }

    @Test func successiveAmendmentsApplyInDateOrder() throws {
        let root = try AmendmentTests.workspace([
            "n1": AmendmentTests.notice("n1", effective: "2025-01-01", "parameters:\n  transformation_cap: { value: 60万元 }\n"),
            "n2": AmendmentTests.notice("n2", effective: "2025-07-01", "parameters:\n  transformation_cap: { value: 70万元 }\n"),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": root])
        let p = try #require(repo.load("\(root)/shenyang-sme-dx-fund").policy)
        let cap = try #require(p.parameters.first { $0.name == "transformation_cap" })
        #expect(cap.values.map(\.from?.iso) == [nil, "2025-01-01", "2025-07-01"])
        #expect(cap.value(on: CivilDate(iso: "2025-03-01")!).value == .money(Money(fen: 60_000_000)))
        #expect(cap.value(on: CivilDate(iso: "2025-07-01")!).value == .money(Money(fen: 70_000_000)))
    }

    /// The package found for an id is remembered (a batch asks for every case), and forgotten when
    /// a base is named in the search's place (`clause diff --base DIR`).
    @Test func aBaseNamedAfterALookupIsTheOneFound() throws {
        let root = try AmendmentTests.workspace([
            "n1": AmendmentTests.notice("n1", effective: "2024-01-01", "parameters:\n  transformation_cap: { value: 60万元 }\n")
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
        let bundled = try #require(repo.policy(for: "shenyang-sme-dx-fund").policy)
        #expect(bundled.packages.map(\.id) == ["shenyang-sme-dx-fund"])
        #expect(repo.policy(for: "shenyang-sme-dx-fund").policy?.digest == bundled.digest)
        repo.baseOverrides["shenyang-sme-dx-fund"] = "\(root)/shenyang-sme-dx-fund"
        let named = try #require(repo.policy(for: "shenyang-sme-dx-fund").policy)
        #expect(named.packages.map(\.id) == ["shenyang-sme-dx-fund", "n1"])
        #expect(repo.policy(for: "no-such-fund").policy == nil)
    }

    /// 第十七条 by name only: a notice beside its base that the base does not list changes nothing,
    /// with or without `--policy`, until it is listed in `amended_by`.
    @Test func anUnlistedSiblingChangesNothing() throws {
        let notice = AmendmentTests.notice("n1", effective: "2024-01-01", "parameters:\n  transformation_cap: { value: 60万元 }\n")
        let unlisted = try AmendmentTests.workspace(["n1": notice], enacted: [])
        let listed = try AmendmentTests.workspace(["n1": notice])
        defer { for r in [unlisted, listed] { try? FileManager.default.removeItem(atPath: r) } }
        for explicit in [false, true] {
            let dir = "\(unlisted)/shenyang-sme-dx-fund"
            let repo = PolicyRepository(explicit: explicit ? dir : nil, environment: ["CLAUSE_POLICY_PATH": unlisted])
            let p = try #require(repo.load(dir).policy)
            #expect(p.packages.map(\.id) == ["shenyang-sme-dx-fund"])
        }
        let repo = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": listed])
        let p = try #require(repo.load("\(listed)/shenyang-sme-dx-fund").policy)
        #expect(p.packages.map(\.id) == ["shenyang-sme-dx-fund", "n1"])
    }

    @Test func aListedAmendmentThatIsMissingIsAnErrorWhereItIsListed() throws {
        let root = try AmendmentTests.workspace([:])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/shenyang-sme-dx-fund/policy.yaml"))
        handle.seekToEndOfFile()
        handle.write(Data("amended_by: [n9]\n".utf8))
        try handle.close()
        let ds = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": root]).load("\(root)/shenyang-sme-dx-fund").diagnostics
        let d = try #require(ds.first { $0.id == "amendment.listed-unknown" })
        #expect(d.message.hasPrefix("'n9' is listed in 'amended_by', but no package with that id is beside"))
        #expect(d.range.file?.path.hasSuffix("shenyang-sme-dx-fund/policy.yaml") == true)
    }

    @Test func aCycleOfAmendmentsIsAnError() throws {
        let root = try AmendmentTests.workspace([
            "a": AmendmentTests.notice("a", amends: "b", "clauses: {}\n"),
            "b": AmendmentTests.notice("b", amends: "a", "clauses: {}\n"),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(AmendmentTests.messages(root, load: "a") == ["amendments form a cycle: a → b → a"])
    }

    @Test func anAmendmentCannotChangeTheSchemaOrRedefine() throws {
        let root = try AmendmentTests.workspace(["n1": AmendmentTests.notice("n1", """
            facts:
              extra: { type: bool, label: 额外 }
            clauses:
              art4.1: { cite: 第四条第（一）项, text: "改写" }
            definitions:
              eligible_spending: { label: 合规投入, expr: 0元 }
            """)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(AmendmentTests.messages(root, load: "shenyang-sme-dx-fund") == [
            "an amendment cannot change 'facts': the case schema belongs to the base package",
            "clause 'art4.1' is already in the clause table",
            "definition 'eligible_spending' exists in the amended package: give the new one another name",
        ])
    }
}
