import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Declared roles (`role: item`, `role: district`) instead of magic names, and warnings where a
/// money result can go negative.
@Suite struct RoleAndNegativeMoneyTests {
    static let schema = """
        policy: t
        title: 角色
        clauses: { art1: { cite: 第一条, text: "条款。" } }
        enums:
          what: { values: { grant: 补助, other: 其他 } }
          area: { values: { 东区: 东区, 西区: 西区 } }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          ITEM
          firm:
            label: 企业
            fields:
              AREA
          amount: { type: money, label: 金额 }
          spent: { type: money, label: 已获, default: 0元 }
        parameters:
          cap: { label: 上限, clause: art1, value: 10万元 }
        rules:
          - id: pay
            clause: art1
            award: amount
            cap: CAP
            say: 付
        """

    static func package(item: String = "kind: { type: what, label: 事项, role: item }",
                        area: String = "zone: { type: area, label: 区, role: district }",
                        cap: String = "max(cap - spent, 0元)") -> String {
        schema.replacingOccurrences(of: "ITEM", with: item).replacingOccurrences(of: "AREA", with: area)
            .replacingOccurrences(of: "CAP", with: cap)
    }

    @Test func declaredRolesNameTheItemAndTheDistrictWhateverTheFactsAreCalled() throws {
        let policy = try #require(try TablePackages.load(Self.package()).policy)
        #expect(policy.itemSlot == policy.caseSchema.index["kind"])
        #expect(policy.rolesByName.isEmpty)
        #expect(PolicyLint.warnings(policy).filter { $0.id == "lint.role-by-name" }.isEmpty)
        let d = try TablePackages.decide("case: T\napplied_on: 2024-01-01\nkind: grant\nfirm: { zone: 西区 }\namount: 5.00\n", policy)
        #expect(d.item == "grant")
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: "case: T\napplied_on: 2024-01-01\nkind: grant\nfirm: { zone: 西区 }\n"), into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        #expect(policy.districtLabel(of: c.facts) == "西区")
    }

    @Test func anOldPackageKeepsItsRolesByNameWithANote() throws {
        let old = Self.package(item: "item: { type: what, label: 事项 }", area: "district: { type: area, label: 区 }")
            .replacingOccurrences(of: "firm:", with: "applicant:")
        let policy = try #require(try TablePackages.load(old).policy)
        #expect(policy.itemSlot == policy.caseSchema.index["item"])
        #expect(policy.districtPath != nil)
        let notes = PolicyLint.warnings(policy).filter { $0.id == "lint.role-by-name" }
        #expect(notes.map(\.message) == ["fact 'item' is taken as the item by its name: declare 'role: item' on it",
                                          "fact 'applicant.district' is taken as the district by its name: declare 'role: district' on it"])
        #expect(notes.allSatisfy { $0.severity == .note })
        // The Shenyang package declares both.
        #expect(Repo.shenyang.rolesByName.isEmpty)
        #expect(Repo.shenyang.itemSlot == Repo.shenyang.caseSchema.index["item"])
    }

    @Test func misplacedUnknownAndRepeatedRolesAreErrorsAtTheFact() throws {
        let unknown = try TablePackages.load(Self.package(item: "kind: { type: what, label: 事项, role: itme }"))
        #expect(TablePackages.rendered(unknown).contains("error: unknown role 'itme'; did you mean 'item'?: a fact's role is 'item', 'district', 'credit_code', 'banned_until' or 'fraud_found_on'"))
        let notEnum = try TablePackages.load(Self.package(item: "kind: { type: text, label: 事项, role: item }"))
        #expect(TablePackages.rendered(notEnum).contains("error: the fact with role 'item' must be a top-level fact whose type is an enum"))
        let twice = try TablePackages.load(Self.package(item: "kind: { type: area, label: 区, role: district }"))
        #expect(TablePackages.rendered(twice).contains("error: role 'district' is declared again: one fact has it"))
    }

    // MARK: - Negative money

    @Test func aSubtractionWithNoFloorIsWarnedAtItsColumn() throws {
        let r = try TablePackages.load(Self.package(cap: "cap - spent"))
        #expect(r.policy != nil, "a warning does not stop a package")
        let w = try #require(r.diagnostics.first { $0.id == "money.may-be-negative" })
        #expect(w.severity == .warning)
        #expect(w.message == "'cap' of rule 'pay' can be negative: 'cap - spent' has no floor; write 'max(cap - spent, 0元)' if nothing below zero is meant")
        #expect(w.range.start.line == 23 && w.range.start.column == 10)
        for floored in ["max(cap - spent, 0元)", "if cap >= spent then cap - spent else 0元", "cap + spent", "min(cap, amount)"] {
            let ok = try TablePackages.load(Self.package(cap: floored))
            #expect(!ok.diagnostics.contains { $0.id == "money.may-be-negative" }, "\(floored)")
        }
        for unfloored in ["min(cap - spent, amount)", "-amount", "cap × (100% - 120%)", "if cap < spent then cap - spent else 0元"] {
            let bad = try TablePackages.load(Self.package(cap: unfloored))
            #expect(bad.diagnostics.contains { $0.id == "money.may-be-negative" }, "\(unfloored)")
        }
        // The Shenyang package floors its remaining room, so it has nothing to warn about.
        #expect(!PolicyLoader.load(Repo.shenyangDirectory).diagnostics.contains { $0.id == "money.may-be-negative" })
    }

    @Test func aNegativeAmountAtRunTimeIsStatedInTheJustification() throws {
        let policy = try #require(try TablePackages.load(Self.package(cap: "cap - spent")).policy)
        let d = try TablePackages.decide("case: T\napplied_on: 2024-01-01\nkind: grant\namount: 5.00\nspent: 150000.00\n", policy)
        #expect(d.outcome == .refused)
        let zh = TextDecisionRenderer.render(d, policy: policy, lang: .zh, explain: true)
        // The cap has no label of its own: it is spelled in the labels of its parts.
        #expect(zh.contains("注意：上限 − 已获 为负数 -¥50,000.00（计算结果低于零，没有下限）"), "\(zh)")
        let en = TextDecisionRenderer.render(d, policy: policy, lang: .en, explain: true)
        #expect(en.contains("note: 上限 − 已获 is negative, -¥50,000.00"), "\(en)")
    }
}
