import ClauseTestSupport
import Foundation
import Testing

/// `clause workflow …` through the built binary: the exact JSON (docs/reference/json.md) and the exit status.
@Suite struct WorkflowEndToEndTests {
    @Test func checkJSONIsExactAndExitsOneOnViolations() throws {
        let r = try ClauseBinary.clause(["workflow", "check", "--format", "json", "Playground/cases/history-violations.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.isEmpty)
        let expected = #"{"case":"SY-2024-T-0102","state":"accepted","violations":["#
            + #"{"clause":"art8.2","event":1,"message":"2024-07-20 初审通过：属地原则：区县工信部门只初审本区县的申报项目，办理部门属浑南区，申报企业注册于铁西区（actor.district = 浑南区，applicant.district = 铁西区）","kind":"guard"},"#
            + #"{"clause":"art9","event":3,"message":"2024-08-20 实施变更：在「按申报方案实施」状态下不得办理（严禁擅自变更，重大变化须经区县审核意见并报市工信局备案），须处于「变更已备案」","kind":"not_allowed"},"#
            + #"{"clause":"art10","event":4,"message":"2024-09-10 拨付：在「复核通过（待验收）」状态下不得办理（先建后补，经第三方测评验收后方可通过“好政策”平台拨付），须处于「已验收（待拨付）」","kind":"not_allowed"}],"#
            + #""findings":[{"clause":"plan.timeline.3","event":5,"message":"2024-10-30 测评验收：早于窗口开始 2024-11-01（试点企业批次验收）","kind":"schedule"}],"#
            + #""next":{"enterprise":["change_request"],"district_bureau":["fraud_found"],"city_bureau":["fraud_found"],"third_party":[]},"#
            + #""states":{"shenyang-application":"accepted","shenyang-change":"as_planned","shenyang-fraud":"in_good_standing"},"#
            + #""effects":{"paid":"100000.00","clawback":"0.00","blacklisted_until":null}}"# + "\n"
        #expect(r.stdout == expected)
    }

    @Test func compliantCaseChecksCleanAndStatusSaysPaid() throws {
        let check = try ClauseBinary.clause(["workflow", "check", "Playground/cases/history-paid.yaml"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let status = try ClauseBinary.clause(["workflow", "status", "--lang", "en", "Playground/cases/history-paid.yaml"])
        #expect(status.stdout.hasPrefix("SY-2024-T-0101  state: paid (paid, 第十条)\n"))
        let next = try ClauseBinary.clause(["workflow", "next", "Playground/cases/history-violations.yaml", "--as", "city_bureau", "--format", "json"])
        // The case is refused under 第九条 (a change carried out unfiled): the city may not pay it, and is told why.
        #expect(next.stdout == #"{"case":"SY-2024-T-0102","state":"accepted","role":"city_bureau","next":["fraud_found"],"depends":[],"#
                + #""may_not":[{"event":"pay","clause":"art10","message":"只能拨付政策决定予以支持的项目，本案政策决定为不予支持（decision.outcome = 不予支持；不予支持依据：第九条、第九条第（一）项）"}]}"# + "\n")
        #expect(try ClauseBinary.clause(["workflow", "next", "Playground/cases/history-paid.yaml", "--as", "city_bureu"]).status == 2)
    }

    @Test func malformedHistoryIsBadInput() throws {
        let r = try ClauseBinary.clause(["workflow", "status", "Tests/Fixtures/invalid-histories/all-errors-at-once.yaml",
                                          "Playground/cases/history-paid.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("SY-2024-T-0101"))
        #expect(r.stderr.contains("all-errors-at-once.yaml:24:14: error: unknown event 'sumbit'; did you mean 'submit'?"))
    }

    @Test func checkAndTestIncludeWorkflows() throws {
        let check = try ClauseBinary.clause(["check", "Workflows"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Workflows/shenyang-application.yaml: ok — workflow shenyang-application"))
        let bad = try ClauseBinary.clause(["check", "Tests/Fixtures/invalid-workflows/guard-not-boolean.yaml"])
        #expect(bad.status == 1)
        let test = try ClauseBinary.clause(["test", "Workflows"])
        let last = test.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(test.status == 0, "\(test.stdout)")
        #expect(last.hasSuffix(" passed, 0 failed") && !last.hasPrefix("0 passed"))
    }

    /// The work plan's window missed is a schedule finding: reported, but `check` exits 0.
    @Test func aScheduleFindingIsReportedButDoesNotFailCheck() throws {
        let s = try StoreScratch()
        try s.write("late.yaml", try StoreScratch.playground("history-paid.yaml", [
            ("accepted_on: 2024-10-30", "accepted_on: 2025-01-01"), ("on: 2024-10-30", "on: 2025-01-01"), ("on: 2024-12-10", "on: 2025-01-10"),
        ]))
        let r = try ClauseBinary.clause(["workflow", "check", "--format", "json", "late.yaml", "--workflows", Repo.path("Workflows")], cwd: s.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(#""violations":[],"findings":[{"clause":"plan.timeline.3","event":3,"#
                                  + #""message":"2025-01-01 测评验收：晚于期限 2024-12-31（试点企业批次验收）","kind":"schedule"}]"#), "\(r.stdout)")
        let text = try ClauseBinary.clause(["workflow", "check", "late.yaml", "--workflows", Repo.path("Workflows")], cwd: s.root)
        #expect(text.stdout.contains("违规：无\n日程（工作方案的时间安排，不计为申报单位违规）：\n  ◦ 工作方案 二（三）实施时间 [3] 2025-01-01 测评验收：晚于期限 2024-12-31"))
    }

    /// Out-of-order events are a violation with a status, not a file error; a corrective event by
    /// the city bureau mends a mistaken 初审, and a history whose every violation is mended checks clean.
    @Test func outOfOrderIsAViolationAndACorrectionMendsAMistakenReview() throws {
        let s = try StoreScratch()
        try s.write("order.yaml", try StoreScratch.playground("history-paid.yaml", [("on: 2024-08-05", "on: 2024-07-10")]))
        let order = try ClauseBinary.clause(["workflow", "check", "--format", "json", "order.yaml", "--workflows", Repo.path("Workflows")], cwd: s.root)
        #expect(order.status == 1)
        #expect(order.stderr.isEmpty)
        #expect(order.stdout.contains(#""violations":[{"clause":"art8.3","event":2,"message":"2024-07-10 复核通过：早于前一事件的日期 2024-07-20，"#
                                      + #"办理经过应按发生先后记载","kind":"order"}]"#), "\(order.stdout)")

        let text = try StoreScratch.playground("history-paid.yaml", [
            ("district: 铁西区, name: 王审核 } }", "district: 浑南区, name: 赵审核 } }\n"
             + "  - { event: district_reopen, on: 2024-07-22, by: { role: city_bureau, name: 李复核 }, reason: 初审部门非企业注册地区县 }\n"
             + "  - { event: district_pass, on: 2024-07-25, by: { role: district_bureau, district: 铁西区, name: 王审核 } }"),
        ])
        try s.write("mended.yaml", text)
        let mended = try ClauseBinary.clause(["workflow", "check", "--format", "json", "mended.yaml", "--workflows", Repo.path("Workflows")], cwd: s.root)
        #expect(mended.status == 0, "\(mended.stdout)\(mended.stderr)")
        #expect(mended.stdout.contains(#""kind":"guard","corrected_by":2,"correction":"初审部门非企业注册地区县"}]"#), "\(mended.stdout)")
        let status = try ClauseBinary.clause(["workflow", "status", "mended.yaml", "--workflows", Repo.path("Workflows")], cwd: s.root)
        #expect(status.stdout.contains("  ✓ 第八条第（二）项 [1] 2024-07-20 初审通过：属地原则："))
        #expect(status.stdout.contains("（已由 [2] 纠正：初审部门非企业注册地区县）\n"))
        #expect(status.stdout.contains("[2] 2024-07-22 district_reopen: district_passed → submitted"))
    }

    /// Territoriality (第八条): a 浑南区 reviewer on a 铁西区 case is offered nothing, and told why.
    @Test func nextKnowsWhoAsks() throws {
        let s = try StoreScratch()
        let text = try StoreScratch.playground("history-paid.yaml")
        try s.write("case.yaml", text.components(separatedBy: "  - { event: district_pass").first!)
        let other = try ClauseBinary.clause(["next", "case.yaml", "--as", "district_bureau", "--district", "浑南区", "--workflows",
                                              Repo.path("Workflows")].withWorkflow, cwd: s.root)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.hasPrefix("SY-2024-T-0101  状态：已申报（待初审）\n  区县工信部门（浑南区）当前无可办理事项\n  不可办理：\n  ✗ district_pass  初审通过\n"
                                       + "      第八条第（二）项：属地原则：区县工信部门只初审本区县的申报项目，办理部门属浑南区，申报企业注册于铁西区"), "\(other.stdout)")
        let english = try ClauseBinary.clause(["next", "case.yaml", "--as", "district_bureau", "--district", "浑南区", "--lang", "en",
                                                "--workflows", Repo.path("Workflows")].withWorkflow, cwd: s.root)
        #expect(english.stdout.contains("  nothing for district bureau (浑南区) to do\n  may not:\n  ✗ district_pass  district review passed\n"
                                        + "      第八条第（二）项: territoriality: a district bureau reviews only its own district's applications"), "\(english.stdout)")
        let own = try ClauseBinary.clause(["next", "case.yaml", "--as", "district_bureau", "--district", "铁西区", "--name", "王审核",
                                            "--format", "json", "--workflows", Repo.path("Workflows")].withWorkflow, cwd: s.root)
        #expect(own.stdout == #"{"case":"SY-2024-T-0101","state":"submitted","role":"district_bureau","#
                + #""next":["district_pass","district_return","district_reject","fraud_found"],"depends":[],"may_not":[]}"# + "\n")
        let bad = try ClauseBinary.clause(["next", "case.yaml", "--as", "district_bureau", "--district", "铁西",
                                            "--workflows", Repo.path("Workflows")].withWorkflow, cwd: s.root)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown district '铁西'"))
    }
}

private extension Array where Element == String {
    /// `workflow` before the subcommand's arguments.
    var withWorkflow: [String] { ["workflow"] + self }
}
