import ClauseEngine
import ClauseLanguage
import ClauseStore
import Foundation
import FuzzSupport
import GRDB

/// The decision store (ClauseStore) as a careless clerk or a hostile one leaves it: a store
/// recorded from the Playground cases, then edited by hand by the input, one edit a line:
///
///     TABLE COLUMN ROWID VALUE     set a column (VALUE: an integer, NULL, x'HEX' or any text)
///     delete TABLE ROWID           delete a row
///     copy TABLE ROWID             insert a copy of a row (a new rowid)
///
/// Every command that reads the store then runs on it: verify, the ledger's book, why and replay of
/// every decision, the registry's bans, the programme's rows, revocations' reach, and a new case
/// decided against it. Findings beyond crashes: a change to a row that decides money which
/// `verify` does not report.
enum Pristine {
    static let folder: String = {
        let d = NSTemporaryDirectory() + "clause-fuzz-store-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    static let cases: [String] = {
        let dir = (Fuzz.root as NSString).appendingPathComponent("Playground/cases")
        return ["transformation-granted.yaml", "transformation-capped.yaml", "fraud-found.yaml", "diagnosis.yaml",
                "activities.yaml", "chain-case-award.yaml", "history-paid.yaml"].map { (dir as NSString).appendingPathComponent($0) }
    }()

    /// The recorded store, as bytes (its WAL checkpointed into it), and one revocation in it.
    static let bytes: Data = {
        let path = folder + "/pristine.sqlite"
        try? FileManager.default.removeItem(atPath: path)
        do {
            let store = try RecordStore(path: path, create: true)
            let session = RecordingSession(store: store, policy: nil, records: true)
            for c in cases { _ = try session.decide(path: c, asOf: nil) }
            try session.finish()
            _ = try store.revoke(caseID: "SY-2024-T-0001", reason: "fuzz", by: "fuzz", at: "2026-01-01T00:00:00Z")
        } catch {
            Fuzz.fail("the pristine store could not be recorded: \(error)")
        }
        guard let q = try? DatabaseQueue(path: path), (try? q.writeWithoutTransaction({ try $0.checkpoint(.truncate) })) != nil,
              let data = FileManager.default.contents(atPath: path) else { Fuzz.fail("the pristine store could not be read back") }
        return data
    }()

    /// The tables whose every change `verify` must see: the chained rows and what their digests cover.
    static let covered: Set<String> = ["decisions", "bans", "revocations", "ban_lifts", "ban_corrections", "workflow_events",
                                       "decision_keys", "decision_packages", "applications", "cases", "package_files", "live_grants",
                                       "record_chain"]
}

/// Applies the input's edits; returns whether a covered table actually changed.
func edit(_ text: String, _ db: Database) -> Bool {
    var changed = false
    for trigger in (try? String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")) ?? [] {
        try? db.execute(sql: "DROP TRIGGER \"\(trigger)\"")
    }
    let tables = Set((try? String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")) ?? [])
    for line in text.split(separator: "\n").prefix(20) {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3 else { continue }
        func table(_ t: String) -> String? { tables.contains(t) ? t : nil }
        switch parts[0] {
        case "delete":
            guard let t = table(parts[1]), let id = Int64(parts[2]) else { continue }
            try? db.execute(sql: "DELETE FROM \"\(t)\" WHERE rowid = ?", arguments: [id])
            if db.changesCount > 0 && Pristine.covered.contains(t) { changed = true }
        case "copy":
            guard let t = table(parts[1]), let id = Int64(parts[2]),
                  let columns = try? String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk = 0", arguments: [t]),
                  !columns.isEmpty else { continue }
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try? db.execute(sql: "INSERT INTO \"\(t)\" (\(list)) SELECT \(list) FROM \"\(t)\" WHERE rowid = ?", arguments: [id])
            if db.changesCount > 0 && Pristine.covered.contains(t) && t != "record_chain" { changed = true }
        default:
            guard parts.count == 4, let t = table(parts[0]), let id = Int64(parts[2]),
                  let columns = try? String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [t]),
                  columns.contains(parts[1]) else { continue }
            let raw = parts[3]
            let value: DatabaseValue
            if raw == "NULL" { value = .null } else if let n = Int64(raw) { value = n.databaseValue } else if raw.hasPrefix("x'"), raw.hasSuffix("'"),
                      let bytes = hex(raw.dropFirst(2).dropLast()) { value = Data(bytes).databaseValue } else { value = raw.databaseValue }
            try? db.execute(sql: "UPDATE \"\(t)\" SET \"\(parts[1])\" = ? WHERE rowid = ? AND \"\(parts[1])\" IS NOT ?", arguments: [value, id, value])
            if db.changesCount > 0 && Pristine.covered.contains(t) { changed = true }
        }
    }
    return changed
}

func hex(_ s: Substring) -> [UInt8]? {
    guard s.count % 2 == 0, s.count <= 2048 else { return nil }
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
        out.append(b)
        i = j
    }
    return out
}

Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    let path = Pristine.folder + "/work.sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    FileManager.default.createFile(atPath: path, contents: Pristine.bytes, attributes: [.posixPermissions: 0o600])
    var changed = false
    do {
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            changed = edit(text, db)
        }
    } catch { return 0 }

    guard let store = try? RecordStore(path: path, create: false) else { return 0 }
    if let report = try? store.verify(), changed, report.findings.isEmpty {
        Fuzz.fail("a change to the record that verify does not report:\n\(text)")
    }
    let loader = CaseLoader(repository: Fuzz.repository)
    let ledger = StoreLedger(store: store, loader: loader)
    _ = try? ledger.book(for: Fuzz.shenyang)
    _ = try? ledger.revokedBook(for: Fuzz.shenyang)
    _ = try? store.bans()
    _ = try? store.latestDecisions(policyID: Fuzz.shenyang.id)
    if let replayer = try? Replayer(store: store) {
        for id in (try? store.allDecisionIDs()) ?? [] {
            guard let r = try? store.decision(id: id) else { continue }
            _ = try? replayer.replay(r)
            _ = try? store.decisionKeys(id)
        }
        if let reach = try? RevocationReach(store: store, replayer: replayer) {
            for id in (try? store.revokedDecisionIDs()) ?? [] { _ = try? reach.dependants(of: id) }
        }
    }
    let session = RecordingSession(store: store, policy: nil, records: false)
    for c in Pristine.cases.prefix(2) { _ = try? session.decide(path: c, asOf: nil) }
    return 0
}
