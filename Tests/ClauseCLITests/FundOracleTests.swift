import ClauseTestSupport
import Foundation
import Testing

/// The fund as a whole (see docs/reference/readings.md) against an independent reading (Tests/oracle/fund.py): 600
/// applications by 30 enterprises, 5 sector platforms and 4 selected subjects, some recorded
/// twice and some after a fraud finding, recorded in input order into one store. Each decision
/// must match the reading to the fen, with its refusing clauses and the earlier grants its item's
/// figure counted; `replay --all` must then reproduce every one of them.
@Suite struct FundOracleTests {
    /// The figure that counts an item's earlier grants, by item (the Shenyang `ledger.yaml`).
    static let figureOfItem = [
        "transformation": "enterprise_transformation", "diagnosis": "enterprise_diagnosis",
        "acceptance_monitoring": "enterprise_monitoring", "sector_platform": "platform_granted",
        "public_platform": "public_platform_granted", "activities": "activities_granted",
        "chain_case_award": "selection_awarded", "product_award": "selection_awarded",
    ]

    @Test func aSequenceOfApplicationsIsDecidedAsTheFundReadsIt() throws {
        let s = try StoreScratch()
        let dir = Repo.path("Tests/Fixtures/fund")
        let cases = try String(contentsOfFile: "\(dir)/cases.jsonl", encoding: .utf8).split(separator: "\n")
        let expected = try String(contentsOfFile: "\(dir)/expected.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(cases.count == expected.count && cases.count >= 500)
        try FileManager.default.copyItem(atPath: "\(dir)/cases.jsonl", toPath: s.path("cases.jsonl"))
        let r = try s.clause(["evaluate", "--record", "--format", "json", "--no-trace", "--jsonl", "cases.jsonl"])
        #expect(r.status == 0, "\(r.stderr.prefix(2000))")
        let decided = r.stdout.split(separator: "\n")
        try #require(decided.count == expected.count)
        var disagreements: [String] = []
        var counting = 0
        for (line, (got, want)) in zip(decided, expected).enumerated() {
            let d = try #require(JSONSerialization.jsonObject(with: Data(got.utf8)) as? [String: Any])
            let e = try #require(JSONSerialization.jsonObject(with: Data(want.utf8)) as? [String: Any])
            var problems: [String] = []
            for key in ["case", "outcome", "amount"] where d[key] as? String != e[key] as? String {
                problems.append("\(key) \(d[key] ?? "nil") vs \(e[key] ?? "nil")")
            }
            let reasons = Set((d["reasons"] as? [[String: Any]] ?? []).compactMap { $0["clause"] as? String })
            if reasons != Set(e["reasons"] as? [String] ?? []) { problems.append("reasons \(reasons.sorted()) vs \(e["reasons"]!)") }
            // The earlier grants the item's figure counted, named in the decision's ledger.
            let item = String(describing: d["item"] ?? "")
            let figures = ((d["ledger"] as? [String: Any])?["figures"] as? [[String: Any]]) ?? []
            let figure = figures.first { $0["name"] as? String == Self.figureOfItem[item] }
            let named = (figure?["cases"] as? [[String: Any]] ?? []).compactMap { $0["case"] as? String }
            let wanted = e["counted"] as? [String] ?? []
            if named != wanted { problems.append("counted \(named) vs \(wanted)") }
            if !wanted.isEmpty { counting += 1 }
            if !problems.isEmpty { disagreements.append("line \(line + 1): " + problems.joined(separator: "; ")) }
        }
        #expect(counting >= 100, "the sequence exercises the record: \(counting) decisions counted earlier grants")
        #expect(disagreements.isEmpty, Comment(rawValue: "\(disagreements.count) disagree:\n" + disagreements.prefix(15).joined(separator: "\n")))
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.stdout.hasSuffix("\(cases.count) reproduce, 0 differ\n"), "\(replay.stdout.suffix(500))")
    }
}
