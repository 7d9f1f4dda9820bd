import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import Foundation
import GRDB
import Testing

/// Hostile stores and hostile input that once corrupted records, wrote files or crashed
/// (issue 11): each test failed before its fix.
@Suite struct HardeningTests {
    /// A store whose package file names climb out of the replay folder: `why` and `replay`
    /// refuse it, exit 1, and write nothing anywhere.
    @Test func aCraftedStoreCannotWriteOutsideTheReplayFolder() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        // From /tmp/clause-replay-…/<digest>/, "../../<scratch>/pwned.yaml" lands in the scratch folder.
        let scratchName = (s.root as NSString).lastPathComponent
        for name in ["../../\(scratchName)/pwned.yaml", "sub/pwned.yaml", "..", ""] {
            try DatabaseQueue(path: s.store).write { db in
                try db.execute(sql: "UPDATE package_files SET name = ? WHERE name = (SELECT max(name) FROM package_files)", arguments: [name])
            }
            for args in [["why", "SY-2024-D-0001"], ["replay", "SY-2024-D-0001"], ["replay", "--all"]] {
                let r = try s.clause(args)
                #expect(r.status == 1, "\(args) \(name)")
                #expect(r.stderr.contains("which is not a plain file name"), "\(args) \(name): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: s.path("pwned.yaml")), "\(args) \(name)")
            }
        }
    }

    /// A digest that is not sha256 hex could name any folder; it is refused before use.
    @Test func aCraftedDigestIsRefused() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        try DatabaseQueue(path: s.store).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for table in ["packages", "package_files", "decision_packages"] {
                try db.execute(sql: "UPDATE \(table) SET digest = 'sha256:../../../../x'")
            }
        }
        let r = try s.clause(["replay", "--all"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is not sha256: and 64 hex digits"), "\(r.stderr)")
    }

    @Test func plainFileNames() {
        #expect(Replayer.isPlainFileName("policy.yaml"))
        #expect(Replayer.isPlainFileName("政策.yaml"))
        for bad in ["", ".", "..", "a/b.yaml", "..\\x.yaml", "a\u{0}b.yaml", "a\nb.yaml", String(repeating: "x", count: 300)] {
            #expect(!Replayer.isPlainFileName(bad), "\(bad)")
        }
    }
}
