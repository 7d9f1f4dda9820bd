import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import ClauseWorkflows
import Foundation
import Testing

/// Replaying the Playground histories: where they end, what each step cites, every violation.
@Suite struct WorkflowReplayTests {
    @Test func repositoryWorkflowsLoadClean() {
        #expect(WorkflowSupport.catalog.diagnostics.isEmpty)
        #expect(WorkflowSupport.catalog.machines(for: "shenyang-sme-dx-fund").map(\.id)
                == ["shenyang-application", "shenyang-change", "shenyang-fraud"])
    }

    @Test func compliantHistoryEndsInPaidWithEachStepJustified() throws {
        let r = try #require(WorkflowSupport.replay("Playground/cases/history-paid.yaml"))
        #expect(r.state.name == "paid")
        #expect(r.state.label == "已拨付")
        #expect(r.violations.isEmpty)
        #expect(r.steps.map(\.clause) == ["art8.1", "art8.2", "art8.3", "art10", "art10"])
        let review = r.steps[1]
        #expect(review.guardText == "actor.district == applicant.district and decision.outcome != refused")
        // Before acceptance the level is not known yet: the decision the review sees is incomplete, not refused.
        #expect(review.guardValues.map { "\($0.text) = \($0.value)" }
                == ["actor.district = 铁西区", "applicant.district = 铁西区", "decision.outcome = 材料不全"])
        // The amount is bounded by the replay itself (all payments counted, kind excess), not by the guard.
        #expect(r.steps[4].guardValues.map(\.value) == ["予以支持"])
        #expect(r.paid == Money(fen: 19_000_000))
        #expect(r.next.map { "\($0.role.name): \($0.events.map(\.name).joined(separator: ","))" }
                == ["enterprise: change_request", "district_bureau: fraud_found", "city_bureau: fraud_found", "third_party: "])
    }

    @Test func everyViolationInOneRun() throws {
        let r = try #require(WorkflowSupport.replay("Playground/cases/history-violations.yaml"))
        #expect(r.violations.map(\.clause) == ["art8.2", "art9", "art10"])
        #expect(r.violations.map(\.kind) == [.guardFailed, .notAllowed, .notAllowed])
        #expect(r.violations.map(\.event) == [1, 3, 4])
        #expect(r.violations[0].message
                == "2024-07-20 初审通过：属地原则：区县工信部门只初审本区县的申报项目，办理部门属浑南区，申报企业注册于铁西区（actor.district = 浑南区，applicant.district = 铁西区）")
        #expect(r.violations[2].messageEn.hasPrefix("2024-09-10 pay: not allowed in 'city review passed (acceptance pending)'"))
        #expect(r.state.name == "accepted")
    }

    @Test func fraudClosesTheCaseWithClawbackAndBan() throws {
        let r = try #require(WorkflowSupport.replay("Playground/cases/history-fraud.yaml"))
        #expect(r.state.name == "disqualified")
        #expect(r.violations.isEmpty, "the payment before the fraud was found was proper then")
        #expect(r.clawback == Money(fen: 12_000_000))
        #expect(r.banUntil?.iso == "2027-09-01")
        #expect(r.next.allSatisfy { $0.events.isEmpty })
    }

    @Test func missedDeadlineNeedsADate() throws {
        var bag = DiagnosticBag()
        let text = try String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)
        let cut = text.components(separatedBy: "  - { event: accept").first!
        let root = try #require(YAMLReader.read(SourceFile(path: "cut.yaml", text: cut), into: &bag))
        let session = WorkflowSupport.session
        let pending = try session.replay(root: root, path: "cut.yaml").get()
        #expect(pending.violations.isEmpty)
        #expect(pending.pending.map(\.due.iso) == ["2024-12-31"])
        let late = try session.replay(root: root, path: "cut.yaml", asOf: CivilDate(year: 2025, month: 1, day: 1)).get()
        // The work plan's window is the city's timetable: a finding, not the applicant's violation.
        #expect(late.violations.isEmpty)
        #expect(late.findings.map(\.kind) == [.schedule])
        #expect(late.findings.map(\.event) == [nil])
        #expect(late.findings[0].message == "截至 2025-01-01 仍未测评验收，期限为 2024-12-31（试点企业批次验收）")
    }

    /// A case file with a history is decided by `evaluate` as before: the history is not a fact.
    @Test func historyDoesNotChangeTheDecision() throws {
        let r = try #require(decide(yaml: String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)))
        #expect(r.outcome == .granted)
        #expect(r.amount == Money(fen: 19_000_000))
    }
}
