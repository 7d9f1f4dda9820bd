import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// Case texts are kept compressed against the first case written the same way (`CaseBlob`):
/// every text comes back byte for byte, old text rows still read, and a crafted blob is a clear
/// error, never a wrong case.
@Suite struct CaseCompressionTests {
    /// YAML and JSON cases each get their own reference; every stored text reads back to its digest.
    @Test func everyCaseReadsBackToItsDigest() throws {
        let s = try StoreScratch()
        try s.corpus("some", prefix: "C", count: 30)
        try s.write("one.yaml", try StoreScratch.playground("diagnosis.yaml"))
        try s.write("two.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let json = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(3)
        for (i, line) in json.enumerated() { try s.write("j\(i).json", String(line)) }
        #expect(try s.clause(["record", "some", "one.yaml", "two.yaml", "j0.json", "j1.json", "j2.json"]).status == 0)
        let (shapes, forms, digests) = try DatabaseQueue(path: s.store).read { db in
            (try String.fetchAll(db, sql: "SELECT shape FROM case_references ORDER BY shape"),
             try String.fetchAll(db, sql: "SELECT CAST(substr(text, 1, 4) AS TEXT) FROM cases WHERE typeof(text) = 'blob'"),
             try String.fetchAll(db, sql: "SELECT digest FROM cases"))
        }
        #expect(shapes == ["json", "yaml"])
        #expect(forms.filter { $0 == "CLC1" }.count == 2)
        #expect(forms.filter { $0 == "CLC2" }.count == digests.count - 2)
        let store = try RecordStore(path: s.store, create: false)
        for d in digests {
            let text = try #require(try store.caseText(digest: d))
            #expect(DecisionRecorder.digest(text) == d)
        }
        let replay = try s.clause(["replay", "--all"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("\(digests.count) reproduce"), "\(replay.stdout)")
    }

    /// A case compressed against a reference the store does not hold, or against another
    /// compressed-against case, or whose stream is damaged: `why` says which case, and fails.
    @Test func aCraftedCaseBlobIsAClearError() throws {
        for craft in ["missing", "chained", "damaged", "escape"] {
            let s = try StoreScratch()
            try s.write("a.yaml", try StoreScratch.playground("diagnosis.yaml"))
            try s.write("b.yaml", try StoreScratch.playground("transformation-granted.yaml"))
            #expect(try s.clause(["record", "a.yaml", "b.yaml"]).status == 0)
            let caseID = try HandEdit.covered(s.store) { db -> String in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT d.case_id, c.digest, c.text FROM decisions d JOIN cases c ON c.digest = d.case_digest WHERE substr(c.text, 1, 4) = CAST('CLC2' AS BLOB)"))
                var blob = [UInt8]((row["text"] as Data))
                let n = Int(blob[8])
                switch craft {
                case "missing": for k in 0..<n where blob[9 + k] == UInt8(ascii: "a") { blob[9 + k] = UInt8(ascii: "b") }
                case "chained":
                    // Name itself: a reference that is itself compressed against one.
                    let own = Array((row["digest"] as String).utf8)
                    blob = Array(blob[0..<8]) + [UInt8(own.count)] + own + Array(blob[(9 + n)...])
                case "escape":
                    // A reference named with a terminal escape: quoted, never sent to the terminal.
                    let evil = Array("\u{1B}[2J\u{1B}[31mEVIL".utf8)
                    blob = Array(blob[0..<8]) + [UInt8(evil.count)] + evil + Array(blob[(9 + n)...])
                default: blob[blob.count - 3] ^= 0xFF
                }
                try db.execute(sql: "UPDATE cases SET text = ? WHERE digest = ?", arguments: [Data(blob), row["digest"] as String])
                return row["case_id"]
            }
            let r = try s.clause(["why", caseID])
            #expect(r.status == 1, "\(craft)")
            #expect(r.stderr.contains("error: the record store is damaged (altered by hand, or a disk fault): case sha256:"), "\(craft): \(r.stderr)")
            #expect(!r.stderr.contains("\u{1B}"), "\(craft): \(r.stderr)")
            if craft == "escape" { #expect(r.stderr.contains("case \\u{1B}[2J\\u{1B}[31mEVIL, which the store does not hold"), "\(r.stderr)") }
        }
    }
}
