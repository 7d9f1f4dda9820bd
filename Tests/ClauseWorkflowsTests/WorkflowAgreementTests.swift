import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import ClauseWorkflows
import Foundation
import Testing

/// A history must agree with its case and with the decision, guards speak in words,
/// and `workflow next` judges the actor who asks.
@Suite struct WorkflowAgreementTests {
    /// The history-paid case with some replacements, replayed.
    static func replay(_ replacements: [(String, String)], asOf: CivilDate? = nil,
                       recorded: (outcome: Decision.Outcome, amount: Money)? = nil) throws -> CaseReplay {
        var bag = DiagnosticBag()
        var text = try String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)
        for (a, b) in replacements {
            #expect(text.contains(a), "history-paid.yaml no longer contains \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        let root = try #require(YAMLReader.read(SourceFile(path: "probe.yaml", text: text), into: &bag))
        return try WorkflowSupport.session.replay(root: root, path: "probe.yaml", asOf: asOf, onRecord: recorded).get()
    }

    static let acceptEvent = "  - { event: accept,        on: 2024-10-30, by: { role: third_party, name: 某评测机构 }, digital_level: 2 }"
    static let payEvent = "  - { event: pay,           on: 2024-12-10, by: { role: city_bureau }, amount: 190000.00 }\n"

