import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// The store refuses a hand edit of what decides money, and a store whose guards were dropped
/// (the only way to edit it) is read with a warning and never written.
@Suite struct StoreGuardTests {
    /// Two grants of one enterprise (the second capped by the first) and a fraud case with a ban.
    static func store() throws -> StoreScratch {
        let s = try StoreScratch()
        try s.write("a.yaml", try RecordExactnessTests.bigTransformation("SY-G-1", code: "91210106MA0Y3K2X1E"))
        try s.write("b.yaml", try RecordExactnessTests.bigTransformation("SY-G-2", code: "91210106MA0Y3K2X1E"))
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        let r = try s.clause(["record", "a.yaml", "b.yaml", "fraud.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        return s
    }

    static func counts(_ store: String) throws -> [Int] {
        try DatabaseQueue(path: store).read { db in
            try ["decisions", "live_grants", "live_keys", "bans", "decision_keys", "cases"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }

    @Test func everyHandEditOfWhatDecidesMoneyIsRefused() throws {
        let s = try Self.store()
        let before = try Self.counts(s.store)
        #expect(before[1] == 2 && before[3] == 1, "two grants count and one ban is registered: \(before)")
        let edits = [
            "UPDATE decisions SET amount_fen = 0 WHERE id = 1",
            "UPDATE decisions SET outcome = 'refused' WHERE id = 2",
            "UPDATE decisions SET decision_json = '{}' WHERE id = 1",
            "DELETE FROM decisions WHERE id = 3",
            "UPDATE live_grants SET amount_fen = 1",
            "DELETE FROM live_grants WHERE decision_id = 1",
            "DELETE FROM live_keys",
            "UPDATE live_keys SET value = 'x'",
            "INSERT INTO live_grants (decision_id, policy_id, case_id, as_of, amount_fen) VALUES (3, 'shenyang-sme-dx-fund', 'SY-X', '2024-01-01', 5)",
            "INSERT INTO live_keys (decision_id, path, value) VALUES (1, 'applicant.credit_code', '91210106MA0Y3K2X10')",
            "UPDATE decision_keys SET value = 'x'",
            "DELETE FROM decision_keys",
            "UPDATE bans SET through = '2020-01-01'",
            "DELETE FROM bans",
            "UPDATE cases SET text = 'x'",
            "DELETE FROM cases",
            "UPDATE package_files SET text = 'x'",
            "UPDATE applications SET applicant = 'x'",
        ]
        let q = try DatabaseQueue(path: s.store)
        for sql in edits {
            do {
                try q.write { try $0.execute(sql: sql) }
                Issue.record("the store took a hand edit: \(sql)")
            } catch let e as DatabaseError {
                #expect(e.message?.hasPrefix("clause: ") == true, "\(sql): \(e)")
            }
        }
        try q.close()
        #expect(try Self.counts(s.store) == before)
        let verify = try s.clause(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    /// Deciding a case again, revoking, reinstating: the record changes only as clause changes it.
    @Test func clausesOwnCorrectionsPassTheGuards() throws {
        let s = try Self.store()
        try s.write("a2.yaml", try StoreScratch.playground("transformation-granted.yaml", [("SY-2024-T-0001", "SY-G-1")]))
        #expect(try s.clause(["record", "a2.yaml"]).status == 0)
        #expect(try s.clause(["revoke", "SY-G-1", "--reason", "材料不实"]).status == 0)
        let again = try s.clause(["record", "--reinstate", "a2.yaml"])
        #expect(again.status == 0, "\(again.stderr)")
        let corrected = try s.clause(["bans", "correct", "91210112MA10B2R657", "--through", "2026-01-01", "--reason", "复核"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try s.clause(["bans", "lift", "91210112MA10B2R657", "--reason", "复核"]).status == 0)
        let verify = try s.clause(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(try RecordStore(path: s.store, create: false).removedGuards().isEmpty)
    }

    /// Someone dropped the guards and freed the cap by deleting a grant that counts.
    @Test func aStoreWhoseGuardsWereDroppedIsReadWithAWarningAndNeverWritten() throws {
        let s = try Self.store()
        try HandEdit.unguarded(s.store) { db in
            try db.execute(sql: "DELETE FROM live_keys WHERE decision_id = 1")
            try db.execute(sql: "DELETE FROM live_grants WHERE decision_id = 1")
        }
        let before = try Self.counts(s.store)
        try s.write("c.yaml", try RecordExactnessTests.bigTransformation("SY-G-3", code: "91210106MA0Y3K2X1E"))

        let evaluate = try s.clause(["evaluate", "c.yaml"])
        #expect(evaluate.status == 0)
        #expect(evaluate.stderr.contains("warning: \(s.store): the guards that refuse hand edits of its tables ("), "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("live_grants") && evaluate.stderr.contains("run 'clause verify' before relying on what follows"))
        #expect(try s.clause(["ledger"]).stderr.contains("were removed or altered"))

        for command in [["record", "c.yaml"], ["evaluate", "--record", "c.yaml"], ["revoke", "SY-G-2", "--reason", "x"],
                        ["bans", "lift", "91210106MA0Y3K2X1E", "--reason", "x"]] {
            let r = try s.clause(command)
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("nothing is recorded into it. Run 'clause verify'; 'clause verify --repair' puts the guards back when no recorded row is found altered"),
                    "\(command): \(r.stderr)")
        }
        #expect(try Self.counts(s.store) == before, "nothing was written")

        let verify = try s.clause(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("ALTERED the table of grants that count differs from the record at decision #1"), "\(verify.stdout)")
        #expect(verify.stdout.contains("UNGUARDED table 'live_grants': its guard against hand edits ('live_grants_leave_when_replaced') was removed or altered\n"))
        // The table of grants that count is made from the chained rows, which are intact: it is
        // made again, nothing recorded is lost, and the freed room is gone.
        let repair = try s.clause(["verify", "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.hasPrefix("""
            repaired the table of grants that count: made again from the record, 2 grants count
            restored \(StoreGuards.all.count) guards against hand edits, of applications, ban_corrections, ban_lifts, bans, cases, \
            decision_keys, decision_packages, decisions, live_grants, live_keys, package_files, packages, record_chain, revocations, \
            workflow_events
            verified 4 records in
            """), "\(repair.stdout)")
        #expect(repair.stdout.contains(": none altered\n"))
        #expect(try RecordStore(path: s.store, create: false).removedGuards().isEmpty)
        #expect(try Self.counts(s.store)[0...1] == [3, 2])
        let capped = try s.clause(["evaluate", "c.yaml"])
        #expect(capped.stderr.isEmpty, "\(capped.stderr)")
        #expect(capped.stdout.contains("结论：不予支持") || capped.stdout.contains("余额 ¥0.00"), "\(capped.stdout)")
    }

    /// One grant that counts is said in the singular.
    @Test func oneGrantRepairedIsSaidSo() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        #expect(try s.clause(["record", "a.yaml"]).status == 0)
        try HandEdit.unguarded(s.store) { db in
            try db.execute(sql: "DELETE FROM live_keys")
            try db.execute(sql: "DELETE FROM live_grants")
        }
        let repair = try s.clause(["verify", "--repair"])
        #expect(repair.status == 0)
        #expect(repair.stdout.hasPrefix("repaired the table of grants that count: made again from the record, 1 grant counts\n"), "\(repair.stdout)")
    }

    /// A recorded row altered: nothing is put back, since what would be made from it is altered too.
    @Test func nothingIsRepairedOverAnAlteredRecord() throws {
        let s = try Self.store()
        try HandEdit.unguarded(s.store) { db in
            try db.execute(sql: "UPDATE decisions SET amount_fen = 1 WHERE id = 1")
            try db.execute(sql: "UPDATE live_grants SET amount_fen = 1 WHERE decision_id = 1")
        }
        let before = try Self.counts(s.store)
        let repair = try s.clause(["verify", "--repair"])
        #expect(repair.status == 1)
        #expect(repair.stdout.contains("ALTERED decision #1 of case 'SY-G-1' was changed after it was recorded"), "\(repair.stdout)")
        #expect(repair.stderr == "error: nothing is repaired while a recorded row is found altered: restore the store from a copy made before the edit\n", "\(repair.stderr)")
        #expect(!(try RecordStore(path: s.store, create: false).removedGuards().isEmpty))
        #expect(try Self.counts(s.store) == before)
    }

    /// Guards dropped and nothing edited (a maintenance slip): verify says so, and puts them back.
    @Test func guardsDroppedOverAnUnalteredRecordArePutBack() throws {
        let s = try Self.store()
        try HandEdit.unguarded(s.store) { _ in }
        let verify = try s.clause(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("UNGUARDED table 'decisions'"), "\(verify.stdout)")
        #expect(verify.stdout.contains("none altered"))
        let restore = try s.clause(["verify", "--repair"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stdout.hasPrefix("restored \(StoreGuards.all.count) guards against hand edits, of applications, "), "\(restore.stdout)")
        #expect(!restore.stdout.contains("repaired the table"), "nothing of it differed")
        let again = try s.clause(["verify"])
        #expect(again.status == 0 && !again.stdout.contains("UNGUARDED"), "\(again.stdout)")
        try s.write("c.yaml", try RecordExactnessTests.bigTransformation("SY-G-3", code: "91210106MA0Y3K2X1E"))
        let record = try s.clause(["record", "c.yaml"])
        #expect(record.status == 0 && record.stderr.isEmpty, "\(record.stderr)")
    }

    /// A harmless trigger put in a guard's place under its name is no guard: found, and put back.
    @Test func aTriggerImpersonatingAGuardIsFoundAndReplaced() throws {
        let s = try Self.store()
        try DatabaseQueue(path: s.store).write { db in
            try db.execute(sql: "DROP TRIGGER live_grants_leave_when_replaced")
            try db.execute(sql: "CREATE TRIGGER live_grants_leave_when_replaced BEFORE DELETE ON live_grants WHEN 0 BEGIN SELECT 1; END")
        }
        let evaluate = try s.clause(["evaluate", "a.yaml"])
        #expect(evaluate.stderr.contains("the guards that refuse hand edits of its tables (live_grants) were removed or altered"), "\(evaluate.stderr)")
        #expect(try s.clause(["record", "a.yaml"]).status == 1)
        let verify = try s.clause(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("UNGUARDED table 'live_grants': its guard against hand edits ('live_grants_leave_when_replaced') was removed or altered\n"))
        #expect(try s.clause(["verify", "--repair"]).status == 0)
        #expect(try RecordStore(path: s.store, create: false).removedGuards().isEmpty)
        #expect(throws: DatabaseError.self) {
            try DatabaseQueue(path: s.store).write { try $0.execute(sql: "DELETE FROM live_grants") }
        }
    }

    /// The guards of the first stores (the append-only tables) say their refusals as they always
    /// did: they are read as the guards they are, not as impostors.
    @Test func theFirstStoresGuardsAreRecognised() throws {
        let s = try StoreScratch()
        _ = try StoreMigrationTests.oldStore(s)
        let kept = try DatabaseQueue(path: s.store).read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'revocations_never_updated'")
        }
        #expect(kept?.contains("'revocations are append-only'") == true, "\(kept ?? "none")")
        #expect(try s.clause(["verify"]).stdout.contains("UNGUARDED") == false)
        #expect(try RecordStore(path: s.store, create: false).removedGuards().isEmpty)
    }

    /// A store written before the guards gets them when it is first opened for writing.
    @Test func anOlderStoreIsGuardedWhenUpgraded() throws {
        let s = try StoreScratch()
        _ = try StoreMigrationTests.oldStore(s)
        #expect(try s.clause(["verify"]).status == 0)
        #expect(try RecordStore(path: s.store, create: false).removedGuards().isEmpty)
        #expect(throws: DatabaseError.self) {
            try DatabaseQueue(path: s.store).write { try $0.execute(sql: "UPDATE decisions SET amount_fen = 0") }
        }
    }
}

/// A process that holds the store open (the workbench, a replay with workers) must keep seeing
/// what other processes record. SQLite's locks are POSIX locks, which a process loses on *every*
/// descriptor of the file as soon as it closes *any* one of them: a second opening of the store
/// that read its header with a descriptor of its own, then closed it, dropped the first
/// connection's locks. The next process to close then took itself for the last, deleted the WAL,
/// and the workbench went on reading a deleted one: it never saw another decision.
@Suite struct StoreSharingTests {
    @Test func aStoreOpenedTwiceInOneProcessStillSeesWhatOthersRecord() throws {
        let s = try StoreScratch()
        try s.write("a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        try s.write("b.yaml", try StoreScratch.playground("transformation-granted.yaml", [("SY-2024-T-0001", "SY-2024-T-0002")]))
        #expect(try s.clause(["record", "a.yaml"]).status == 0)
        let first = try RecordStore(path: s.store, create: false)
        #expect(try first.decisionCount() == 1)
        let second = try RecordStore(path: s.store, create: false)
        #expect(try second.removedGuards().isEmpty)
        // Another process reads and closes, then another records and closes.
        #expect(try s.clause(["ledger"]).status == 0)
        #expect(try s.clause(["record", "b.yaml"]).status == 0)
        #expect(try first.decisionCount() == 2, "the first connection reads a WAL another process deleted")
        #expect(try second.decisionCount() == 2)
        let deleted = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
        }.filter { $0.hasPrefix(s.store) && $0.hasSuffix("(deleted)") } ?? []
        #expect(deleted.isEmpty, "\(deleted)")
    }

    /// A store deleted and made again under one path, over and over (the store fuzzer does it for
    /// every input): the process keeps one descriptor of it, not one per file it ever was.
    @Test func aStoreMadeAgainUnderOnePathKeepsOneDescriptor() throws {
        let s = try StoreScratch()
        func open() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
            }.filter { $0.hasPrefix(s.store) && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
        }
        for _ in 0..<30 {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: s.store + suffix) }
            let store = try RecordStore(path: s.store, create: true)
            #expect(try store.decisionCount() == 0)
        }
        let kept = open()
        #expect(kept.count <= 3, "\(kept.count) descriptors: \(kept.prefix(5))")
    }
}
