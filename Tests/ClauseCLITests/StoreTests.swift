import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseTestSupport
import Foundation
import Testing

/// The decision record store end to end: record, `why`, `replay`, and the ban registry.
@Suite struct StoreTests {
    /// `evaluate --record --jsonl` records every line, each with its own text (it used to read
    /// only the files given and record nothing from the stream).
    @Test func jsonLinesAreRecordedLineByLine() throws {
        let s = try StoreScratch()
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(5)
        try s.write("cases.jsonl", lines.joined(separator: "\n") + "\n")
        let recorded = try s.clause(["evaluate", "--record", "--format", "json", "--no-trace", "--jsonl", "cases.jsonl"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("recorded 5 decisions in"))
        #expect(recorded.stdout.split(separator: "\n").count == 5)
        let id = try #require(lines.first.flatMap { $0.split(separator: "\"").dropFirst(3).first }.map(String.init))
        let why = try s.clause(["why", id, "--format", "json"])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.contains("\"case\":\"\(id)\""))
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.stdout.hasSuffix("replayed 5 decisions: 5 reproduce, 0 differ\n"), "\(replay.stdout)")
        // A reviewer is told which line of the stream the case was: the stream alone names five.
        let third = try #require(lines.dropFirst(2).first.flatMap { $0.split(separator: "\"").dropFirst(3).first }.map(String.init))
        let text = try s.clause(["why", third])
        #expect(text.stdout.contains("案件文件 cases.jsonl:3（摘要 "), "\(text.stdout.prefix(300))")
        #expect(try s.clause(["why", third, "--lang", "en"]).stdout.contains("case file cases.jsonl:3 (digest "))
    }

    @Test func whyShowsTheOriginalAfterThePackageIsAmendedAndTheCaseEdited() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let recorded = try s.clause(["evaluate", "--record", "case.yaml"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("予以支持 ¥190,000.00"))
        #expect(recorded.stderr.contains("recorded 1 decision in"))

        // The rate is amended and the case file edited after the decision.
        let parameters = s.path("Policies/shenyang-sme-dx-fund/parameters.yaml")
        let p = try String(contentsOfFile: parameters, encoding: .utf8)
        try p.replacingOccurrences(of: "    value: 50%\n", with: "    value: 60%\n").write(toFile: parameters, atomically: true, encoding: .utf8)
        try s.write("case.yaml", try StoreScratch.playground("transformation-granted.yaml", [("amount: 300000.00", "amount: 400000.00")]))
        let today = try s.clause(["evaluate", "case.yaml"])
        #expect(today.stdout.contains("予以支持 ¥288,000.00"))

        let why = try s.clause(["why", "SY-2024-T-0001"])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.contains("决定记录 #1"))
        #expect(why.stdout.contains("案件 SY-2024-T-0001 · 中小企业数字化转型改造 · 结论：予以支持 ¥190,000.00"))
        #expect(why.stdout.contains("合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00"))
        #expect(why.stdout.contains("作出决定的政策包：shenyang-sme-dx-fund 2024.1"))
        #expect(why.stdout.contains("现行：已不是记录时的规则"))
        #expect(!why.stdout.contains("288,000"))

        let en = try s.clause(["why", "SY-2024-T-0001", "--lang", "en"])
        #expect(en.stdout.contains("in force today: no longer the recorded rules"))

        // From a folder without Policies/, `why` cannot tell whether the package is gone: it says
        // so, and how to let it compare, rather than that the package no longer exists.
        let elsewhere = s.path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let away = try ClauseBinary.clause(["why", "SY-2024-T-0001", "--store", s.store], cwd: elsewhere)
        #expect(away.status == 0, "\(away.stderr)")
        #expect(away.stdout.contains("现行：无法比对：Policies 下没有政策包 shenyang-sme-dx-fund（请在存放 Policies/ 的目录中运行，或设置 CLAUSE_POLICY_PATH）"),
                "\(away.stdout)")
        let awayEn = try ClauseBinary.clause(["why", "SY-2024-T-0001", "--store", s.store, "--lang", "en"], cwd: elsewhere)
        #expect(awayEn.stdout.contains("in force today: cannot say: no package 'shenyang-sme-dx-fund' under Policies"))

        let json = try s.clause(["why", "SY-2024-T-0001", "--format", "json"])
        #expect(json.stdout.contains("\"amount\":\"190000.00\""))

        let replay = try s.clause(["replay", "--all"])
        #expect(replay.status == 0, "\(replay.stdout)")
        #expect(replay.stdout.hasSuffix("replayed 1 decision: 1 reproduce, 0 differ\n"))

        let current = try s.clause(["replay", "--all", "--with-current"])
        #expect(current.stdout.contains("CHANGED #1 SY-2024-T-0001: recorded granted 190000.00 [art4.1] (2024.1), today granted 228000.00 [art4.1]"))
    }

    @Test func recordingIsAppendOnlyAndWhyAllAndAtSelect() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).stdout == "recorded 1 decision in \(s.store)\n")
        try s.write("case.yaml", try StoreScratch.playground("transformation-granted.yaml", [("amount: 300000.00", "amount: 200000.00")]))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        let latest = try s.clause(["why", "SY-2024-T-0001"])
        #expect(latest.stdout.contains("决定记录 #2"))
        #expect(latest.stdout.contains("¥140,000.00"))
        let all = try s.clause(["why", "SY-2024-T-0001", "--all"])
        #expect(all.stdout.contains("决定记录 #1") && all.stdout.contains("决定记录 #2"))
        let before = try s.clause(["why", "SY-2024-T-0001", "--at", "2000-01-01"])
        #expect(before.status == 1)
        #expect(before.stderr.contains("no decision recorded for case 'SY-2024-T-0001' on or before 2000-01-01"))
        let replay = try s.clause(["replay", "SY-2024-T-0001"])
        #expect(replay.stdout.hasSuffix("replayed 2 decisions: 2 reproduce, 0 differ\n"))
        let missing = try s.clause(["why", "NO-SUCH-CASE"])
        #expect(missing.status == 1)
    }

    @Test func aFraudDecisionBansTheNextApplicationOfTheSameCreditCode() throws {
        let s = try StoreScratch()
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        // A later application of the same enterprise that says nothing about a ban.
        let later = try StoreScratch.playground("transformation-granted.yaml", [
            ("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657"),
            ("  blacklisted_until: null\n", ""),
        ])
        try s.write("later.yaml", later)
        // Without a store the later case is granted.
        #expect(try ClauseBinary.clause(["evaluate", "later.yaml"], cwd: s.root).stdout.contains("予以支持 ¥190,000.00"))

        #expect(try s.clause(["record", "fraud.yaml"]).status == 0)
        let bans = try s.clause(["bans", "list", "--on", "2025-01-01"])
        #expect(bans.stdout == "91210112MA10B2R657  2024-09-01..2027-09-01  art13  case SY-2024-T-0009  decision #1  in force on 2025-01-01\n1 ban registered\n")

        let json = try s.clause(["evaluate", "--record", "--format", "json", "later.yaml"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("\"outcome\":\"refused\""))
        #expect(json.stdout.contains("{\"clause\":\"art6.3\""))
        #expect(json.stdout.contains("{\"clause\":\"art13\""))
        #expect(json.stdout.hasSuffix(",\"registry_ban\":{\"credit_code\":\"91210112MA10B2R657\",\"from\":\"2024-09-01\",\"through\":\"2027-09-01\",\"clause\":\"art13\",\"case\":\"SY-2024-T-0009\",\"decision\":1}}\n"))

        let text = try s.clause(["evaluate", "later.yaml"])
        #expect(text.stdout.contains("结论：不予支持"))
        #expect(text.stdout.contains("黑名单来自登记簿：统一社会信用代码 91210112MA10B2R657 因案件 SY-2024-T-0009（决定记录 #1，art13）自 2024-09-01 起列入黑名单至 2027-09-01"))

        let why = try s.clause(["why", "SY-2024-T-0001"])
        #expect(why.stdout.contains("黑名单登记"))
        #expect(why.stdout.contains("申报主体在黑名单期内（至 2027-09-01）"))
        let show = try s.clause(["bans", "show", "91210112MA10B2R657"])
        #expect(show.stdout.contains("applied to decision #2 SY-2024-T-0001 (as of 2024-11-05): refused"))
        // Typed in lower case, the code is the same enterprise: its ban is shown, not "no ban".
        let lower = try s.clause(["bans", "show", "91210112ma10b2r657"])
        #expect(lower.stdout == show.stdout, "\(lower.stderr)")
        // A mistyped code is looked up as typed, with a note saying it is not a valid code.
        let typo = try s.clause(["bans", "show", "91210112MA10B2R658"])
        #expect(typo.stdout.contains("no ban registered"))
        #expect(typo.stderr.contains("is not a valid 统一社会信用代码"), "\(typo.stderr)")
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("2 reproduce, 0 differ\n"))

        // A case that writes `blacklisted_until: null` does not lift the registered ban; a case
        // that states a later ban is refused under its own; an application made before the fraud
        // was found is not banned by it.
        try s.write("stated.yaml", try StoreScratch.playground("transformation-granted.yaml", [("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657")]))
        #expect(try StoreScratch.playground("transformation-granted.yaml").contains("blacklisted_until: null"))
        let stated = try s.clause(["evaluate", "--format", "json", "stated.yaml"])
        #expect(stated.stdout.contains("\"outcome\":\"refused\""))
        #expect(stated.stdout.contains("\"registry_ban\":{\"credit_code\":\"91210112MA10B2R657\",\"from\":\"2024-09-01\",\"through\":\"2027-09-01\""))
        try s.write("longer.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657"), ("blacklisted_until: null", "blacklisted_until: 2028-01-31")]))
        let longer = try s.clause(["evaluate", "--format", "json", "longer.yaml"])
        #expect(longer.stdout.contains("\"outcome\":\"refused\""))
        #expect(!longer.stdout.contains("registry_ban"), "the case's own, later ban decides")
        try s.write("earlier.yaml", later.replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2024-08-01"))
        #expect(!(try s.clause(["evaluate", "earlier.yaml"]).stdout.contains("黑名单")))
    }

    @Test func theRegistryLooksAtTheCreditCodeDateAndOtherCasesOnly() throws {
        let s = try StoreScratch()
        let store = try RecordStore(path: s.store, create: true)
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true)
        guard case .success(let (d, _)) = try session.decide(path: s.path("fraud.yaml"), asOf: nil) else {
            Issue.record("the fraud case was not decided")
            return
        }
        try session.finish()
        #expect(d.consequences.blacklistedUntil?.iso == "2027-09-01")
        let on = CivilDate(iso: "2025-03-01")!
        #expect(try store.registryBan(creditCode: "91210112MA10B2R657", asOf: on, excludingCase: "OTHER")?.through.iso == "2027-09-01")
        #expect(try store.registryBan(creditCode: "91210112MA10B2R657", asOf: on, excludingCase: "SY-2024-T-0009") == nil)
        #expect(try store.registryBan(creditCode: "91210112MA10B2R657", asOf: CivilDate(iso: "2024-08-31")!, excludingCase: "OTHER") == nil)
        #expect(try store.registryBan(creditCode: "91210106MA0Y3K2X1E", asOf: on, excludingCase: "OTHER") == nil)
        #expect(try store.integrityCheck() == "ok")
    }

    /// A ban registered by a decision of the open batch is seen by the next case of the same
    /// applicant in that batch, with nothing committed between them (a batch used to commit at
    /// each ban to make it visible).
    @Test func aBanRegisteredInTheOpenBatchRefusesTheNextCaseOfThatBatch() throws {
        let s = try StoreScratch()
        let store = try RecordStore(path: s.store, create: true)
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("later.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657"), ("  blacklisted_until: null\n", "")]))
        let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true, tracing: false)
        guard case .success(let (fraud, _)) = try session.decide(path: s.path("fraud.yaml"), asOf: nil) else {
            Issue.record("the fraud case was not decided")
            return
        }
        #expect(fraud.consequences.blacklistedUntil?.iso == "2027-09-01")
        #expect(session.recorder.hasPending, "the ban's decision waits in the open batch")
        guard case .success(let (later, _)) = try session.decide(path: s.path("later.yaml"), asOf: nil) else {
            Issue.record("the later case was not decided")
            return
        }
        #expect(later.outcome == .refused)
        #expect(later.registryBan?.decisionID == 1, "the ban of decision #1, not yet committed")
        #expect(session.recorder.recorded == 0 && session.recorder.hasPending)
        try session.finish()
        #expect(session.recorder.recorded == 2)
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("2 reproduce, 0 differ\n"))
        #expect(try s.clause(["verify"]).status == 0)
    }
}
