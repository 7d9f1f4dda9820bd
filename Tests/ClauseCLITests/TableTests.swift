import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The language for the next city: table parameters, money ÷ percent, definitions citing several
/// clauses, declared roles, and warnings where money can go negative. Each construct is decided by
/// both interpreters, which must agree.
@Suite struct TableTests {

    // MARK: - Tables

    @Test func eachTierCapsAtItsRowAndTheJustificationNamesTheRow() throws {
        let expected: [(level: Int, spending: String, amount: String, row: String)] = [
            (2, "1243000.00", "300000.00", "[2]"), (3, "2825000.00", "600000.00", "[3]"), (4, "4520000.00", "1000000.00", "[4]"),
            (3, "2034000.00", "540000.00", "[3]"),
        ]
        for e in expected {
            let d = try TablePackages.decide(TablePackages.zhongshanCase(level: e.level, spending: e.spending), TablePackages.zhongshan)
            #expect(d.outcome == .granted)
            #expect(d.amount.plain == e.amount)
            let text = TextDecisionRenderer.render(d, policy: TablePackages.zhongshan, lang: .zh, explain: true)
            let cap = ["300000": "¥300,000.00", "600000": "¥600,000.00", "1000000": "¥1,000,000.00"][["", "", "300000", "600000", "1000000"][e.level]]!
            #expect(text.contains("改造补助上限（按等级） \(e.row) = \(cap)（改造后数字化水平等级 = \(e.level)）"), "\(text)")
            let en = TextDecisionRenderer.render(d, policy: TablePackages.zhongshan, lang: .en, explain: true)
            #expect(en.contains("subsidy cap by digital level \(e.row) = \(cap)"), "\(en)")
        }
    }

