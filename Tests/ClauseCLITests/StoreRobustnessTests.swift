import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// What the issue calls robustness: concurrent writers, a killed writer, and files that are not
/// a store (or a newer one) refused with a clear message.
@Suite struct StoreRobustnessTests {
    /// Two `clause record` processes started at once on a new store: every decision of both is
    /// there, and the store is sound.
    @Test func twoProcessesRecordingAtOnceLoseNothing() throws {
        let s = try StoreScratch()
        try s.corpus("a", prefix: "A", count: 300)
        try s.corpus("b", prefix: "B", count: 300)
        let first = try s.start(["record", "--batch", "7", "a"])
        let second = try s.start(["record", "--batch", "7", "b"])
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.terminationStatus == 0)
        let db = try DatabaseQueue(path: s.store)
        let (count, distinct, bad) = try db.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions")!,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT case_id) FROM decisions")!,
             try Row.fetchAll(db, sql: "SELECT id, case_id, decision_json FROM decisions").filter { row in
                 let json = try DecisionBlob.decode(row["decision_json"], decisionID: row["id"]) {
                     try DatabaseValue.fetchOne(db, sql: "SELECT decision_json FROM decisions WHERE id = ?", arguments: [$0])
                 }
                 return !json.hasPrefix("{\"case\":\"" + (row["case_id"] as String) + "\"")
             }.count)
        }
        #expect(count == 600)
        #expect(distinct == 600)
        #expect(bad == 0)
        #expect(try RecordStore(path: s.store, create: false).integrityCheck() == "ok")
    }

    /// `clause record` killed with SIGKILL in the middle of a big batch: the store opens, passes
    /// integrity_check, and holds only whole batches of whole records.
    @Test func aKilledRecorderLeavesOnlyWholeRecords() throws {
        let s = try StoreScratch()
        try s.corpus("big", prefix: "K", count: 4000)
        let batch = 50
        let p = try s.start(["record", "--batch", "\(batch)", "big"])
        // Wait until some batches are committed, then kill it mid-run.
        var committed = 0
        let deadline = Date().addingTimeInterval(120)
        while committed < 3 * batch && p.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            if FileManager.default.fileExists(atPath: s.store) {
                committed = (try? DatabaseQueue(path: s.store).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM decisions") ?? 0 }) ?? 0
            }
        }
        #expect(p.isRunning, "the recorder finished before it could be killed; make the corpus bigger")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        let store = try RecordStore(path: s.store, create: false)
        #expect(try store.integrityCheck() == "ok")
        let db = try DatabaseQueue(path: s.store)
        try db.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions")!
            #expect(count > 0 && count < 4000)
            // The corpus is one enterprise's applications: its three grants (190,000, 190,000, the
            // 120,000 left of the cap), then refusals; grants and refusals alike are committed in
            // whole batches (the batch counts its own grants before it commits).
            let grants = try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions WHERE outcome = 'granted'")!
            #expect(grants == min(count, 3))
            #expect(count % batch == 0, "a half batch was committed: \(count) decisions")
            // Every decision has its case text, its package link, its package files and a whole JSON line.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions d LEFT JOIN cases c ON c.digest = d.case_digest WHERE c.digest IS NULL")! == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM decision_packages p WHERE p.decision_id = d.id)")! == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM decision_packages p WHERE NOT EXISTS (SELECT 1 FROM package_files f WHERE f.digest = p.digest)")! == 0)
            for row in try Row.fetchAll(db, sql: "SELECT id, decision_json FROM decisions") {
                let json = try DecisionBlob.decode(row["decision_json"], decisionID: row["id"]) {
                    try DatabaseValue.fetchOne(db, sql: "SELECT decision_json FROM decisions WHERE id = ?", arguments: [$0])
                }
                #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) is [String: Any], "decision #\(row["id"] as Int64)")
            }
            #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        // And it takes new records after the crash.
        try s.write("one.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "one.yaml"]).status == 0)
    }

    @Test func aFileThatIsNotSQLiteIsAClearError() throws {
        let s = try StoreScratch()
        try s.write("records.sqlite", "this is a shopping list, not a database\n")
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        for args in [["why", "SY-2024-D-0001"], ["record", "case.yaml"], ["evaluate", "--record", "case.yaml"], ["bans", "list"]] {
            let r = try s.clause(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr == "error: \(s.store): not a clause record store: the file is not a SQLite database (corrupt, or another kind of file)\n", "\(args)")
        }
        #expect(try String(contentsOfFile: s.store, encoding: .utf8) == "this is a shopping list, not a database\n")
    }

    @Test func aDamagedStoreIsAClearError() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        // Keep the SQLite header, scribble over every page after it.
        let checkpoint = try DatabaseQueue(path: s.store)
        _ = try checkpoint.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: s.store))
        for i in 100..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try bytes.write(to: URL(fileURLWithPath: s.store))
        let r = try s.clause(["why", "SY-2024-D-0001"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: \(s.store): "))
        #expect(r.stderr.contains("damaged or not a SQLite database") || r.stderr.contains("not a clause record store"))
    }

    /// A grant whose amount was set by hand to the smallest 64-bit number: revoking it and
    /// reckoning what the later decisions that counted it would have been is an error about a
    /// damaged store, not an arithmetic trap (found by the store fuzzer).
    @Test func anAmountOutOfRangeInTheRecordIsDamageNotACrash() throws {
        let s = try StoreScratch()
        try s.write("first.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        try s.write("second.yaml", try StoreScratch.playground("transformation-granted.yaml", [("SY-2024-T-0001", "SY-2024-T-0002")]))
        #expect(try s.clause(["record", "first.yaml", "second.yaml"]).status == 0)
        try HandEdit.covered(s.store) { try $0.execute(sql: "UPDATE decisions SET amount_fen = ? WHERE id = 1", arguments: [Int64.min]) }
        let r = try s.clause(["revoke", "--reason", "材料不实", "SY-2024-T-0001"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("damaged"), "\(r.stderr)")
    }

    @Test func someoneElsesDatabaseIsRefusedAndLeftAlone() throws {
        let s = try StoreScratch()
        try DatabaseQueue(path: s.store).write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)") }
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        let r = try s.clause(["record", "case.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: \(s.store): not a clause record store: a SQLite database of something else (tables: invoices)\n")
        let tables = try DatabaseQueue(path: s.store).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["invoices"])
    }

    @Test func aStoreFromANewerClauseIsRefused() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        try DatabaseQueue(path: s.store).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')") }
        let r = try s.clause(["why", "SY-2024-D-0001"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: \(s.store): this record store was written by a newer clause (schema v2-from-the-future, unknown to clause \(ClauseVersion.current)): upgrade clause to read it\n")
        let missing = try ClauseBinary.clause(["bans", "list", "--store", s.path("nowhere.sqlite")], cwd: s.root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no record store here"))
        #expect(!FileManager.default.fileExists(atPath: s.path("nowhere.sqlite")))
    }
}
