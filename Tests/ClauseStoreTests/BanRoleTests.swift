import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The facts a ban is about are declared roles (`credit_code`, `banned_until`, `fraud_found_on`),
/// not names the code knows; and the evaluation date is worked out in one place.
@Suite struct BanRoleTests {
    static let schema = """
        policy: b
        title: 禁入
        clauses:
          art1: { cite: 第一条, text: "补助。" }
          art2: { cite: 第二条, text: "禁入。" }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          firm:
            label: 企业
            fields:
              uscc: { type: text, label: 代码CODE }
              barred: { type: date?, label: 禁入至, default: noneBARRED }
          found: { type: date?, label: 发现日, default: noneFOUND }
          amount: { type: money, label: 金额 }
        parameters:
          span: { label: 禁入期, clause: art2, value: 2 years }
        rules:
          - id: barred
            clause: art1
            refuse_when: firm.barred != none and firm.barred >= applied_on
            say: 禁入期内
          - id: fraud
            clause: art2
            refuse_when: found != none
            ban_until: found + span
            say: 弄虚作假
          - id: pay
            clause: art1
            award: amount
            say: 付
        """

    static func package(code: String = ", role: credit_code", barred: String = ", role: banned_until", found: String = ", role: fraud_found_on") -> String {
        schema.replacingOccurrences(of: "CODE", with: code).replacingOccurrences(of: "BARRED", with: barred)
            .replacingOccurrences(of: "FOUND", with: found)
    }

    @Test func declaredBanRolesNameTheFactsWhateverTheyAreCalled() throws {
        let policy = try #require(try TablePackages.load(Self.package()).policy)
        #expect(policy.banFacts == BanFacts(creditCode: "firm.uscc", bannedUntil: "firm.barred", fraudFoundOn: "found"))
        let c = try Self.read("case: B-1\napplied_on: 2024-03-01\nfirm: { uscc: X1 }\nfound: 2024-02-01\namount: 10.00\n", policy)
        #expect(BanRegistry.creditCode(c, policy: policy) == "X1")
        let d = try TablePackages.decide("case: B-1\napplied_on: 2024-03-01\nfirm: { uscc: X1 }\nfound: 2024-02-01\namount: 10.00\n", policy)
        #expect(d.outcome == .refused)
        // The registered ban starts on the finding and cites the banning rule's clause, whatever its id.
        let ban = try #require(BanRegistry.registration(of: d, case: c, policy: policy))
        #expect(ban.code == "X1")
        #expect(ban.from.iso == "2024-02-01")
        #expect(ban.through.iso == "2026-02-01")
        #expect(ban.clause == "art2")
        // A registry ban is set on the fact with role `banned_until`, and the rules see it.
        var banned = try Self.read("case: B-2\napplied_on: 2024-03-01\nfirm: { uscc: X1 }\namount: 10.00\n", policy)
        #expect(BanRegistry.statedBan(banned, policy: policy) == nil)
        let registry = RegistryBan(creditCode: "X1", from: ban.from, through: ban.through, clause: ban.clause, caseID: "B-1", decisionID: 1)
        #expect(BanRegistry.apply(registry, to: &banned, policy: policy))
        #expect(BanRegistry.statedBan(banned, policy: policy) == ban.through)
        let again = try Interpreter.decide(banned, policy: policy).get()
        #expect(again.outcome == .refused)
        #expect(again.reasons.map(\.rule) == ["barred"])
    }

    @Test func aPackageThatImposesABanWithoutTheRolesIsALocatedError() throws {
        let none = try TablePackages.load(Self.package(code: "", barred: "", found: ""))
        #expect(none.policy == nil)
        let text = TablePackages.rendered(none)
        #expect(text.contains("/policy.yaml:26:16: error: a rule with 'ban_until' registers a ban, so the facts must declare role "
                                  + "'credit_code' (whose ban it is, a text fact), 'banned_until' (the ban's last day as the case states it, "
                                  + "a date fact), 'fraud_found_on' (the day false material was found, a date fact): no fact has them"), "\(text)")
        #expect(none.diagnostics.map(\.id) == ["schema.ban-role"])
        let one = try TablePackages.load(Self.package(found: ""))
        #expect(TablePackages.rendered(one).contains("must declare role 'fraud_found_on' (the day false material was found, a date fact): no fact has it"))
        // Without a ban rule, no role is needed.
        let noBan = try TablePackages.load(Self.package(code: "", barred: "", found: "").replacingOccurrences(of: "    ban_until: found + span\n", with: ""))
        #expect(noBan.policy != nil)
        #expect(noBan.policy?.banFacts == nil)
    }

    @Test func aBanRoleOnAFactOfTheWrongTypeIsAnErrorAtTheFact() throws {
        let r = try TablePackages.load(Self.package(found: "").replacingOccurrences(of: "amount: { type: money, label: 金额 }",
                                                                                   with: "amount: { type: money, label: 金额, role: fraud_found_on }"))
        #expect(TablePackages.rendered(r).contains("error: the fact with role 'fraud_found_on' must be a date"))
    }

    @Test func theShenyangPackageDeclaresItsBanFacts() {
        #expect(Repo.shenyang.banFacts == BanFacts(creditCode: "applicant.credit_code", bannedUntil: "applicant.blacklisted_until",
                                                   fraudFoundOn: "fraud_found_on"))
    }

    @Test func theEvaluationDateIsAsOfElseTheApplicationDate() throws {
        let policy = try #require(try TablePackages.load(Self.package()).policy)
        let c = try Self.read("case: B-3\napplied_on: 2024-03-01\namount: 1.00\n", policy)
        #expect(policy.evaluationDate(of: c.facts)?.iso == "2024-03-01")
        #expect(policy.evaluationDate(of: c.facts, asOf: CivilDate(year: 2025, month: 1, day: 2))?.iso == "2025-01-02")
        #expect(policy.evaluationDate(of: [])  == nil)
        let compiled = CompiledPolicy(policy)
        #expect(compiled.decide(c, asOf: nil)?.asOf.iso == "2024-03-01")
        #expect(compiled.decide(c, asOf: CivilDate(year: 2025, month: 1, day: 2))?.asOf.iso == "2025-01-02")
    }

    static func read(_ yaml: String, _ policy: Policy) throws -> CaseFile {
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: yaml), into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        #expect(!bag.hasErrors)
        return c
    }
}