    @Test func aLevelWithoutARowHasNoValueAndTheJustificationSaysSo() throws {
        let d = try TablePackages.decide(TablePackages.zhongshanCase(level: 1, spending: "113000.00"), TablePackages.zhongshan)
        #expect(d.outcome == .refused)
        #expect(d.reasons.map(\.clause).contains("zs.8"))
        let text = TextDecisionRenderer.render(d, policy: TablePackages.zhongshan, lang: .zh, explain: true)
        #expect(text.contains("改造补助上限（按等级） [无此行] = 无（表中没有此键的行，也没有默认值）（改造后数字化水平等级 = 1）"), "\(text)")
        // The table itself, as the JSON trace carries a parameter's value.
        #expect(JSONDecisionRenderer.value(TablePackages.zhongshan.parameters.first { $0.name == "tier_caps" }!.values[0].value,
                                           TablePackages.zhongshan.parameters.first { $0.name == "tier_caps" }!.type, policy: TablePackages.zhongshan)
                == #"{"2":"300000.00","3":"600000.00","4":"1000000.00"}"#)
    }

    static let tablePackage = """
        policy: tables
        title: 表
        clauses:
          art1: { cite: 第一条, text: "按等级。" }
          art2: { cite: 第二条, text: "按类别。" }
        enums:
          kind: { values: { a: 甲, b: 乙, c: 丙 } }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          level: { type: int, label: 等级, min: 1, max: 9 }
          kind: { type: kind, label: 类别 }
          amount: { type: money, label: 金额 }
        parameters:
          caps:
            label: 上限（按等级）
            clause: art1
            type: table of int to money
            value: { 1: 1万元, "2..3": 2万元, default: 5万元 }
          rates:
            label: 比例（按类别）
            clause: art2
            type: table of kind to percent
            values:
              - { from: 2024-01-01, value: { a: 10%, b: 20%, c: 30% } }
              - { from: 2025-01-01, value: { a: 15%, b: 25%, c: 35% } }
        rules:
          - id: pay
            clause: [art1, art2]
            award: amount × rates[kind]
            cap: caps[level]
            say: 按 {rates[kind]} 补助，最高 {caps[level]}
        """

    @Test func spansDefaultsEnumKeysAndDatedTablesDecideAlikeInBothInterpreters() throws {
        let policy = try #require(try TablePackages.load(Self.tablePackage).policy)
        func run(_ level: Int, _ kind: String, _ date: String) throws -> Decision {
            try TablePackages.decide("case: T\napplied_on: \(date)\nlevel: \(level)\nkind: \(kind)\namount: 1000000.00\n", policy)
        }
        #expect(try run(1, "a", "2024-06-01").amount.plain == "10000.00")
        #expect(try run(2, "a", "2024-06-01").amount.plain == "20000.00")
        #expect(try run(3, "b", "2024-06-01").amount.plain == "20000.00")
        #expect(try run(7, "c", "2024-06-01").amount.plain == "50000.00")  // the default row
        // A rate table by enum, dated: 10% of 100万 before 2025, 15% after (under the 5万 default cap).
        #expect(try run(9, "a", "2024-06-01").amount.plain == "50000.00")
        let before = try TablePackages.decide("case: T\napplied_on: 2024-06-01\nlevel: 9\nkind: a\namount: 100000.00\n", policy)
        let after = try TablePackages.decide("case: T\napplied_on: 2025-06-01\nlevel: 9\nkind: a\namount: 100000.00\n", policy)
        #expect(before.amount.plain == "10000.00")
        #expect(after.amount.plain == "15000.00")
        let text = TextDecisionRenderer.render(after, policy: policy, lang: .zh, explain: true)
        #expect(text.contains("比例（按类别） [甲] 15%"), "\(text)")
        #expect(text.contains("上限（按等级） [默认] = ¥50,000.00"), "\(text)")
        #expect(before.reasons.first?.message == "按 10% 补助，最高 ¥50,000.00")
    }

    @Test func aLookupThatMayHaveNoRowMustBeHandledAndNarrowingHandlesIt() throws {
        let base = """
            policy: t
            title: 表
            clauses: { art1: { cite: 第一条, text: "条款。" } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
              level: { type: int, label: 等级 }
              amount: { type: money, label: 金额 }
            parameters:
              caps: { label: 上限, clause: art1, type: table of int to money, value: { 2: 30万元, 3: 60万元 } }
            rules:
              - id: pay
                clause: art1
                award: amount
                cap: CAP
                say: 付
            """
        let unhandled = try TablePackages.load(base.replacingOccurrences(of: "CAP", with: "caps[level]"))
        #expect(unhandled.policy == nil)
        #expect(TablePackages.rendered(unhandled).contains("'cap' of rule 'pay' must be an amount (money), but this is an amount (money) that may be none"))
        #expect(try TablePackages.load(base.replacingOccurrences(of: "CAP", with: "caps[level] otherwise 0元")).policy != nil)
        #expect(try TablePackages.load(base.replacingOccurrences(of: "CAP", with: "if caps[level] != none then caps[level] else 0元")).policy != nil)
        // A literal key is checked against the rows at once.
        let literal = try TablePackages.load(base.replacingOccurrences(of: "CAP", with: "caps[5]"))
        #expect(TablePackages.rendered(literal).contains("error: 'caps' has no row for 5 and no default"))
        #expect(try TablePackages.load(base.replacingOccurrences(of: "CAP", with: "caps[3]")).policy != nil)
    }

    @Test func aKeyFactWhoseRangeTheRowsCoverNeedsNoFallback() throws {
        // digital_level is declared 1..4 in the Zhongshan facts; a table covering 1..4 is total.
        let yaml = """
            policy: t
            title: 表
            clauses: { art1: { cite: 第一条, text: "条款。" } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
              level: { type: int, label: 等级, min: 1, max: 4 }
              amount: { type: money, label: 金额 }
            parameters:
              caps: { label: 上限, clause: art1, type: table of int to money, value: { "1..2": 0元, 3: 60万元, 4: 100万元 } }
            rules:
              - { id: pay, clause: art1, award: amount, cap: "caps[level]", say: 付 }
            """
        #expect(try TablePackages.load(yaml).policy != nil)
        let gap = try TablePackages.load(yaml.replacingOccurrences(of: "\"1..2\": 0元, 3", with: "1: 0元, 3"))
        #expect(gap.policy == nil)
        #expect(TablePackages.rendered(gap).contains("warning: the value of 'caps' has no row for 2 (between '1' and '3') and no default: a key there has no value"))
    }

    // MARK: - Money ÷ percent

    @Test func moneyDividedByARateRoundsToTheFenByThePackagesRule() {
        #expect(Money(fen: 113).divided(by: Percent(millionths: 1_130_000), rounding: .halfUp)?.0 == Money(fen: 100))
        #expect(Money(fen: 100).divided(by: Percent(millionths: 1_060_000), rounding: .halfUp)?.0 == Money(fen: 94))
        // 0.05 ÷ 40% = 0.125: half up 0.13, half even 0.12, down 0.12.
        #expect(Money(fen: 5).divided(by: Percent(millionths: 400_000), rounding: .halfUp)?.0 == Money(fen: 13))
        #expect(Money(fen: 5).divided(by: Percent(millionths: 400_000), rounding: .halfEven)?.0 == Money(fen: 12))
        #expect(Money(fen: 5).divided(by: Percent(millionths: 400_000), rounding: .down)?.0 == Money(fen: 12))
        #expect(Money(fen: 5).divided(by: Percent(millionths: 0), rounding: .halfUp) == nil)
    }

    @Test func taxExclusiveAmountsAreShownBeforeAndAfterRounding() throws {
        let yaml = TablePackages.zhongshanCase(level: 2, spending: "1.00", vat: "6%")
        let d = try TablePackages.decide(yaml, TablePackages.zhongshan)
        #expect(d.amount.plain == "0.28")  // 1.00 ÷ 106% = 0.94; × 30% = 0.282 → 0.28
        let text = TextDecisionRenderer.render(d, policy: TablePackages.zhongshan, lang: .zh, explain: true)
        #expect(text.contains("合规改造投入（不含税） = ¥0.94"), "\(text)")
    }

    @Test func aZeroRateDivisorIsAnErrorWhereProvableAndAFailureInWordsOtherwise() throws {
        let base = """
            policy: t
            title: 除
            clauses: { art1: { cite: 第一条, text: "条款。" } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
              amount: { type: money, label: 金额 }
              vat: { type: percent, label: 税率 }
            parameters:
              none_rate: { label: 零, clause: art1, value: 0% }
            rules:
              - { id: pay, clause: art1, award: AWARD, say: 付 }
            """
        for (award, column) in [("amount ÷ 0%", 46), ("amount / none_rate", 46), ("amount ÷ (0% + 0%)", 46)] {
            let r = try TablePackages.load(base.replacingOccurrences(of: "AWARD", with: award))
            #expect(r.policy == nil)
            #expect(r.diagnostics.map(\.message).contains { $0.hasPrefix("division by zero") }, "\(award): \(TablePackages.rendered(r))")
            #expect(r.diagnostics.first { $0.id == "expr.division-by-zero" }?.range.start.column == column, "\(award)")
        }
        let policy = try #require(try TablePackages.load(base.replacingOccurrences(of: "AWARD", with: "amount ÷ (100% - vat)")).policy)
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: "case: T\napplied_on: 2024-01-01\namount: 100.00\nvat: 100%\n"),
                                                into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        guard case .failure(let f) = Interpreter.decide(c, policy: policy) else {
            Issue.record("a zero divisor at run time must fail in words")
            return
        }
        #expect(f.message == "pay: division by a rate of 0%")
        #expect(CompiledPolicy(policy).decide(c, asOf: nil) == nil, "the compiled path leaves failures to the interpreter")
        #expect(try TablePackages.decide("case: T\napplied_on: 2024-01-01\namount: 87.00\nvat: 13%\n", policy).amount.plain == "100.00")
    }

    // MARK: - Definitions citing several clauses

    @Test func aDefinitionCitesEveryClauseItApplies() throws {
        let d = try #require(TablePackages.zhongshan.definitions.first { $0.name == "eligible_spending" })
        #expect(d.clauses == ["zs.8", "zs.9"])
        #expect(d.clause == "zs.8")
        let decision = try TablePackages.decide(TablePackages.zhongshanCase(level: 2, spending: "113.00"), TablePackages.zhongshan)
        let json = JSONDecisionRenderer.render(decision, policy: TablePackages.zhongshan, lang: .zh, traceVersion: 1)
        #expect(json.contains(#""name":"eligible_spending","label":"合规改造投入（不含税）","clause":"zs.8","value":"#))
        #expect(json.contains(#""clauses":["zs.8","zs.9"]},{"name":"tier_cap""#))
        let compact = JSONDecisionRenderer.render(decision, policy: TablePackages.zhongshan, lang: .zh)
        #expect(compact.contains(#""name":"eligible_spending","label":"合规改造投入（不含税）","clause":"zs.8","clauses":["zs.8","zs.9"],"steps":"#))
        let bad = try TablePackages.load("""
            policy: t
            title: 多条
            clauses: { art1: { cite: 第一条, text: "条款。" } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
            definitions:
              d: { label: 定义, clause: [art1, art7], expr: applied_on }
            rules:
              - { id: r, clause: art1, refuse_when: d > 2025-01-01, say: 否 }
            """)
        #expect(TablePackages.rendered(bad).contains("error: no clause 'art7' in the clause table; did you mean 'art1'?"))
    }

    /// An amendment gives a table parameter a whole new table from its effective date; the
    /// justification names the notice beside the row.
    @Test func anAmendmentReplacesATableFromItsDate() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("clause-table-amend-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: root) }
        try fm.copyItem(atPath: TablePackages.zhongshanDirectory, toPath: "\(root)/zhongshan-sme-dx-fund")
        try fm.createDirectory(atPath: "\(root)/zs-notice", withIntermediateDirectories: true)
        try """
            policy: zs-notice
            amends: zhongshan-sme-dx-fund
            effective: 2026-01-01
            title: 调整通知（示意）
            clauses:
              notice.1: { cite: 通知第一条（示意）, text: "自2026年1月1日起，数字化水平达到四级的，补助上限调整为120万元。" }
            parameters:
              tier_caps:
                clause: notice.1
                value: { 2: 30万元, 3: 60万元, 4: 120万元 }
            """.write(toFile: "\(root)/zs-notice/policy.yaml", atomically: true, encoding: .utf8)
        let repository = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": root])
        let loaded = repository.load("\(root)/zs-notice")
        let policy = try #require(loaded.policy, Comment(rawValue: DiagnosticRenderer().render(loaded.diagnostics)))
        let text = TablePackages.zhongshanCase(level: 4, spending: "4520000.00")
        let before = try TablePackages.decide(text, policy)
        let after = try TablePackages.decide(text.replacingOccurrences(of: "applied_on: 2025-03-12", with: "applied_on: 2026-02-01"), policy)
        #expect(before.amount.plain == "1000000.00")
        #expect(after.amount.plain == "1200000.00")
        let explained = TextDecisionRenderer.render(after, policy: policy, lang: .zh, explain: true)
        #expect(explained.contains("改造补助上限（按等级） [4] = ¥1,200,000.00（2026-01-01 起依 zs-notice 通知第一条（示意））"), "\(explained)")
        // A new table that drops a row the base's rules rely on is refused.
        try String(contentsOfFile: "\(root)/zs-notice/policy.yaml", encoding: .utf8)
            .replacingOccurrences(of: "{ 2: 30万元, 3: 60万元, 4: 120万元 }", with: "{ 2: 30万元, 4: 120万元 }")
            .write(toFile: "\(root)/zs-notice/policy.yaml", atomically: true, encoding: .utf8)
        let dropped = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": root]).load("\(root)/zs-notice")
        #expect(dropped.policy == nil)
        #expect(dropped.diagnostics.map(\.message).contains(
            "the new table of 'tier_caps' has no row for 3, which the table it amends answers: give that row (or a default) so the rules keep a value for it"))
    }

    /// The tiered-cap package as a user runs it: `check` passes, every scenario passes, and
    /// `explain` shows which tier applied.
    @Test func theTieredCapPackageChecksTestsAndExplainsTheTier() throws {
        let env = ["CLAUSE_POLICY_PATH": Repo.path("Playground/cities")]
        let check = try ClauseBinary.clause(["check", "Playground/cities/zhongshan-sme-dx-fund"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("zhongshan-sme-dx-fund: ok — zhongshan-sme-dx-fund"))
        #expect(!check.stdout.contains("warning"))
        let test = try ClauseBinary.clause(["test", "Playground/cities/zhongshan-sme-dx-fund"], environment: env)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.hasSuffix("17 passed, 0 failed\n"), "\(test.stdout)")
        let explain = try ClauseBinary.clause(["explain", "Playground/cities/zhongshan-cases/level3-capped.yaml"], environment: env)
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("改造补助上限（按等级） [3] = ¥600,000.00（改造后数字化水平等级 = 3）"), "\(explain.stdout)")
        #expect(explain.stdout.contains("超过上限，按上限 ¥600,000.00 核定（本级剩余补助额度）"))
        let md = try ClauseBinary.clause(["explain", "--format", "markdown", "Playground/cities/zhongshan-cases/level2-granted.yaml"],
                                          environment: env)
        #expect(md.stdout.contains(#"改造补助上限（按等级） \[2\] = ¥300,000.00"#), "\(md.stdout)")
    }
}
