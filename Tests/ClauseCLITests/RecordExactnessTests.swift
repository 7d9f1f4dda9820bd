import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// The fund's record, as hard to fool as a ledger: one enterprise however its code is written,
/// one application per case id, rows edited by hand found and named, revocations that reach the
/// decisions they capped, justifications of bounded size.
@Suite struct RecordExactnessTests {
    /// The example's transformation case with its eligible spending raised to ¥800,000 (¥400,000 asked).
    static func bigTransformation(_ id: String, code: String) throws -> String {
        try StoreScratch.playground("transformation-granted.yaml", [
            ("SY-2024-T-0001", id), ("91210106MA0Y3K2X1E", code), ("amount: 300000.00", "amount: 720000.00"),
        ])
    }

    @Test func oneEnterpriseInUpperLowerAndFullWidthSharesOneCap() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try Self.bigTransformation("SY-A-1", code: "91210106MA0Y3K2X1E"))
        try s.write("b.yaml", try Self.bigTransformation("SY-A-2", code: "91210106ma0y3k2x1e"))
        try s.write("c.yaml", try Self.bigTransformation("SY-A-3", code: "９１２１０１０６ＭＡ０Ｙ３Ｋ２Ｘ１Ｅ"))
        let r = try s.clause(["evaluate", "--record", "--format", "json", "a.yaml", "b.yaml", "c.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""outcome":"granted","amount":"400000.00""#))
        #expect(lines[1].contains(#""outcome":"granted","amount":"100000.00""#), "the lower-case code is the same enterprise")
        #expect(lines[2].contains(#""outcome":"refused""#), "the full-width code is the same enterprise")
        // The decision and the record hold the code as normalised.
        let keys = try DatabaseQueue(path: s.store).read { db in try String.fetchAll(db, sql: "SELECT DISTINCT applicant FROM applications") }
        #expect(keys == ["91210106MA0Y3K2X1E"])
    }

    @Test func aBannedCodeInLowerCaseIsStillBanned() throws {
        let s = try StoreScratch()
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("again.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("SY-2024-T-0001", "SY-2024-T-0777"), ("91210106MA0Y3K2X1E", "91210112ma10b2r657"), ("applied_on: 2024-11-05", "applied_on: 2025-03-01"),
        ]))
        #expect(try s.clause(["record", "fraud.yaml"]).status == 0)
        let r = try s.clause(["evaluate", "--format", "json", "again.yaml"])
        #expect(r.stdout.contains(#""outcome":"refused""#), "\(r.stdout)")
        #expect(r.stdout.contains(#""clause":"art6.3""#))
    }

    @Test func aSelectedSubjectWithATrailingSpaceIsTheSameSubject() throws {
        let s = try StoreScratch()
        let award = try StoreScratch.playground("chain-case-award.yaml")
        try s.write("a.yaml", award)
        try s.write("b.yaml", award.replacingOccurrences(of: "SY-2024-A-0001", with: "SY-2024-A-0002")
                        .replacingOccurrences(of: "subject: 沈阳示例工业互联网科技有限公司", with: "subject: \"沈阳示例工业互联网科技有限公司  \""))
        try s.write("c.yaml", award.replacingOccurrences(of: "SY-2024-A-0001", with: "SY-2024-A-0003")
                        .replacingOccurrences(of: "subject: 沈阳示例工业互联网科技有限公司", with: "subject: \"沈阳示例工业互联网\\u200B科技有限公司\""))
        let r = try s.clause(["evaluate", "--record", "--format", "json", "a.yaml", "b.yaml", "c.yaml"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2, "the third is an input error, not a decision: \(r.stdout)")
        #expect(lines.first?.contains(#""outcome":"granted""#) == true)
        #expect(lines.last?.contains(#""outcome":"refused""#) == true, "awarded once per subject")
        #expect(r.status == 1)
        #expect(r.stderr.contains("c.yaml:21:12: error: 'selection.subject' (获评对象) has an invisible format character U+200B at character 10: retype it without it"), "\(r.stderr)")
    }

    /// A case that leaves its credit code out would share no enterprise's cap: it is an input error.
    @Test func aCaseWithoutACreditCodeIsNotDecided() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml", [("  credit_code: 91210106MA0Y3K2X1E\n", "")]))
        let r = try ClauseBinary.clause(["evaluate", "a.yaml"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: the case needs 'applicant.credit_code' (统一社会信用代码)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aCodeThatFailsItsCheckCharacterIsALocatedError() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml", [("91210106MA0Y3K2X1E", "91210106MA0Y3K2X1F")]))
        let r = try ClauseBinary.clause(["evaluate", "a.yaml"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("a.yaml:8:16: error: 'applicant.credit_code' (统一社会信用代码) is not a unified social credit code: the 18th character does not check against the first 17: a character is mistyped\n"), "\(r.stderr)")
    }

    /// The chart's 万元 rounds without adding first: the largest amounts (altered by hand) no longer trap.
    @Test func theChartRoundsAnyAmount() {
        #expect(SVGChart.wan(Int64.max) == "9223372036854.8万")
        #expect(SVGChart.wan(Int64.min) == "-9223372036854.8万")
        #expect(SVGChart.wan(1_234_567_800) == "1234.6万")
        #expect(SVGChart.wan(149_999) == "0.1万")
    }

    @Test func creditCodesAndKeysAreReadInOneSpelling() {
        #expect(CreditCode.read("91210106MA0Y3K2X1E") == .success("91210106MA0Y3K2X1E"))
        #expect(CreditCode.read(" 91210106ma0y3k2x1e ") == .success("91210106MA0Y3K2X1E"))
        #expect(CreditCode.read("９１２１０１０６ＭＡ０Ｙ３Ｋ２Ｘ１Ｅ") == .success("91210106MA0Y3K2X1E"))
        #expect(CreditCode.read("91210106MA0Y3K2X1") == .failure("a credit code has 18 characters, found 17"))
        #expect(CreditCode.read("91210106MA0Y3K2XIE") ==
                .failure("'I' (character 17) is not used in a credit code: it is written with 0-9 and the letters A-Z without I, O, S, V and Z"))
        #expect(CreditCode.checkCharacter("91210106MA0Y3K2X1") == "E")
        // Every check character is found by exactly one of the 31 characters.
        let valid = CreditCode.alphabet.filter { if case .success = CreditCode.read("91210106MA0Y3K2X1\($0)") { true } else { false } }
        #expect(valid == ["E"])
        #expect(KeyText.normalised("  平台\u{3000}A  one ") == .success("平台 A one"))
        #expect(KeyText.normalised("ＡＢＣ") == .success("ABC"))
        #expect(KeyText.normalised("a\u{202E}b") == .failure("has an invisible format character U+202E at character 2: retype it without it"))
    }

    @Test func aCaseIdIsOneApplication() throws {
        let s = try StoreScratch()
        try s.write("t.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        try s.write("d.yaml", try StoreScratch.playground("diagnosis.yaml", [("SY-2024-D-0001", "SY-2024-T-0001")]))
        #expect(try s.clause(["record", "t.yaml"]).status == 0)
        let r = try s.clause(["record", "d.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("d.yaml:2:7: error: case id 'SY-2024-T-0001' is recorded as another application (decision #1"), "\(r.stderr)")
        #expect(r.stderr.contains("its item is transformation, not diagnosis"))
        let ledger = try s.clause(["ledger", "--as-of", "2025-12-31"])
        #expect(ledger.stdout.contains("SY-2024-T-0001 #1 2024-11-05 ¥190,000.00"), "the first grant still counts: \(ledger.stdout)")
        // The same application decided again (a correction) is still recorded.
        try s.write("t.yaml", try StoreScratch.playground("transformation-granted.yaml", [("amount: 300000.00", "amount: 200000.00")]))
        let again = try s.clause(["evaluate", "--record", "--format", "json", "t.yaml"])
        #expect(again.stdout.contains(#""amount":"140000.00""#), "\(again.stderr)")
    }

    @Test func aRevokedCaseIsRecordedAgainOnlyWithReinstate() throws {
        let s = try StoreScratch()
        try s.write("t.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        #expect(try s.clause(["record", "t.yaml"]).status == 0)
        #expect(try s.clause(["revoke", "SY-2024-T-0001", "--reason", "false invoices"]).status == 0)
        let refused = try s.clause(["record", "t.yaml"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("case 'SY-2024-T-0001' was revoked (decision #1, granted 190000.00)"), "\(refused.stderr)")
        let ok = try s.clause(["record", "--reinstate", "t.yaml"])
        #expect(ok.status == 0)
        #expect(ok.stderr.contains("note: case SY-2024-T-0001 is reinstated: its revoked decision #1 (granted 190000.00) is replaced by the decision recorded now"))
        #expect(try s.clause(["evaluate", "--reinstate", "t.yaml"]).status == 2, "--reinstate is for --record")
    }

    @Test func revokingARefusalSaysItGrantedNothing() throws {
        let s = try StoreScratch()
        try s.write("r.yaml", try StoreScratch.playground("excluded-little-giant.yaml"))
        #expect(try s.clause(["record", "r.yaml"]).status == 0)
        let id = try String(contentsOfFile: s.path("r.yaml"), encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("case:") }!.dropFirst(6)
        let r = try s.clause(["revoke", String(id), "--reason", "correction"])
        #expect(r.stdout.contains("it granted nothing, so no later case's figures change"), "\(r.stdout)")
    }

    /// Two grants of one enterprise, the second capped by the first; three rows then altered by hand.
    func tamperedStore() throws -> StoreScratch {
        let s = try StoreScratch()
        try s.write("a.yaml", try Self.bigTransformation("SY-A-1", code: "91210106MA0Y3K2X1E"))
        try s.write("b.yaml", try Self.bigTransformation("SY-A-2", code: "91210106MA0Y3K2X1E"))
        #expect(try s.clause(["record", "a.yaml", "b.yaml"]).status == 0)
        return s
    }

    @Test func verifyNamesEditedInsertedAndDeletedRows() throws {
        let s = try tamperedStore()
        let clean = try s.clause(["verify"])
        #expect(clean.status == 0)
        #expect(clean.stdout.hasPrefix("verified 2 records in "), "\(clean.stdout)")
        let head = String(clean.stdout.split(separator: "\n").last!.dropFirst("head ".count))
        #expect(try s.clause(["verify", "--head", head]).status == 0)

        try HandEdit.covered(s.store) { db in
            try db.execute(sql: "UPDATE decisions SET amount_fen = 0 WHERE id = 1")
            try db.execute(sql: "UPDATE decisions SET outcome = 'refused' WHERE id = 2")
        }
        let edited = try s.clause(["verify"])
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("ALTERED decision #1 of case 'SY-A-1' was changed after it was recorded\n"))
        #expect(edited.stdout.contains("ALTERED decision #2 of case 'SY-A-2' was changed after it was recorded\n"))
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.status == 1, "replay --all no longer says everything reproduces")
        #expect(replay.stdout.contains("ALTERED decision #1 of case 'SY-A-1'"))

        try HandEdit.covered(s.store) { db in
            try db.execute(sql: "INSERT INTO revocations (decision_id, case_id, reason, revoked_by, revoked_at) VALUES (2, 'SY-A-2', 'x', 'x', 'x')")
            try db.execute(sql: "DELETE FROM record_chain WHERE seq = 1")
        }
        let more = try s.clause(["verify", "--head", head])
        #expect(more.stdout.contains("ALTERED revocation #1 of case 'SY-A-2' was not written by clause"), "\(more.stdout)")
        #expect(more.stdout.contains("ALTERED the record's chain is broken at entry 2: entries 1…1 are missing"))
        #expect(more.stdout.contains("ALTERED decision #1 of case 'SY-A-1' was not written by clause"))
        #expect(more.status == 1)
    }

    @Test func storedValuesNoDecisionWritesAreDamageNotACrash() throws {
        for value in ["9223372036854775807", "-9223372036854775808", "'abc'"] {
            let s = try tamperedStore()
            try HandEdit.covered(s.store) { db in
                try db.execute(sql: "UPDATE decisions SET amount_fen = \(value)")
                try db.execute(sql: "UPDATE live_grants SET amount_fen = \(value)")
            }
            #expect(try s.clause(["verify"]).status == 1)
            for command in [["ledger"], ["evaluate", "a.yaml"], ["report", "--format", "html"], ["why", "SY-A-2"], ["replay", "--all"]] {
                let r = try s.clause(command)
                if value == "'abc'" || command != ["why", "SY-A-2"] {
                    #expect(r.status == 1, "\(command) with \(value): \(r.stdout.prefix(200))")
                }
                #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("crashed"), "\(command) with \(value): \(r.stderr)")
                if r.status == 1 && command != ["replay", "--all"] {
                    #expect(r.stderr.contains("the record store is damaged"), "\(command) with \(value): \(r.stderr)")
                }
            }
        }
    }

    /// The grants that count are a table of their own, read by index: an edit of it frees no room
    /// unseen, since verify recomputes it from the record.
    @Test func theGrantsThatCountAreCheckedAgainstTheRecord() throws {
        let s = try tamperedStore()
        try HandEdit.covered(s.store) { db in
            try db.execute(sql: "DELETE FROM live_keys WHERE decision_id = 1")
            try db.execute(sql: "DELETE FROM live_grants WHERE decision_id = 1")
        }
        let r = try s.clause(["verify"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("ALTERED the table of grants that count differs from the record at decision #1 of case 'SY-A-1': a grant that counts is missing from it"), "\(r.stdout)")
    }

    @Test func aRevocationReachesTheDecisionsItCapped() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml", [("SY-2024-T-0001", "SY-B-1"), ("amount: 300000.00", "amount: 680000.00")]))
        try s.write("b.yaml", try Self.bigTransformation("SY-B-2", code: "91210106MA0Y3K2X1E"))
        #expect(try s.clause(["record", "a.yaml", "b.yaml"]).status == 0)
        let r = try s.clause(["revoke", "SY-B-1", "--reason", "false invoices"])
        #expect(r.stdout == """
            revoked decision #1 of case SY-B-1 (granted 380000.00): its grant no longer counts for later cases
            1 later decision counted it; decided again without the revoked grants:
              #2 SY-B-2: granted 120000.00 → granted 400000.00

            """, "\(r.stdout)\(r.stderr)")
        let why = try s.clause(["why", "SY-B-2"])
        #expect(why.stdout.contains("注意：本决定计入的支持决定 SY-B-1 #1 已被撤销"))
        #expect(why.stdout.contains("SY-B-1（2024-11-05）¥380,000.00（已撤销，不再计入）"), "\(why.stdout)")
        let json = try s.clause(["why", "--format", "json", "SY-B-2"])
        #expect(json.stdout.contains(#""amount":"380000.00"}"#), "the recorded line stays as recorded")
        let current = try s.clause(["replay", "--with-current", "--all"])
        #expect(current.stdout.contains("CHANGED #2 SY-B-2: recorded granted 120000.00 [art4.1] (2024.1), today granted 400000.00 [art4.1]"), "\(current.stdout)")
    }

    @Test func aFigureNamesAtMostTwentyGrants() throws {
        let s = try StoreScratch()
        let template = try StoreScratch.playground("activities.yaml", [("requested: 2500000.00", "requested: 10000.00")])
        var files: [String] = []
        for i in 0..<31 {
            files.append(try s.write("e\(i).yaml", template.replacingOccurrences(of: "SY-2024-E-0001", with: "SY-2024-E-\(1000 + i)")))
        }
        let r = try s.clause(["evaluate", "--record", "--format", "json"] + files)
        let last = String(r.stdout.split(separator: "\n").last ?? "")
        #expect(last.contains(#""value":"300000.00","limit":"3000000.00","room":"2700000.00","grants":30,"cases":["#), "\(last.prefix(600))")
        #expect(last.components(separatedBy: #""decision":"#).count - 1 == 20)
        let text = try s.clause(["explain", "e30.yaml"])
        #expect(text.stdout.contains("（共 30 项，列出最近和金额最大的 20 项；clause ledger 列出全部）"))
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("31 reproduce, 0 differ\n"))
    }

    @Test func recordingStillShowsRemediesSearchedAfterTheBatch() throws {
        let s = try StoreScratch()
        try s.write("low.yaml", try StoreScratch.playground("transformation-level-too-low.yaml"))
        let r = try s.clause(["evaluate", "--record", "--format", "json", "low.yaml"])
        #expect(r.stdout.contains(#""remedies":[{"#), "\(r.stdout)")
        let recorded = try s.clause(["why", "--format", "json", "low.yaml".replacingOccurrences(of: "low.yaml", with: try caseID(s.path("low.yaml")))])
        #expect(!recorded.stdout.contains(#""remedies""#), "the record keeps no remedies")
    }

    func caseID(_ path: String) throws -> String {
        String(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("case:") }!.dropFirst(6))
    }

    @Test func readingCommandsNeverMakeAStore() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let typo = try ClauseBinary.clause(["evaluate", "--store", "recrods.sqlite", "a.yaml"], cwd: s.root)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("no record store here"))
        #expect(!FileManager.default.fileExists(atPath: s.path("recrods.sqlite")))
        try s.write("empty.sqlite", "")
        for command in [["ledger"], ["why", "X"], ["verify"]] {
            let r = try ClauseBinary.clause(command + ["--store", "empty.sqlite"], cwd: s.root)
            #expect(r.status == 1)
            #expect(r.stderr.contains("is an empty file, not a record store"), "\(command): \(r.stderr)")
        }
        try FileManager.default.createSymbolicLink(atPath: s.path("link.sqlite"), withDestinationPath: s.path("nowhere.sqlite"))
        let link = try ClauseBinary.clause(["record", "--store", "link.sqlite", "a.yaml"], cwd: s.root)
        #expect(link.status == 1)
        #expect(link.stderr.contains("is a symbolic link to"))
        #expect(!FileManager.default.fileExists(atPath: s.path("nowhere.sqlite")))
    }

    @Test func anEarlierCaseIdIsEscapedInTheLedgerLine() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try Self.bigTransformation("\"SY-\\u202EA\"", code: "91210106MA0Y3K2X1E"))
        try s.write("b.yaml", try Self.bigTransformation("SY-B", code: "91210106MA0Y3K2X1E"))
        #expect(try s.clause(["record", "a.yaml"]).status == 0)
        let r = try s.clause(["evaluate", "b.yaml"])
        #expect(!r.stdout.contains("\u{202E}"))
        #expect(r.stdout.contains("SY-\\u{202E}A"), "\(r.stdout)")
    }
}
