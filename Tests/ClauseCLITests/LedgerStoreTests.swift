import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// The fund's record decides too: grants recorded in order spend the room of the ones after,
/// the justification names them, and replay reproduces what each decision counted.
@Suite struct LedgerStoreTests {
    /// Three applications of one enterprise, recorded in input order in one batch: 490,000, then
    /// the 10,000 left, then nothing (refused, naming both earlier cases).
    @Test func oneEnterpriseSpendsItsCapOnceAcrossItsProjects() throws {
        let s = try StoreScratch()
        let t = try StoreScratch.playground("transformation-granted.yaml")
        try s.write("a.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2024-T-0101")
                        .replacingOccurrences(of: "amount: 300000.00", with: "amount: 900000.00"))
        try s.write("b.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2025-T-0102")
                        .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2025-03-02"))
        try s.write("c.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2025-T-0103")
                        .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2025-05-20"))
        let r = try s.clause(["evaluate", "--record", "--format", "json", "a.yaml", "b.yaml", "c.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""outcome":"granted","amount":"490000.00""#))
        #expect(lines[0].contains(#""ledger":{"consulted":true,"figures":[]}"#))
        #expect(lines[1].contains(#""outcome":"granted","amount":"10000.00""#))
        #expect(lines[1].contains(#""ledger":{"consulted":true,"figures":[{"name":"enterprise_transformation","label":"本企业已获改造补贴（基金记录）","clause":"art4.1","value":"490000.00","limit":"500000.00","room":"10000.00","cases":[{"case":"SY-2024-T-0101","decision":1,"as_of":"2024-11-05","amount":"490000.00"}]}]}"#))
        #expect(lines[2].contains(#""outcome":"refused","amount":"0.00","reasons":[{"clause":"art4.1""#))
        #expect(lines[2].contains(#""value":"500000.00","limit":"500000.00","room":"0.00","cases":[{"case":"SY-2024-T-0101","decision":1,"as_of":"2024-11-05","amount":"490000.00"},{"case":"SY-2025-T-0102","decision":2,"as_of":"2025-03-02","amount":"10000.00"}]"#))

        let text = try s.clause(["explain", "c.yaml"])
        #expect(text.stdout.contains("基金记录\n  [第四条第（一）项] 本企业已获改造补贴（基金记录） = ¥500,000.00（上限 ¥500,000.00，余额 ¥0.00）：SY-2024-T-0101（2024-11-05）¥490,000.00；SY-2025-T-0102（2025-03-02）¥10,000.00\n"))
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.stdout.hasSuffix("3 reproduce, 0 differ\n"), "\(replay.stdout)")
        let ledger = try s.clause(["ledger", "--as-of", "2025-12-31"])
        #expect(ledger.stdout == """
            shenyang-sme-dx-fund 2024.1 · 限额按 2025-12-31
              [第四条第（一）项] 本企业已获改造补贴（基金记录） (enterprise_transformation) · 上限 ¥500,000.00
                applicant.credit_code = 91210106MA0Y3K2X1E: 已支持 ¥500,000.00 · 余额 ¥0.00
                  SY-2024-T-0101 #1 2024-11-05 ¥490,000.00
                  SY-2025-T-0102 #2 2025-03-02 ¥10,000.00

            """, "\(ledger.stderr)")
        #expect(ledger.stderr.contains("paid is not shown"), "no workflow here says which event pays")
        let other = try s.clause(["ledger", "--credit-code", "91210102MA0Y7M4CXJ"])
        #expect(other.status == 1, "nothing counted for another enterprise")
        #expect(other.stderr.contains("falls under a ledger figure for 91210102MA0Y7M4CXJ"), "\(other.stderr)")
        // Away from Policies/, nothing is counted because no package is found, and it says so.
        let elsewhere = s.path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let away = try ClauseBinary.clause(["ledger", "--store", s.store], cwd: elsewhere)
        #expect(away.status == 1 && away.stdout.isEmpty)
        #expect(away.stderr.contains("error: nothing counted: no package found for the policies recorded in \(s.store) (shenyang-sme-dx-fund) under Policies: run beside Policies/, set CLAUSE_POLICY_PATH, or give --policy"),
                "\(away.stderr)")
        let named = try ClauseBinary.clause(["ledger", "--store", s.store, "--as-of", "2025-12-31", "--policy", s.path("Policies/shenyang-sme-dx-fund")], cwd: elsewhere)
        #expect(named.status == 0 && named.stdout == ledger.stdout, "\(named.stderr)")
        let lower = try s.clause(["ledger", "--as-of", "2025-12-31", "--credit-code", "91210106ma0y3k2x1e"])
        #expect(lower.status == 0 && lower.stdout == ledger.stdout, "a code in lower case is the same enterprise: \(lower.stderr)")

        // Decided again and refused, the first case stops counting: the third now gets room.
        try s.write("a.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2024-T-0101")
                        .replacingOccurrences(of: "in_2022_pilot: false", with: "in_2022_pilot: true"))
        #expect(try s.clause(["evaluate", "--record", "a.yaml"]).stdout.contains("结论：不予支持"))
        let again = try s.clause(["evaluate", "--format", "json", "c.yaml"])
        #expect(again.stdout.contains(#""outcome":"granted","amount":"190000.00""#), "\(again.stdout)")
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("4 reproduce, 0 differ\n"))
    }

    /// Without a store nothing is counted, and the decision says so; --no-store says the same
    /// even where a store is.
    @Test func withoutAStoreTheDecisionSaysNoRecordWasConsulted() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let r = try ClauseBinary.clause(["evaluate", "a.yaml"], cwd: s.root)
        #expect(r.stdout.contains("未查询基金记录（未使用决定库）：仅依据本案填报的事实"))
        let j = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-trace", "a.yaml"], cwd: s.root)
        #expect(j.stdout.contains(#""ledger":{"consulted":false,"figures":[]}}"#))
        #expect(try s.clause(["evaluate", "--record", "a.yaml"]).status == 0)
        let off = try ClauseBinary.clause(["evaluate", "--no-store", "a.yaml"], cwd: s.root, environment: ["CLAUSE_STORE": s.store])
        #expect(off.stdout.contains("未查询基金记录"))
        let on = try ClauseBinary.clause(["evaluate", "a.yaml"], cwd: s.root, environment: ["CLAUSE_STORE": s.store])
        #expect(on.stdout.contains("已查询基金记录"), "a store named by CLAUSE_STORE is read without --store")
        let explainOff = try ClauseBinary.clause(["explain", "--no-store", "a.yaml"], cwd: s.root, environment: ["CLAUSE_STORE": s.store])
        #expect(explainOff.stdout.contains("未查询基金记录"), "explain --no-store as evaluate --no-store: \(explainOff.stderr)")
        // Only recording makes a store: a mistyped name would otherwise read as "nothing granted yet".
        let fresh = try ClauseBinary.clause(["evaluate", "--store", "new.sqlite", "a.yaml"], cwd: s.root)
        #expect(fresh.status == 1 && fresh.stderr.contains("no record store here"), "\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path("new.sqlite")))
    }

    /// Two recorders on one store, each with applications of the same enterprise: together they
    /// grant exactly the 50万元 cap, never more (the figures are read and the grant committed
    /// under one lock).
    @Test func twoRecordersNeverSpendTheSameRoom() throws {
        let s = try StoreScratch()
        let t = try StoreScratch.playground("transformation-granted.yaml")
        for side in ["a", "b"] {
            for k in 0..<6 {
                try s.write("\(side)/\(k).yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2024-T-\(side.uppercased())\(k)"))
            }
        }
        #expect(try s.clause(["record", "a/0.yaml"]).status == 0, "the store exists before the race")
        let a = try s.start(["evaluate", "--record", "a"]), b = try s.start(["evaluate", "--record", "b"])
        a.waitUntilExit()
        b.waitUntilExit()
        #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
        let db = try DatabaseQueue(path: s.store)
        let granted = try db.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT sum(amount_fen) FROM decisions d WHERE outcome = 'granted'
                AND id = (SELECT max(id) FROM decisions e WHERE e.case_id = d.case_id)
                """) ?? 0
        }
        #expect(granted == 50_000_000, "190,000 + 190,000 + 120,000 and then nothing, whichever recorder came first")
    }

    /// A revoked grant stops counting for later cases; the revocation is kept with who and why,
    /// and the revoked decision still reproduces as it was made.
    @Test func aRevokedGrantStopsCounting() throws {
        let s = try StoreScratch()
        let t = try StoreScratch.playground("transformation-granted.yaml")
        try s.write("a.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2024-T-0301")
                        .replacingOccurrences(of: "amount: 300000.00", with: "amount: 900000.00"))
        try s.write("b.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2025-T-0302")
                        .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2025-03-02"))
        #expect(try s.clause(["evaluate", "--record", "a.yaml"]).stdout.contains("¥490,000.00"))
        #expect(try s.clause(["evaluate", "b.yaml"]).stdout.contains("结论：予以支持 ¥10,000.00"))
        let noReason = try s.clause(["revoke", "SY-2024-T-0301", "--reason", " "])
        #expect(noReason.status == 2)
        let revoked = try ClauseBinary.clause(["revoke", "SY-2024-T-0301", "--reason", "查实弄虚作假", "--store", s.store], cwd: s.root,
                                               environment: ["CLAUSE_USER": "李复核"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout == "revoked decision #1 of case SY-2024-T-0301 (granted 490000.00): its grant no longer counts for later cases\nno later decision counted it\n")
        #expect(try s.clause(["revoke", "SY-2024-T-0301", "--reason", "again"]).stderr == "error: decision #1 of case 'SY-2024-T-0301' is revoked already\n")
        #expect(try s.clause(["revoke", "NOSUCH", "--reason", "x"]).status == 1)
        #expect(try s.clause(["evaluate", "b.yaml"]).stdout.contains("结论：予以支持 ¥190,000.00"))
        let why = try s.clause(["why", "SY-2024-T-0301"])
        #expect(why.stdout.contains("由 李复核 撤销，理由：查实弄虚作假；其支持金额不再计入基金记录"))
        #expect(why.stdout.contains("结论：予以支持 ¥490,000.00"), "the decision itself is kept as it was made")
    }

    /// A registered ban lifted (with who and why) no longer refuses later applications; the
    /// registry still shows it, lifted, and the decisions that saw it keep what they saw.
    @Test func aLiftedBanNoLongerRefuses() throws {
        let s = try StoreScratch()
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("later.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657")]))
        #expect(try s.clause(["evaluate", "--record", "fraud.yaml"]).status == 0)
        #expect(try s.clause(["evaluate", "--record", "later.yaml"]).stdout.contains("结论：不予支持"))
        #expect(try s.clause(["bans", "lift", "91210112MA10B2R657", "--reason", ""]).status == 2)
        let lift = try ClauseBinary.clause(["bans", "lift", "91210112MA10B2R657", "--reason", "行政复议撤销认定", "--store", s.store],
                                            cwd: s.root, environment: ["CLAUSE_USER": "王科长"])
        #expect(lift.stdout == "lifted 1 ban of 91210112MA10B2R657: later decisions no longer see it\n", "\(lift.stderr)")
        #expect(try s.clause(["bans", "lift", "91210112MA10B2R657", "--reason", "again"]).stderr
                == "error: 91210112MA10B2R657 has no registered ban to lift\n")
        #expect(try s.clause(["evaluate", "later.yaml"]).stdout.contains("结论：予以支持"))
        #expect(try s.clause(["bans", "list"]).stdout.contains(" by 王科长: 行政复议撤销认定\n"))
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("2 reproduce, 0 differ\n"), "the refusal that saw the ban still reproduces")
    }

    /// `clause ledger` per enterprise: granted (live grants), paid (the workflow's pay events),
    /// revoked, and the room left under the figure's limit, in text and JSON.
    @Test func theLedgerShowsGrantedPaidRevokedAndRoom() throws {
        let s = try StoreScratch()
        try FileManager.default.copyItem(atPath: Repo.path("Workflows"), toPath: s.path("Workflows"))
        // history-paid: 190,000 granted and paid; two more applications of the same enterprise.
        let t = try StoreScratch.playground("transformation-granted.yaml")
        try s.write("paid.yaml", try StoreScratch.playground("history-paid.yaml"))
        try s.write("b.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2025-T-0402")
                        .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2025-03-02"))
        try s.write("c.yaml", t.replacingOccurrences(of: "SY-2024-T-0001", with: "SY-2025-T-0403")
                        .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2025-05-02"))
        let code = "91210106MA0Y3K2X1E"
        #expect(try StoreScratch.playground("history-paid.yaml").contains("credit_code: \(code)"), "one enterprise throughout")
        #expect(try s.clause(["evaluate", "--record", "paid.yaml", "b.yaml", "c.yaml"]).status == 0)
        #expect(try s.clause(["revoke", "SY-2025-T-0402", "--reason", "材料不实"]).status == 0)
        let text = try s.clause(["ledger", "--as-of", "2025-12-31", "--credit-code", code])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == """
            shenyang-sme-dx-fund 2024.1 · 限额按 2025-12-31
              [第四条第（一）项] 本企业已获改造补贴（基金记录） (enterprise_transformation) · 上限 ¥500,000.00
                applicant.credit_code = \(code): 已支持 ¥310,000.00 · 已拨付 ¥190,000.00 · 已撤销 1 笔 ¥190,000.00 · 余额 ¥190,000.00
                  SY-2024-T-0101 #1 2024-07-02 ¥190,000.00 · 已拨付 ¥190,000.00
                  SY-2025-T-0403 #3 2025-05-02 ¥120,000.00 · 已拨付 ¥0.00
                  SY-2025-T-0402 #2 2025-03-02 ¥190,000.00 · 已拨付 ¥0.00 · 已撤销

            """)
        let json = try s.clause(["ledger", "--as-of", "2025-12-31", "--credit-code", code, "--format", "json"])
        #expect(json.stdout.contains(#""limit":"500000.00","keys":[{"key":{"applicant.credit_code":"91210106MA0Y3K2X1E"},"granted":"310000.00","paid":"190000.00","revoked":{"grants":1,"amount":"190000.00"},"room":"190000.00","grants":[{"case":"SY-2024-T-0101","decision":1,"as_of":"2024-07-02","amount":"190000.00","paid":"190000.00","revoked":false}"#), "\(json.stdout)")
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [String: Any], "one JSON object per policy line")
    }

    /// A ban's dates corrected (with who and why): later decisions see the new dates, a decision
    /// made before still replays with the dates it saw, and a lifted ban has no dates to correct.
    @Test func aCorrectedBanIsSeenByLaterDecisions() throws {
        let s = try StoreScratch()
        let code = "91210112MA10B2R657"
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("later.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("credit_code: 91210106MA0Y3K2X1E", "credit_code: \(code)"), ("applied_on: 2024-11-05", "applied_on: 2025-08-01")]))
        #expect(try s.clause(["evaluate", "--record", "fraud.yaml"]).status == 0)
        #expect(try s.clause(["evaluate", "--record", "later.yaml"]).stdout.contains("至 2027-09-01"), "registered through 2027-09-01")
        #expect(try s.clause(["bans", "correct", code, "--through", "2025-01-01", "--from", "2025-06-01", "--reason", "x"]).stderr
                == "error: the ban would end (2025-01-01) before it starts (2025-06-01)\n")
        #expect(try s.clause(["bans", "correct", code, "--through", "2025-06-30"]).status == 2, "a correction needs a reason")
        let fix = try ClauseBinary.clause(["bans", "correct", code, "--through", "2025-06-30", "--reason", "复核：期限有误", "--store", s.store],
                                           cwd: s.root, environment: ["CLAUSE_USER": "王科长"])
        #expect(fix.stdout == "corrected the ban of \(code) registered by decision #1: 2024-09-01..2027-09-01 → 2024-09-01..2025-06-30; later decisions see the new dates\n", "\(fix.stderr)")
        let later = try s.clause(["evaluate", "--record", "--format", "json", "--no-trace", "later.yaml"])
        #expect(later.stdout.contains(#""outcome":"granted""#), "the corrected ban ended before 2025-08-01: \(later.stdout)")
        let early = try s.clause(["evaluate", "--as-of", "2025-03-01", "--format", "json", "--no-trace", "later.yaml"])
        #expect(early.stdout.contains(#""registry_ban":{"credit_code":"91210112MA10B2R657","from":"2024-09-01","through":"2025-06-30","clause":"art13","case":"SY-2024-T-0009","decision":1,"correction":1}"#), "\(early.stdout)")
        #expect(try s.clause(["bans", "show", code]).stdout.contains("2024-09-01..2025-06-30  art13  case SY-2024-T-0009  decision #1  ended on"))
        #expect(try s.clause(["bans", "list"]).stdout.contains("  corrected "), "the registry says it was corrected")
        #expect(try s.clause(["bans", "list"]).stdout.contains(" by 王科长: 复核：期限有误 (was 2024-09-01..2027-09-01)"))
        #expect(try s.clause(["evaluate", "--record", "--as-of", "2025-03-01", "later.yaml"]).stdout.contains("期限经更正，更正记录 #1"))
        // A second correction: the decisions made under the first still reproduce.
        #expect(try s.clause(["bans", "correct", code, "--through", "2026-06-30", "--reason", "再次复核"]).status == 0)
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("4 reproduce, 0 differ\n"))
        #expect(try s.clause(["bans", "lift", code, "--reason", "撤销认定"]).status == 0)
        #expect(try s.clause(["bans", "correct", code, "--through", "2026-06-30", "--reason", "x"]).stderr
                == "error: \(code) has no registered ban that is not lifted\n")
    }

    /// A programme-wide figure (all activities grants) is kept in every later decision's JSON so
    /// it replays, but its grants are listed only where the figure is about the case.
    @Test func aProgrammeFigureIsListedOnlyWhereItIsAboutTheCase() throws {
        let s = try StoreScratch()
        try s.write("activities.yaml", try StoreScratch.playground("activities.yaml"))
        try s.write("t.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let first = try s.clause(["evaluate", "--record", "--format", "json", "--no-trace", "activities.yaml"])
        #expect(first.stdout.contains(#""outcome":"granted""#), "\(first.stdout)")
        let t = try s.clause(["evaluate", "--record", "--format", "json", "--no-trace", "t.yaml"])
        #expect(t.stdout.contains(#"{"name":"activities_granted","label":"产业活动和智库服务已获补贴（基金记录）","clause":"art4.6","value":""#), "\(t.stdout)")
        #expect(t.stdout.contains(#""cases":[]}"#), "the activities grant is not listed for a transformation case")
        #expect(try s.clause(["explain", "t.yaml"]).stdout.contains("已查询基金记录：没有计入本案的在先支持决定"))
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("2 reproduce, 0 differ\n"))
    }
}
