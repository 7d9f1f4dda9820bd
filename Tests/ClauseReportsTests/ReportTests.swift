@testable import ClauseDecisionLine
@testable import ClauseEngine
@testable import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Testing

/// The renderers on decisions built by hand (so the expected text does not move when the policy
/// package does), and once on a real Shenyang decision.
@Suite struct ReportTests {
    // MARK: - A tiny policy

    static let here = SourceRange.builtin

    static func field(_ name: String, _ label: String, _ type: ValueType, path: String? = nil) -> Field {
        Field(name: name, path: path ?? name, label: label, labelEn: nil, type: type, defaultValue: nil, required: false,
              minimum: nil, maximum: nil, length: nil, range: here)
    }

    static func schema(_ name: String, _ fields: [Field]) -> RecordSchema {
        RecordSchema(name: name, fields: fields, index: Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.name, $0) }))
    }

    static func enumType(_ name: String, _ cases: [(String, String, String?)]) -> EnumType {
        EnumType(name: name, label: nil, cases: cases.map { EnumType.Case(name: $0.0, label: $0.1, labelEn: $0.2) },
                 index: Dictionary(uniqueKeysWithValues: cases.enumerated().map { ($1.0, $0) }), range: .builtin)
    }

    static let art41Text = "采取先建后补方式，……按照项目投资额50%补贴，最高不超过50万元。"

    static let policy: Policy = {
        let clauses = [
            Clause(id: "art4.1", cite: "第四条第（一）项", title: "中小企业数字化转型改造", text: art41Text, range: here),
            Clause(id: "art6.2", cite: "第六条第（二）项", title: nil, text: "已纳入……改造试点的中小企业。", range: here),
            Clause(id: "art16", cite: "第十六条", title: nil, text: "本办法自印发之日起施行，有效期至2025年12月31日。", range: here),
        ]
        let items = enumType("item", [("transformation", "中小企业数字化转型改造", "digital transformation")])
        let categories = enumType("expense_category", [("software", "软件", "software"), ("cloud", "云服务", "cloud"),
                                                       ("construction", "施工建设", "construction")])
        let expense = schema("expense", [
            field("name", "支出名称", .text), field("category", "支出类别", .enumeration(1)),
            field("amount", "金额", .money), field("paid_on", "付款日期", .date),
        ])
        let project = schema("project", [
            field("accepted_on", "测评验收日期", .optional(.date), path: "project.accepted_on"),
            field("expenses", "支出明细", .list(.record(2)), path: "project.expenses"),
        ])
        let root = schema("case", [
            field("item", "申报事项", .enumeration(0)), field("applied_on", "申报日期", .date),
            field("project", "项目", .record(1)),
        ])
        return Policy(id: "shenyang-sme-dx-fund", title: "沈阳市中小企业数字化转型试点城市专项资金管理办法", titleEn: nil,
                      version: "2024.1", valid: nil, rounding: .halfUp, directory: "/tmp",
                      digest: "sha256:0123456789abcdef0123456789abcdef", clauses: clauses,
                      clauseIndex: Dictionary(uniqueKeysWithValues: clauses.enumerated().map { ($1.id, $0) }),
                      enums: [items, categories], records: [root, project, expense], parameters: [], definitions: [], rules: [], packages: [],
                      itemSlot: 0)
    }()

    // MARK: - Decisions

    static func yuan(_ y: Int64) -> Money { Money(fen: y * 100) }

    /// A hand-made trace node; a bare name is a name unless `kind` says otherwise.
    static func node(_ text: String, _ type: ValueType, _ value: Value?, role: TraceNode.Role? = nil, label: String? = nil,
                     children: [TraceNode] = [], missing: [String] = [], exact: String? = nil, elements: [ElementTrace]? = nil,
                     kind: TraceNode.Kind? = nil) -> TraceNode {
        TraceNode(text: text, role: role, type: type, result: value.map { .value($0) } ?? .missing(missing), children: children,
                  exact: exact, elements: elements, label: label, origin: nil,
                  kind: kind ?? (TraceNode.isWrittenAsName(text) ? .name : .literal(writtenAsName: false)))
    }

    static let times = TraceNode.Kind.operation(.moneyTimesPercent, constant: nil)
    static let minus = TraceNode.Kind.operation(.moneySubtract, constant: nil)

    static func decision(outcome: Decision.Outcome, amount: Money, reasons: [Decision.Reason], rules: [RuleTrace],
                         definitions: [DefinitionTrace] = [], missing: [Decision.MissingFact] = [],
                         consequences: Decision.Consequences = .init()) -> Decision {
        Decision(caseID: "SY-2024-T-0001", casePath: "case.yaml", policyID: policy.id, policyTitle: policy.title,
                 policyVersion: policy.version, policyDigest: policy.digest, item: "transformation",
                 asOf: CivilDate(year: 2024, month: 11, day: 5)!, outcome: outcome, amount: amount, reasons: reasons,
                 consequences: consequences, missing: missing, rules: rules, definitions: definitions)
    }

    static let awardMessage = "按合规投入 ¥380,000.00 的 50% 补贴，最高不超过 ¥500,000.00"

    static var awardRule: RuleTrace {
        let award = node("eligible_spending * transformation_rate", .money, .money(yuan(190_000)), role: .main(.award), children: [
            node("eligible_spending", .money, .money(yuan(380_000)), label: "合规投入"),
            node("transformation_rate", .percent, .percent(Percent(millionths: 500_000)), label: "改造补贴比例"),
        ], kind: times)
        let cap = node("transformation_room", .money, .money(yuan(500_000)), role: .cap, label: "剩余改造补贴额度")
        return RuleTrace(rule: "transformation.amount", kind: .award, clauses: ["art4.1"], status: .fired, message: awardMessage,
                         messageEn: "50% of eligible spending", amount: yuan(190_000), steps: [award, cap])
    }

    static var awardReason: Decision.Reason {
        Decision.Reason(clause: "art4.1", cite: "第四条第（一）项", rule: "transformation.amount", effect: .award,
                        message: awardMessage, messageEn: "50% of eligible spending")
    }

    static func expense(_ name: String, _ category: Int, _ amount: Int64) -> Value {
        .record([.text(name), .enumCase(type: 1, index: category), .money(yuan(amount)), .date(CivilDate(year: 2024, month: 6, day: 10)!)])
    }

    /// 合规投入 over three expenses, the third (construction) left out by the filter.
    static var eligibleSpending: DefinitionTrace {
        let items: [(String, Int, Int64)] = [("MES 软件许可", 0, 300_000), ("云服务订阅", 1, 80_000), ("厂房改造", 2, 120_000)]
        let list = Value.list(items.map { expense($0.0, $0.1, $0.2) })
        let elements = items.enumerated().map { k, item in
            let e = expense(item.0, item.1, item.2)
            let included = item.1 != 2
            let filter = node("e.category in eligible_categories", .bool, .bool(included), children: [
                node("e.category", .enumeration(1), .enumCase(type: 1, index: item.1), children: [node("e", .record(2), e)],
                     kind: .member(field: 1, isName: true)),
                node("eligible_categories", .list(.enumeration(1)), .list([.enumCase(type: 1, index: 0), .enumCase(type: 1, index: 1)]),
                     label: "可补贴支出类别"),
            ])
            let contribution = included ? node("e.amount", .money, .money(yuan(item.2)), children: [node("e", .record(2), e)],
                                                   kind: .member(field: 2, isName: true)) : nil
            return ElementTrace(index: k, element: e, included: included, filter: filter, contribution: contribution)
        }
        let sum = node("sum(e.amount for e in project.expenses if e.category in eligible_categories)", .money, .money(yuan(380_000)),
                       role: .binding("eligible_spending"), label: "合规投入",
                       children: [node("project.expenses", .list(.record(2)), list, label: "支出明细")], elements: elements)
        return DefinitionTrace(name: "eligible_spending", label: "合规投入", clause: "art4.1", node: sum)
    }

    static var granted: Decision {
        decision(outcome: .granted, amount: yuan(190_000), reasons: [awardReason], rules: [awardRule], definitions: [eligibleSpending])
    }

    static var refused: Decision {
        let expired = RuleTrace(rule: "validity.expired", kind: .refuseWhen, clauses: ["art16"], status: .fired,
                                message: "申报日期 2026-01-05 晚于本办法有效期截止日 2025-12-31", fix: "申报日期须不晚于 2025-12-31",
                                steps: [node("applied_on > measures_end", .bool, .bool(true), role: .main(.refuseWhen), children: [
                                    node("applied_on", .date, .date(CivilDate(year: 2026, month: 1, day: 5)!), label: "申报日期"),
                                    node("measures_end", .date, .date(CivilDate(year: 2025, month: 12, day: 31)!), label: "本办法有效期截止日"),
                                ])])
        let pilot = RuleTrace(rule: "exclusion.pilot_2022", kind: .refuseWhen, clauses: ["art6.2"], status: .fired,
                              message: "申报主体已纳入工信厅联企业〔2022〕22号改造试点",
                              steps: [node("applicant.in_2022_pilot", .bool, .bool(true), role: .main(.refuseWhen), label: "已纳入2022年改造试点")])
        let accepted = RuleTrace(rule: "transformation.accepted", kind: .needs, clauses: ["art4.1"], status: .pending,
                                 missing: ["project.accepted_on"], steps: [])
        let reasons = [
            Decision.Reason(clause: "art16", cite: "第十六条", rule: "validity.expired", effect: .refuse, message: expired.message!),
            Decision.Reason(clause: "art6.2", cite: "第六条第（二）项", rule: "exclusion.pilot_2022", effect: .refuse, message: pilot.message!),
        ]
        return decision(outcome: .refused, amount: .zero, reasons: reasons, rules: [expired, pilot, accepted],
                        consequences: .init(clawback: yuan(120_000), blacklistedUntil: CivilDate(year: 2027, month: 8, day: 31)))
    }

    // MARK: - JSON

    @Test func jsonLineOfAGrantedDecision() {
        let d = Self.decision(outcome: .granted, amount: Self.yuan(190_000), reasons: [Self.awardReason], rules: [Self.awardRule])
        let json = JSONDecisionRenderer.render(d, policy: Self.policy, lang: .zh, traceVersion: 1)
        let expected = #"{"case":"SY-2024-T-0001","policy":"shenyang-sme-dx-fund","policy_digest":"sha256:0123456789abcdef0123456789abcdef","#
            + #""policy_version":"2024.1","packages":[],"item":"transformation","as_of":"2024-11-05","outcome":"granted","amount":"190000.00","#
            + #""reasons":[{"clause":"art4.1","cite":"第四条第（一）项","rule":"transformation.amount","effect":"award","#
            + #""message":"按合规投入 ¥380,000.00 的 50% 补贴，最高不超过 ¥500,000.00"}],"#
            + #""consequences":{"clawback":"0.00","blacklisted_until":null},"missing":[],"#
            + #""trace":{"definitions":[],"rules":[{"rule":"transformation.amount","kind":"award","clauses":["art4.1"],"#
            + #""status":"fired","message":"按合规投入 ¥380,000.00 的 50% 补贴，最高不超过 ¥500,000.00","amount":"190000.00","#
            + #""capped":false,"missing":[],"steps":["#
            + #"{"expr":"eligible_spending * transformation_rate","role":"award","value":"190000.00","children":["#
            + #"{"expr":"eligible_spending","value":"380000.00","label":"合规投入"},"#
            + #"{"expr":"transformation_rate","value":"50%","label":"改造补贴比例"}]},"#
            + #"{"expr":"transformation_room","role":"cap","value":"500000.00","label":"剩余改造补贴额度"}]}]}}"#
        #expect(json == expected)
        #expect(!json.contains("\n"))
        #expect(JSONDecisionRenderer.render(d, policy: Self.policy, lang: .zh, traceVersion: 1) == json)
        #expect(JSONDecisionRenderer.render(d, policy: Self.policy, lang: .en).contains(#""message":"50% of eligible spending""#))
    }

    @Test func jsonTraceOfAnAggregation() {
        let json = JSONDecisionRenderer.render(Self.granted, policy: Self.policy, lang: .zh, traceVersion: 1)
        #expect(json.contains(#""definitions":[{"name":"eligible_spending","label":"合规投入","clause":"art4.1","value":"380000.00","steps":{"#))
        // Records keyed by field name, enums by name, dates ISO.
        #expect(json.contains(#"{"index":2,"included":false,"value":{"name":"厂房改造","category":"construction","amount":"120000.00","paid_on":"2024-06-10"},"filter":{"expr":"e.category in eligible_categories","value":false,"#))
        #expect(json.contains(#""label":"支出类别""#))
    }

    /// The same decision in the compact shape: each value and label once, in `values` and
    /// `labels`; nodes the test made up have no place in a text, so they keep their own.
    @Test func compactJSONLineOfAGrantedDecision() {
        let d = Self.decision(outcome: .granted, amount: Self.yuan(190_000), reasons: [Self.awardReason], rules: [Self.awardRule])
        let json = JSONDecisionRenderer.render(d, policy: Self.policy, lang: .zh)
        let trace = #""trace":{"trace_version":2,"#
            + #""labels":{"eligible_spending":"合规投入","transformation_rate":"改造补贴比例","transformation_room":"剩余改造补贴额度"},"#
            + #""values":{"eligible_spending":"380000.00","transformation_rate":"50%","transformation_room":"500000.00"},"#
            + #""definitions":[],"rules":[{"rule":"transformation.amount","kind":"award","clauses":["art4.1"],"status":"fired","#
            + #""message":"按合规投入 ¥380,000.00 的 50% 补贴，最高不超过 ¥500,000.00","amount":"190000.00","steps":["#
            + #"{"role":"award","expr":"eligible_spending * transformation_rate","value":"190000.00","#
            + #""children":[{"expr":"eligible_spending"},{"expr":"transformation_rate"}]},"#
            + #"{"role":"cap","expr":"transformation_room"}]}]}}"#
        #expect(json.hasSuffix(trace), "\(json)")
    }

    @Test func jsonMissingAndNone() {
        let n = Self.node("project.accepted_on", .optional(.date), nil, missing: ["project.accepted_on"])
        #expect(JSONDecisionRenderer.node(n, policy: Self.policy) == #"{"expr":"project.accepted_on","value":null,"missing":["project.accepted_on"],"label":"测评验收日期"}"#)
        #expect(JSONDecisionRenderer.value(.none, nil, policy: Self.policy) == "null")
        #expect(JSONDecisionRenderer.value(.period(Period(start: CivilDate(year: 2024, month: 1, day: 1)!, end: CivilDate(year: 2025, month: 12, day: 31)!)), nil, policy: Self.policy) == #""2024-01-01..2025-12-31""#)
        #expect(JSONDecisionRenderer.value(.list([.int(1), .bool(true)]), nil, policy: Self.policy) == "[1,true]")
        #expect(JSONDecisionRenderer.value(.duration(CalendarDuration(years: 3)), nil, policy: Self.policy) == #""3 years""#)
    }

    @Test func jsonStringEscaping() {
        #expect(JSONWriter.quoted("a\"b\\c\nd\te\u{1}f/中文¥") == #""a\"b\\c\u000ad\u0009e\u0001f/中文¥""#)
        var d = Self.decision(outcome: .granted, amount: Self.yuan(1), reasons: [], rules: [])
        d.caseID = "SY-\"quoted\"\\\n"
        #expect(JSONDecisionRenderer.render(d, policy: Self.policy, lang: .zh).hasPrefix(#"{"case":"SY-\"quoted\"\\\u000a","#))
    }

    @Test func refusedDecisionListsEveryReasonInOrder() {
        let d = Self.refused
        let json = JSONDecisionRenderer.render(d, policy: Self.policy, lang: .zh)
        #expect(json.contains(#""outcome":"refused","amount":"0.00","reasons":[{"clause":"art16","cite":"第十六条","rule":"validity.expired","effect":"refuse","#))
        let first = json.range(of: #""clause":"art16""#)!, second = json.range(of: #""clause":"art6.2""#)!
        #expect(first.lowerBound < second.lowerBound)
        #expect(json.contains(#""consequences":{"clawback":"120000.00","blacklisted_until":"2027-08-31"}"#))

        let text = TextDecisionRenderer.render(d, policy: Self.policy, lang: .zh, explain: false)
        #expect(text == """
            案件 SY-2024-T-0001 · 中小企业数字化转型改造 · 结论：不予支持
              [第十六条 art16] 申报日期 2026-01-05 晚于本办法有效期截止日 2025-12-31
              [第六条第（二）项 art6.2] 申报主体已纳入工信厅联企业〔2022〕22号改造试点
              追回已拨付资金 ¥120,000.00
              纳入黑名单至 2027-08-31

            """)
    }

    // MARK: - Text

    @Test func compactTextOfAGrantedDecision() {
        let text = TextDecisionRenderer.render(Self.granted, policy: Self.policy, lang: .zh, explain: false)
        #expect(text == """
            案件 SY-2024-T-0001 · 中小企业数字化转型改造 · 结论：予以支持 ¥190,000.00
              [第四条第（一）项 art4.1] \(Self.awardMessage)

            """)
        let en = TextDecisionRenderer.render(Self.granted, policy: Self.policy, lang: .en, explain: false)
        #expect(en.hasPrefix("Case SY-2024-T-0001 · digital transformation · Outcome: granted ¥190,000.00\n"))
        #expect(en.contains("50% of eligible spending"))
    }

    @Test func explainQuotesTheClauseAndShowsTheArithmetic() {
        let text = TextDecisionRenderer.render(Self.granted, policy: Self.policy, lang: .zh, explain: true)
        #expect(text.hasPrefix("沈阳市中小企业数字化转型试点城市专项资金管理办法\n版本 2024.1 · 摘要 0123456789ab · 评估日期 2024-11-05\n"))
        #expect(text.contains("¥190,000.00"))
        #expect(text.contains("「\(Self.art41Text)」"))
        #expect(text.contains("合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00"))
        #expect(text.contains("不超过上限 ¥500,000.00"))
        #expect(text.contains("✓ MES 软件许可 ¥300,000.00 计入\n"))
        #expect(text.contains("✗ 厂房改造 ¥120,000.00 不计入：e.category in eligible_categories 不成立（支出类别 = 施工建设）\n"))
        #expect(text.contains("规则检查\n"))
        #expect(text.contains("✓ [第四条第（一）项] transformation.amount："))
        #expect(text.hasSuffix("\n"))
    }

    @Test func explainOfARefusalSaysWhatWouldHaveToChange() {
        let text = TextDecisionRenderer.render(Self.refused, policy: Self.policy, lang: .zh, explain: true)
        #expect(text.contains("✗ [第十六条] validity.expired：申报日期 2026-01-05 晚于本办法有效期截止日 2025-12-31\n"))
        #expect(text.contains("申报日期须不晚于 2025-12-31"))
        // No fix in the package: the conditions that fired, with their values.
        #expect(text.contains("需改变：applicant.in_2022_pilot 成立（已纳入2022年改造试点 = 是）"))
        #expect(text.contains("? [第四条第（一）项] transformation.accepted：待定\n"))
        #expect(text.contains("缺少：测评验收日期 (project.accepted_on)"))
        #expect(text.contains("「本办法自印发之日起施行，有效期至2025年12月31日。」"))
    }

    @Test func cappedAwardAndRounding() {
        var rule = Self.awardRule
        rule.amount = Self.yuan(500_000)
        rule.uncapped = Self.yuan(600_000)
        rule.capped = true
        rule.steps[0] = Self.node("eligible_spending * transformation_rate", .money, .money(Money(fen: 51)), role: .main(.award),
                                  children: rule.steps[0].children, exact: "0.505", kind: Self.times)
        let d = Self.decision(outcome: .granted, amount: Self.yuan(500_000), reasons: [Self.awardReason], rules: [rule])
        let text = TextDecisionRenderer.render(d, policy: Self.policy, lang: .zh, explain: true)
        #expect(text.contains("= ¥0.51（精确值 0.505，四舍五入到分）"))
        #expect(text.contains("超过上限，按上限 ¥500,000.00 核定"))
    }

    /// `cap - granted - ledger`: one line of labelled terms, not the inner `cap - granted` as code;
    /// an inner step with something of its own to say (here a rounding) keeps its own term.
    @Test func aChainOfOneKindOfArithmeticReadsAsOneLineOfTerms() {
        func room(inner exact: String?) -> DefinitionTrace {
            let inner = Self.node("transformation_cap - project.previously_granted", .money, .money(Self.yuan(400_000)), children: [
                Self.node("transformation_cap", .money, .money(Self.yuan(500_000)), label: "改造补贴上限"),
                Self.node("project.previously_granted", .money, .money(Self.yuan(100_000)), label: "已获改造补贴"),
            ], exact: exact, kind: Self.minus)
            let outer = Self.node("transformation_cap - project.previously_granted - ledger.enterprise_transformation", .money,
                                  .money(Self.yuan(350_000)), role: .binding("transformation_room"), label: "剩余改造补贴额度", children: [
                inner, Self.node("ledger.enterprise_transformation", .money, .money(Self.yuan(50_000)), label: "本企业已获改造补贴（基金记录）"),
            ], kind: Self.minus)
            return DefinitionTrace(name: "transformation_room", label: "剩余改造补贴额度", clause: "art4.1", node: outer)
        }
        func explain(_ def: DefinitionTrace) -> String {
            let d = Self.decision(outcome: .granted, amount: Self.yuan(190_000), reasons: [Self.awardReason], rules: [Self.awardRule],
                                  definitions: [def])
            return TextDecisionRenderer.render(d, policy: Self.policy, lang: .zh, explain: true)
        }
        #expect(explain(room(inner: nil)).contains(
            "\n    改造补贴上限 ¥500,000.00 − 已获改造补贴 ¥100,000.00 − 本企业已获改造补贴（基金记录） ¥50,000.00 = ¥350,000.00\n"))
        #expect(explain(room(inner: "400000.004")).contains(
            "\n    改造补贴上限 − 已获改造补贴 ¥400,000.00 − 本企业已获改造补贴（基金记录） ¥50,000.00 = ¥350,000.00\n"))
    }

    // MARK: - Markdown

    @Test func markdownHasTheReasonsTableAndQuotes() {
        let md = MarkdownDecisionRenderer.render(Self.granted, policy: Self.policy, lang: .zh)
        #expect(md.hasPrefix("# 案件 SY-2024-T-0001 · 中小企业数字化转型改造 · 结论：予以支持 ¥190,000.00\n"))
        #expect(md.contains("| 条款 | 规则 | 说明 |\n| --- | --- | --- |\n| 第四条第（一）项 (`art4.1`) | `transformation.amount` |"))
        #expect(md.contains("> \(Self.art41Text)\n"))
        #expect(md.contains("- 合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00\n"))
        #expect(md.contains("| ✓ | 第四条第（一）项 | `transformation.amount` |"))
    }

    // MARK: - A real decision

    @Test func shenyangExcludedExpenseIsExplained() throws {
        let yaml = """
            case: SY-2024-T-0009
            policy: shenyang-sme-dx-fund
            item: transformation
            applied_on: 2024-11-05
            applicant:
              name: 沈阳示例风机有限公司
              credit_code: 91210106MA0Y3K2X5T
              kind: enterprise
              district: 铁西区
              sector: air_cooling
              is_sme: true
              in_pilot_library: true
              little_giant: false
              central_sme_fund_received: false
              in_2022_pilot: false
              blacklisted_until: null
            project:
              digital_level: 2
              accepted_on: 2024-10-30
              previously_granted: 0
              expenses:
                - { name: MES 软件许可, category: software, amount: 300000.00, paid_on: 2024-06-10 }
                - { name: 云平台订阅, category: cloud, amount: 80000.00, paid_on: 2024-07-01 }
                - { name: 厂房改造, category: construction, amount: 120000.00, paid_on: 2024-05-20 }
              changes: []
            requested: 0
            already_awarded: false
            fraud_found_on: null
            disbursed: 0
            """
        let d = try #require(decide(yaml: yaml))
        let policy = Repo.shenyang
        let text = TextDecisionRenderer.render(d, policy: policy, lang: .zh, explain: true)
        #expect(text.contains("结论：予以支持 ¥190,000.00"))
        #expect(text.contains("合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00"))
        #expect(text.contains("✗ 厂房改造 ¥120,000.00 不计入：e.category in eligible_categories 不成立（"))
        #expect(text.contains("「\(policy.clause("art4.1")!.text)」"))
        let json = JSONDecisionRenderer.render(d, policy: policy, lang: .zh)
        #expect(json.hasPrefix(#"{"case":"SY-2024-T-0009","policy":"shenyang-sme-dx-fund","policy_digest":"sha256:"#))
        #expect(!json.contains("\n"))
    }
}
