import ClauseTestSupport
import Foundation
import Testing

/// `clause diff --store S`: both sides decided against the fund's record (its ledger figures and
/// bans), read only, so an amendment's impact counts what the fund already granted.
@Suite struct DiffStoreTests {
    /// A store holding a 50万元 grant to one enterprise and a fraud finding against another, and a
    /// corpus of one later application by each, after the core-sector notice took effect.
    static func scratch() throws -> StoreScratch {
        let s = try StoreScratch()
        try FileManager.default.copyItem(atPath: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), toPath: s.path("proposal"))
        try s.write("recorded/capped.yaml", try StoreScratch.playground("transformation-capped.yaml"))
        try s.write("recorded/fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("corpus/again.yaml", try StoreScratch.playground("transformation-capped.yaml", [
            ("case: SY-2024-T-0002", "case: SY-2025-T-0902"), ("applied_on: 2024-11-20", "applied_on: 2025-09-01")]))
        try s.write("corpus/banned.yaml", try StoreScratch.playground("transformation-granted.yaml", [
            ("case: SY-2024-T-0001", "case: SY-2025-T-0903"), ("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210112MA10B2R657"),
            ("applied_on: 2024-11-05", "applied_on: 2025-09-01")]))
        let recorded = try s.clause(["evaluate", "--record", "recorded"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        return s
    }

    static func summary(_ stdout: String) throws -> [String: Any] {
        let last = try #require(stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        return try #require(object["summary"] as? [String: Any])
    }

    @Test func theRecordCountsOnBothSidesAndNothingIsRecorded() throws {
        let s = try Self.scratch()
        let diff = ["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "proposal", "corpus", "--format", "json"]

        // Without a store every ledger figure is 0: each side grants its whole cap again.
        let alone = try ClauseBinary.clause(diff, cwd: s.root)
        #expect(alone.status == 0, "\(alone.stderr)")
        let aloneMoney = try #require(try Self.summary(alone.stdout)["money"] as? [String: String])
        #expect(aloneMoney == ["base": "690000.00", "proposed": "790000.00"])

        // With the store: the enterprise's 50万元 already granted leaves nothing under the base
        // and 10万元 under the core-sector cap; the registry's ban refuses the other on both sides.
        let counted = try s.clause(diff)
        #expect(counted.status == 0, "\(counted.stderr)")
        let lines = counted.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "one changed case, then the summary: \(counted.stdout)")
        #expect(lines[0].hasPrefix(#"{"case":"SY-2025-T-0902","change":"outcome","item":"transformation","district":"大东区","delta":"+100000.00","#
                                   + #""base":{"outcome":"refused","amount":"0.00","reasons":["art4.1"]},"#
                                   + #""proposed":{"outcome":"granted","amount":"100000.00","reasons":["art4.1","notice.1"]}"#), "\(lines[0])")
        let summary = try Self.summary(counted.stdout)
        #expect(summary["money"] as? [String: String] == ["base": "0.00", "proposed": "100000.00"])
        #expect(summary["granted"] as? [String: Int] == ["base": 0, "proposed": 1])

        // Read only: neither case of the corpus was recorded.
        for id in ["SY-2025-T-0902", "SY-2025-T-0903"] {
            let why = try s.clause(["why", id])
            #expect(why.status == 1)
            #expect(why.stderr.contains("no decision recorded for case '\(id)'"), "\(why.stderr)")
        }
    }

    @Test func aStoreThatIsNotThereIsAnError() throws {
        let s = try Self.scratch()
        let r = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "proposal", "corpus",
                                          "--store", "missing.sqlite"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: missing.sqlite: no record store here"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path("missing.sqlite")), "diff makes no store")
    }
}
