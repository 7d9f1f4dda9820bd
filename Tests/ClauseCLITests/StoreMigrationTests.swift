import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// A store written by clause before the compact trace and compressed records (commit 257a256):
/// `Fixtures/stores/before-compact-trace.sql` is the dump of one, made by recording six
/// Playground cases (a grant, a refusal with a ban, several refusals, an incomplete case, a
/// history, a second grant of the same enterprise that the ledger counted).
@Suite struct StoreMigrationTests {
    static func oldStore(_ s: StoreScratch) throws -> [(caseID: String, json: String)] {
        let dump = try String(contentsOfFile: Repo.path("Tests/Fixtures/stores/before-compact-trace.sql"), encoding: .utf8)
        let q = try DatabaseQueue(path: s.store)
        try q.writeWithoutTransaction { try $0.execute(sql: dump) }
        let rows = try q.read { db in
            try Row.fetchAll(db, sql: "SELECT case_id, decision_json, typeof(decision_json) AS kind FROM decisions ORDER BY id")
                .map { (caseID: $0["case_id"] as String, json: $0["decision_json"] as String, kind: $0["kind"] as String) }
        }
        try q.close()
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0.kind == "text" && !$0.json.contains("trace_version") })
        return rows.map { ($0.caseID, $0.json) }
    }

    @Test func oldRecordsReadAndReplayByteForByte() throws {
        let s = try StoreScratch()
        let recorded = try Self.oldStore(s)
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        #expect(replay.stdout.hasSuffix("replayed 6 decisions: 6 reproduce, 0 differ\n"))
        for (caseID, json) in Dictionary(recorded.map { ($0.caseID, $0.json) }, uniquingKeysWith: { $1 }) {
            let why = try s.clause(["why", caseID, "--format", "json"])
            #expect(why.status == 0)
            #expect(why.stdout == json + "\n", "\(caseID)")
            let text = try s.clause(["why", caseID])
            #expect(text.status == 0, "\(caseID): \(text.stderr)")
            #expect(text.stdout.contains("结论："), "\(caseID)")
            #expect(!text.stderr.contains("does not reproduce"), "\(caseID)")
        }
    }

    /// New records beside the old: compressed, with the compact trace; the old ones stay text.
    @Test func newRecordsAreCompactBesideTheOld() throws {
        let s = try StoreScratch()
        let recorded = try Self.oldStore(s)
        try s.write("new.yaml", try StoreScratch.playground("diagnosis.yaml"))
        let r = try s.clause(["record", "new.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let (rows, newest) = try DatabaseQueue(path: s.store).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, typeof(decision_json) AS kind, decision_json FROM decisions ORDER BY id")
            let newest = try DecisionBlob.decode(rows[6]["decision_json"], decisionID: rows[6]["id"]) {
                try DatabaseValue.fetchOne(db, sql: "SELECT decision_json FROM decisions WHERE id = ?", arguments: [$0])
            }
            return (rows, newest)
        }
        #expect(rows.map { $0["kind"] as String } == ["text", "text", "text", "text", "text", "text", "blob"])
        #expect(!newest.contains(#""trace":"#), "new records keep the lean line")
        #expect((rows[6]["decision_json"] as Data).count < newest.utf8.count)
        #expect(try DecisionBlob.decode(rows[0]["decision_json"], decisionID: rows[0]["id"]) == recorded[0].json)
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.stdout.hasSuffix("replayed 7 decisions: 7 reproduce, 0 differ\n"), "\(replay.stdout)")
    }

    /// A case id recorded before applications were kept is still one application: its first
    /// decision says whose it is, so another applicant's case under it is refused, and the same
    /// case recorded again replaces its grant rather than counting beside it.
    @Test func anApplicationRecordedBeforeApplicationsWereKeptStillHoldsItsCaseID() throws {
        let s = try StoreScratch()
        _ = try StoreMigrationTests.oldStore(s)
        try s.write("other.yaml", try StoreScratch.playground("transformation-granted.yaml",
                                                             [("credit_code: 91210106MA0Y3K2X1E", "credit_code: 91210106MA0K9P2D1W")]))
        let other = try s.clause(["record", "other.yaml"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("case id 'SY-2024-T-0001' is recorded as another application (decision #1"), "\(other.stderr)")
        try s.write("again.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let again = try s.clause(["record", "again.yaml"])
        #expect(again.status == 0, "\(again.stderr)")
        let live = try DatabaseQueue(path: s.store).read { db in
            try Int64.fetchAll(db, sql: "SELECT decision_id FROM live_grants WHERE case_id = 'SY-2024-T-0001'")
        }
        #expect(live == [7])
        #expect(try s.clause(["verify"]).status == 0)
    }

    /// Decisions under one package after the first are compressed against it, to under a quarter
    /// of their line; each reads back exactly.
    @Test func laterDecisionsAreCompressedAgainstTheFirst() throws {
        let s = try StoreScratch()
        try s.corpus("c", prefix: "C", count: 5)
        #expect(try s.clause(["record", "c"]).status == 0)
        let store = try RecordStore(path: s.store, create: false)
        let rows = try DatabaseQueue(path: s.store).read { db in
            try Row.fetchAll(db, sql: "SELECT id, case_id, decision_json FROM decisions ORDER BY id")
        }
        #expect(rows.count == 5)
        for (k, row) in rows.enumerated() {
            let blob: Data = row["decision_json"]
            #expect(blob.starts(with: Array((k == 0 ? "CLZ1" : "CLZ2").utf8)))
            let line = try #require(try store.decisions(caseID: row["case_id"]).last).json
            #expect(line.hasPrefix("{\"case\":\"\(row["case_id"] as String)\""))
            if k > 0 { #expect(blob.count * 4 < line.utf8.count, "\(blob.count) bytes for \(line.utf8.count)") }
        }
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("replayed 5 decisions: 5 reproduce, 0 differ\n"))
        // A new store has 8 KB pages, which hold several such rows each.
        #expect(try DatabaseQueue(path: s.store).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 8192)
    }

    /// The blob form gives back exactly the line; what is not one of ours is refused, not misread.
    @Test func blobsRoundTripAndForeignBlobsAreRefused() throws {
        let line = #"{"case":"甲-1","trace":{"trace_version":2}}"# + String(repeating: "规则 rule ", count: 200)
        let stored = DecisionBlob.encode(line)
        guard case .blob(let data) = stored.storage else {
            Issue.record("a long line is not compressed")
            return
        }
        #expect(data.count < line.utf8.count / 4)
        #expect(try DecisionBlob.decode(stored, decisionID: 1) == line)
        #expect(DecisionBlob.encode("{}") == "{}".databaseValue)
        #expect(throws: StoreBug.self) { try DecisionBlob.decode(Data("not ours".utf8).databaseValue, decisionID: 2) }
        var damaged = data
        damaged[damaged.count - 3] ^= 0xFF
        #expect(throws: StoreBug.self) { try DecisionBlob.decode(damaged.databaseValue, decisionID: 3) }
        // Against a reference: it reads back with the reference, and not without it.
        let reference = DecisionBlob.Reference(id: 7, line: Array(line.utf8))
        let other = line.replacingOccurrences(of: "甲-1", with: "乙-2")
        let against = DecisionBlob.encode(other, reference: reference)
        #expect(try DecisionBlob.decode(against, decisionID: 8) { $0 == 7 ? stored : nil } == other)
        #expect(throws: StoreBug.self) { try DecisionBlob.decode(against, decisionID: 8) }
        #expect(throws: StoreBug.self) { try DecisionBlob.decode(against, decisionID: 8) { _ in against } }
    }
}