    /// Probe: an `accept` at level 1 on another day than the case's acceptance replayed clean.
    @Test func acceptMustAgreeWithTheCase() throws {
        let r = try Self.replay([(Self.acceptEvent, Self.acceptEvent.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 1")
                                                        .replacingOccurrences(of: "2024-10-30", with: "2024-11-02"))])
        #expect(r.violations.map(\.clause) == ["art10", "art10"])
        #expect(r.violations.map(\.event) == [3, 3])
        #expect(r.violations[0].message == "2024-11-02 测评验收：验收日期应与案卷一致：办理经过记载 2024-11-02 验收，案卷验收日期为 2024-10-30"
                + "（event.on = 2024-11-02，project.accepted_on = 2024-10-30）")
        #expect(r.violations[1].message.hasPrefix("2024-11-02 测评验收：验收等级应与案卷一致：办理经过记载测评为 1 级，案卷为 2 级"))
        #expect(r.violations[1].messageEn.hasPrefix("2024-11-02 accept: the history records digital level 1, the case says 2"))
    }

    /// Probe: when the case itself says level 1, the payment of ¥190,000 is flagged citing 第四条第（一）项.
    @Test func paymentOfARefusedCaseCitesTheRefusingClause() throws {
        let r = try Self.replay([(Self.acceptEvent, Self.acceptEvent.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 1")),
                                 ("  digital_level: 2\n", "  digital_level: 1\n")])
        #expect(r.violations.map(\.clause) == ["art10"])
        #expect(r.violations[0].cites == ["art4.1"])
        #expect(r.violations[0].message.contains("只能拨付政策决定予以支持的项目，本案政策决定为不予支持"))
        #expect(r.violations[0].message.hasSuffix("不予支持依据：第四条第（一）项）"))
    }

    /// Probe: the district and the city both pass an applicant of the 2022 pilot: each is a
    /// violation of its own article, citing 第六条第（二）项, besides the payment.
    @Test func passingARefusedCaseIsAViolationOfEachReview() throws {
        let r = try Self.replay([("  in_2022_pilot: false", "  in_2022_pilot: true")])
        #expect(r.violations.map(\.clause) == ["art8.2", "art8.3", "art10"])
        #expect(r.violations.map(\.kind) == [.guardFailed, .guardFailed, .guardFailed])
        #expect(r.violations.map(\.event) == [1, 2, 4])
        #expect(r.violations.allSatisfy { $0.cites == ["art6.2"] })
        #expect(r.violations[0].message.hasPrefix("2024-07-20 初审通过：初审通过了依本办法不予支持的项目（decision.outcome = 不予支持；不予支持依据：第六条第（二）项）"))
        #expect(r.violations[1].messageEn.hasPrefix("2024-08-05 city_pass: the city review passed an application that the measures refuse"))
        #expect(r.violations[1].messageEn.hasSuffix("refused under 第六条第（二）项)"))
    }

    /// A submission on another day than the case's application date.
    @Test func submitMustAgreeWithTheApplicationDate() throws {
        let r = try Self.replay([("{ event: submit,        on: 2024-07-02", "{ event: submit,        on: 2024-06-30")])
        #expect(r.violations.map(\.clause) == ["art8.1"])
        #expect(r.violations[0].message == "2024-06-30 申报：申报日期应与案卷一致：办理经过记载 2024-06-30 申报，案卷申报日期为 2024-07-02"
                + "（event.on = 2024-06-30，applied_on = 2024-07-02）")
    }

    /// Guards speak in words: 属地原则, with the values, not the expression.
    @Test func guardViolationsReadAsWords() throws {
        let r = try #require(WorkflowSupport.replay("Playground/cases/history-violations.yaml"))
        #expect(r.violations[0].message == "2024-07-20 初审通过：属地原则：区县工信部门只初审本区县的申报项目，办理部门属浑南区，申报企业注册于铁西区"
                + "（actor.district = 浑南区，applicant.district = 铁西区）")
        #expect(r.violations[0].messageEn.hasPrefix("2024-07-20 district_pass: territoriality: a district bureau reviews only its own district's applications"))
    }

    /// With the fund's record, a payment is judged against the decision on record.
    @Test func paymentIsBoundByTheRecordedDecision() throws {
        let r = try Self.replay([], recorded: (.granted, Money(fen: 10_000_000)))
        #expect(r.violations.map(\.clause) == ["art10"])
        #expect(r.violations[0].message == "2024-12-10 拨付：拨付合计 ¥190,000.00 超过政策决定金额 ¥100,000.00，超出 ¥90,000.00")
        #expect(r.violations[0].kind == .excess)
        let refused = try Self.replay([], recorded: (.refused, .zero))
        #expect(refused.violations.map(\.message).first?.contains("本案政策决定为不予支持") == true)
        #expect(try Self.replay([], recorded: (.granted, Money(fen: 19_000_000))).violations.isEmpty)
    }

    // MARK: - next --as

    static func actor(_ role: String, district: String? = nil) -> Actor {
        let p = Repo.shenyang
        var attributes: [String: Value] = [:]
        if let district, let t = p.enums.firstIndex(where: { $0.name == "district" }), let i = p.enums[t].index[district] {
            attributes["district"] = .enumCase(type: t, index: i)
        }
        return Actor(role: role, name: nil, attributes: attributes)
    }

    static func submitted() throws -> CaseReplay {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)
        let cut = text.components(separatedBy: "  - { event: district_pass").first!
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "cut.yaml", text: cut), into: &bag))
        return try WorkflowSupport.session.replay(root: root, path: "cut.yaml").get()
    }

    /// Done-when: a 浑南区 reviewer on a 铁西区 case is offered nothing and told why.
    @Test func anotherDistrictMayDoNothingAndIsToldWhy() throws {
        let options = NextActions.judge(try Self.submitted(), actor: Self.actor("district_bureau", district: "浑南区"), on: nil)
        #expect(options.map(\.event.name) == ["district_pass", "district_return", "district_reject", "fraud_found"])
        #expect(options.allSatisfy { $0.status == .mayNot })
        #expect(options.map { $0.reasons.map(\.clause) } == [["art8.2"], ["art8.2"], ["art8.2"], ["art13"]])
        #expect(options[0].reasons[0].message.hasPrefix("属地原则：区县工信部门只初审本区县的申报项目，办理部门属浑南区，申报企业注册于铁西区"))
    }

    @Test func theApplicantsDistrictMayReview() throws {
        let options = NextActions.judge(try Self.submitted(), actor: Self.actor("district_bureau", district: "铁西区"), on: nil)
        #expect(options.filter { $0.status == .may }.map(\.event.name) == ["district_pass", "district_return", "district_reject", "fraud_found"])
        // Without --district the territorial guard cannot be judged: allowed if it holds.
        let unknown = NextActions.judge(try Self.submitted(), actor: Self.actor("district_bureau"), on: nil)
        #expect(unknown.map(\.status) == [.depends, .depends, .depends, .depends])
        #expect(unknown[0].reasons.map(\.clause) == ["art8.2"])
    }

    static func accepted() throws -> CaseReplay {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "cut.yaml", text: text.replacingOccurrences(of: Self.payEvent, with: "")), into: &bag))
        return try WorkflowSupport.session.replay(root: root, path: "cut.yaml").get()
    }

    @Test func aPaymentDependsOnItsAmount() throws {
        let city = NextActions.judge(try Self.accepted(), actor: Self.actor("city_bureau"), on: nil)
        #expect(city.map(\.event.name) == ["pay", "fraud_found"])
        #expect(city.map(\.status) == [.depends, .may])
        #expect(city[0].reasons.map(\.clause) == ["art10"])
        #expect(city[0].reasons[0].message == "拨付金额不超过 ¥190,000.00（政策决定金额 ¥190,000.00，已拨付 ¥0.00）")
        #expect(NextActions.judge(try Self.accepted(), actor: Self.actor("enterprise"), on: nil).map(\.event.name) == ["change_request"])
    }

    /// A case refused under 第九条 (a change carried out without filing) may not be paid, and `next` says why.
    @Test func aRefusedCaseMayNotBePaid() throws {
        let r = try #require(WorkflowSupport.replay("Playground/cases/history-violations.yaml"))
        let city = NextActions.judge(r, actor: Self.actor("city_bureau"), on: nil)
        #expect(city.map(\.event.name) == ["pay", "fraud_found"])
        #expect(city.map(\.status) == [.mayNot, .may])
        #expect(city[0].reasons.map(\.clause) == ["art10"])
        #expect(city[0].reasons[0].message.hasPrefix("只能拨付政策决定予以支持的项目，本案政策决定为不予支持"))
    }
}
