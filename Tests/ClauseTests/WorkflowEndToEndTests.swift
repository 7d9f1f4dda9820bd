import Foundation
import Testing

/// `clause workflow …` through the built binary: the exact JSON of CONTRACT §5 and the exit status.
@Suite struct WorkflowEndToEndTests {
    @Test func checkJSONIsExactAndExitsOneOnViolations() throws {
        let r = try EndToEndTests.clause(["workflow", "check", "--format", "json", "Playground/cases/history-violations.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.isEmpty)
        let expected = #"{"case":"SY-2024-T-0102","state":"accepted","violations":["#
            + #"{"clause":"art8.2","event":1,"message":"2024-07-20 初审通过：不满足条件 actor.district == applicant.district（actor.district = 浑南区，applicant.district = 铁西区）","kind":"guard"},"#
            + #"{"clause":"art9","event":3,"message":"2024-08-20 实施变更：在「按申报方案实施」状态下不得办理（严禁擅自变更，重大变化须经区县审核意见并报市工信局备案），须处于「变更已备案」","kind":"not_allowed"},"#
            + #"{"clause":"art10","event":4,"message":"2024-09-10 拨付：在「复核通过（待验收）」状态下不得办理（先建后补，经第三方测评验收后方可通过“好政策”平台拨付），须处于「已验收（待拨付）」","kind":"not_allowed"}],"#
            + #""next":{"enterprise":["change_request"],"district_bureau":["fraud_found"],"city_bureau":["pay","fraud_found"],"third_party":[]},"#
            + #""states":{"shenyang-application":"accepted","shenyang-change":"as_planned","shenyang-fraud":"in_good_standing"},"#
            + #""effects":{"clawback":"0.00","blacklisted_until":null}}"# + "\n"
        #expect(r.stdout == expected)
    }

    @Test func compliantCaseChecksCleanAndStatusSaysPaid() throws {
        let check = try EndToEndTests.clause(["workflow", "check", "Playground/cases/history-paid.yaml"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let status = try EndToEndTests.clause(["workflow", "status", "--lang", "en", "Playground/cases/history-paid.yaml"])
        #expect(status.stdout.hasPrefix("SY-2024-T-0101  state: paid (paid, 第十条)\n"))
        let next = try EndToEndTests.clause(["workflow", "next", "Playground/cases/history-violations.yaml", "--as", "city_bureau", "--format", "json"])
        #expect(next.stdout == #"{"case":"SY-2024-T-0102","state":"accepted","role":"city_bureau","next":["pay","fraud_found"]}"# + "\n")
        #expect(try EndToEndTests.clause(["workflow", "next", "Playground/cases/history-paid.yaml", "--as", "city_bureu"]).status == 2)
    }

    @Test func malformedHistoryIsBadInput() throws {
        let r = try EndToEndTests.clause(["workflow", "status", "Tests/ClauseTests/Fixtures/invalid-histories/all-errors-at-once.yaml",
                                          "Playground/cases/history-paid.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("SY-2024-T-0101"))
        #expect(r.stderr.contains("all-errors-at-once.yaml:24:14: error: unknown event 'sumbit'; did you mean 'submit'?"))
    }

    @Test func checkAndTestIncludeWorkflows() throws {
        let check = try EndToEndTests.clause(["check", "Workflows"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Workflows/shenyang-application.yaml: ok — workflow shenyang-application"))
        let bad = try EndToEndTests.clause(["check", "Tests/ClauseTests/Fixtures/invalid-workflows/guard-not-boolean.yaml"])
        #expect(bad.status == 1)
        let test = try EndToEndTests.clause(["test", "Workflows"])
        let last = test.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(test.status == 0, "\(test.stdout)")
        #expect(last.hasSuffix(" passed, 0 failed") && !last.hasPrefix("0 passed"))
    }
}
