import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

@Suite struct LintTests {
    /// Loads a one-file package written in the test.
    static func load(_ yaml: String) throws -> Policy {
        try #require(try loadOneFilePackage(yaml, named: "lint").policy)
    }

    @Test func shenyangHasNoWarnings() {
        #expect(PolicyLint.warnings(Repo.shenyang).isEmpty)
    }

    /// An award for an item whose money a ledger figure with a limit counts must read that
    /// figure (directly or through a definition); only such rules are warned at.
    @Test func anAwardThatIgnoresItsLedgerRoomIsWarnedAt() throws {
        let policy = try LintTests.load("""
        policy: lint
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        enums:
          what: { values: { fee: 费用, prize: 奖励, other: 其他 } }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          item: { type: what, label: 事项, role: item }
          code: { type: text, label: 代码 }
          amount: { type: money, label: 金额 }
        parameters:
          cap: { label: 上限, clause: art1, value: 10万元 }
        ledger:
          fee_granted: { label: 已获, clause: art1, sum: amount, where: { item: fee, code: same }, limit: cap }
          prizes: { label: 已获奖励, clause: art1, count: grants, where: { item: prize }, limit: 1 }
        definitions:
          fee_room:
            label: 余额
            clause: art1
            expr: max(cap - ledger.fee_granted, 0元)
        rules:
          - id: fee.read_through_definition
            clause: art1
            for: item == fee and amount > 0元
            award: amount
            cap: fee_room
            say: 支付
          - id: fee.forgetful
            clause: art1
            for: item in [fee, other]
            award: amount
            cap: cap
            say: 支付
          - id: prize
            clause: art1
            for: item == prize and ledger.prizes == 0
            award: amount
            say: 奖励
        """)
        let warnings = PolicyLint.warnings(policy).filter { $0.id == "lint.ledger-room" }
        #expect(warnings.map(\.message) == [
            "rule 'fee.forgetful' awards without reading 'ledger.fee_granted': with a record, a grant could exceed the room left under "
                + "its limit 'cap', since earlier grants would not count (subtract the figure in its cap, as the rule it replaces does)",
        ])
        #expect(warnings.map(\.range.start.line) == [30])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func unusedParameterDefinitionAndEnumAreWarnedAt() throws {
        let policy = try LintTests.load("""
        policy: lint
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        enums:
          unused_kind: { values: { a: 甲 } }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          amount: { type: money, label: 金额 }
        parameters:
          cap: { label: 上限, clause: art1, value: 10万元 }
          forgotten: { label: 遗忘, clause: art1, value: 5% }
        definitions:
          spare: { label: 备用, expr: amount }
        rules:
          - id: pay
            clause: art1
            award: amount
            cap: cap
            say: 支付
        """)
        let warnings = PolicyLint.warnings(policy)
        #expect(warnings.map(\.message) == [
            "parameter 'forgotten' is not used by any rule",
            "definition 'spare' is not used by any rule",
            "enum 'unused_kind' is not the type of any fact or parameter",
        ])
        #expect(warnings.map(\.range.start.line) == [13, 15, 6])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    /// `valid:` is the rule `validity`: an application outside it is refused under its clause,
    /// and a written rule that restates it with other dates is a warning.
    @Test func validityIsARuleAndARestatementIsWarnedAt() throws {
        let policy = try LintTests.load("""
        policy: lint
        title: 测试
        valid: { from: 2025-01-01, to: 2025-12-31, clause: art9 }
        clauses:
          art1: { cite: 第一条, text: "条款。" }
          art9: { cite: 第九条, text: "本办法有效期至2025年12月31日。" }
        facts:
          case: { type: text, label: 编号, required: true }
          policy: { type: text, label: 政策, required: true }
          applied_on: { type: date, label: 日期, required: true }
          amount: { type: money, label: 金额 }
        parameters:
          old_end: { label: 旧截止日, clause: art9, value: 2025-06-30 }
        rules:
          - id: expired
            clause: art9
            refuse_when: applied_on > old_end
            say: 过期
          - id: pay
            clause: art1
            award: amount
            say: 支付
        """)
        #expect(policy.rules.map(\.id) == ["validity", "expired", "pay"])
        #expect(PolicyLint.warnings(policy).map(\.message) == [
            "rule 'expired' judges the application date against 2025-06-30, but 'valid:' already refuses applications outside "
                + "2025-01-01..2025-12-31 under 'art9': keep one reading",
        ])
        let late = try Repo.decide(policy: policy, yaml: "case: X-1\npolicy: lint\napplied_on: 2026-01-01\namount: 100\n")
        #expect(late.outcome == .refused)
        #expect(late.reasons.map(\.rule) == ["validity", "expired"], "both readings refuse: that is what the warning is about")
        let early = try Repo.decide(policy: policy, yaml: "case: X-2\npolicy: lint\napplied_on: 2024-12-31\namount: 100\n")
        #expect(early.reasons.first?.message == "申报日期 2024-12-31 不在有效期 2025-01-01 至 2025-12-31 内")
    }
}
