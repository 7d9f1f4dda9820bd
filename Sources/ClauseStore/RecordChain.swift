import ClauseLanguage
import ClauseSyntax
import Crypto
import Foundation
import GRDB

/// Tamper evidence for the fund's record: every row that decides money or a ban (a decision with
/// its keys, a revocation, a ban, its lifts and corrections, a workflow event) gets an entry in
/// `record_chain` when it is written, whose digest is the sha256 of the entry before and the
/// row's columns. Editing a row, inserting one by hand or deleting one breaks the chain at that
/// row, and `clause verify` names it.
///
/// A chain is evidence, not a lock: someone who can write the file and knows this code could
/// recompute every digest after an edit. So `verify` prints the head (the last digest), which an
/// auditor notes down elsewhere; `verify --head DIGEST` then proves the record up to that point is
/// the one that was noted.
package enum RecordChain {
    /// A kind of chained row: the table it lives in and the columns the digest covers.
    struct Kind: Sendable {
        var name: String
        var table: String
        var columns: [String]
        /// How a person names such a row in a finding.
        var noun: String
    }

    static let kinds: [Kind] = [
        Kind(name: "decision", table: "decisions",
             columns: ["id", "case_id", "case_digest", "case_path", "policy_id", "policy_digest", "policy_version", "item", "as_of",
                       "outcome", "amount_fen", "reasons", "clawback_fen", "blacklisted_until", "registry_ban_decision",
                       "registry_ban_correction", "decision_json", "clause_version", "recorded_at", "recorded_by"],
             noun: "decision"),
        Kind(name: "ban", table: "bans", columns: ["id", "credit_code", "from_date", "through", "clause", "case_id", "decision_id"],
             noun: "registered ban"),
        Kind(name: "revocation", table: "revocations", columns: ["id", "decision_id", "case_id", "reason", "revoked_by", "revoked_at"],
             noun: "revocation"),
        Kind(name: "ban_lift", table: "ban_lifts", columns: ["id", "ban_id", "reason", "lifted_by", "lifted_at"], noun: "ban lift"),
        Kind(name: "ban_correction", table: "ban_corrections",
             columns: ["id", "ban_id", "from_date", "through", "reason", "corrected_by", "corrected_at"], noun: "ban correction"),
        Kind(name: "event", table: "workflow_events",
             columns: ["id", "case_id", "seq", "event", "on_date", "role", "district", "name", "payload", "case_digest", "decision_id",
                       "recorded_at"],
             noun: "workflow event"),
    ]

    static func kind(_ name: String) -> Kind? { kinds.first { $0.name == name } }

    static let decision = kinds[0]

    /// Appends chain entries for rows just written, in the order given.
    ///
    /// - Parameter known: the canonical bytes of decisions made as they were inserted
    ///   (`DecisionBytes`); every other row is read back from the store.
    static func seal(_ rows: [(kind: String, id: Int64)], _ db: Database, known: [Int64: [UInt8]] = [:]) throws {
        guard !rows.isEmpty else { return }
        var previous = try String.fetchOne(db.cachedStatement(sql: "SELECT digest FROM record_chain ORDER BY seq DESC LIMIT 1")) ?? ""
        let insert = try db.cachedStatement(sql: "INSERT INTO record_chain (kind, row_id, digest) VALUES (?, ?, ?)")
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + CanonicalRows.chunk)]
            let unknown = chunk.filter { $0.kind != decision.name || known[$0.id] == nil }
            let canonical = try CanonicalRows(unknown.map { ($0.kind, $0.id) }, db)
            for r in chunk {
                let made = r.kind == decision.name ? known[r.id] : nil
                guard let kind = kind(r.kind), let bytes = made ?? canonical[kind.name, r.id] else {
                    throw StoreBug("a \(r.kind) row #\(r.id) to seal is not in the store")
                }
                previous = digest(previous: previous, kind: kind.name, bytes: bytes)
                try insert.run(r.kind.databaseValue, r.id.databaseValue, previous.databaseValue)
            }
            start += chunk.count
        }
    }

    /// Seals every row a store holds when it is upgraded to keep a chain: the past as it was found.
    static func sealExisting(_ db: Database) throws {
        var rows: [(kind: String, id: Int64)] = []
        for k in kinds {
            rows += try Int64.fetchAll(db, sql: "SELECT id FROM \(k.table) ORDER BY id").map { (k.name, $0) }
        }
        try seal(rows, db)
    }

    /// sha256 over the previous digest, the kind and the row's canonical bytes.
    static func digest(previous: String, kind: String, bytes: [UInt8]) -> String {
        var h = SHA256()
        h.update(data: Array(previous.utf8))
        h.update(data: [0x0A])
        h.update(data: Array(kind.utf8))
        h.update(data: [0x0A])
        h.update(data: bytes)
        return PackageFiles.text(of: h.finalize())
    }

    /// A row's columns as unambiguous bytes (`CanonicalRows`), nil when the row is not there.
    static func canonicalRow(_ kind: Kind, id: Int64, _ db: Database) throws -> [UInt8]? {
        try CanonicalRows([(kind.name, id)], db)[kind.name, id]
    }

    /// The canonical bytes of many chained rows, read with a few queries per kind rather than
    /// four per row: sealing a batch and verifying a record of 100,000 decisions read them all.
    ///
    /// A row's bytes are its columns, each tagged with its storage class and, for text, its
    /// length; a decision's JSON line by its sha256 (it may be a large blob); a decision's keys,
    /// package links and application after its columns.
    struct CanonicalRows {
        /// How many rows one query asks for by id.
        static let chunk = 500
        private var bytes: [String: [Int64: [UInt8]]] = [:]

        init(_ rows: [(kind: String, id: Int64)], _ db: Database) throws {
            var ids: [String: [Int64]] = [:]
            for r in rows { ids[r.kind, default: []].append(r.id) }
            for (name, wanted) in ids {
                guard let kind = RecordChain.kind(name) else { continue }
                var start = 0
                while start < wanted.count {
                    let part = Array(wanted[start..<min(wanted.count, start + Self.chunk)])
                    try read(kind, part, db)
                    start += part.count
                }
            }
        }

        subscript(kind: String, id: Int64) -> [UInt8]? { bytes[kind]?[id] }

        private mutating func read(_ kind: Kind, _ ids: [Int64], _ db: Database) throws {
            let list = "(\(ids.map { _ in "?" }.joined(separator: ",")))"
            let arguments = StatementArguments(ids)
            var out: [Int64: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT \(kind.columns.joined(separator: ", ")) FROM \(kind.table) WHERE id IN \(list)",
                                        arguments: arguments) {
                var b: [UInt8] = []
                for (i, column) in kind.columns.enumerated() {
                    let value: DatabaseValue = row[i]
                    if column == "decision_json" { append(hashed: value, to: &b) } else { append(value, to: &b) }
                }
                out[try row.decode(Int64.self, atIndex: 0)] = b
            }
            if kind.name == "decision" {
                // Each in the order the digest covers it: keys by path, links by position.
                for key in try Row.fetchAll(db, sql: "SELECT decision_id, path, value FROM decision_keys WHERE decision_id IN \(list) ORDER BY decision_id, path",
                                            arguments: arguments) {
                    let id: Int64 = try key.decode(atIndex: 0)
                    guard out[id] != nil else { continue }
                    out[id]!.append(0x6B) // k
                    append(key[1] as DatabaseValue, to: &out[id]!)
                    append(key[2] as DatabaseValue, to: &out[id]!)
                }
                for link in try Row.fetchAll(db, sql: """
                    SELECT decision_id, position, digest, role FROM decision_packages WHERE decision_id IN \(list) ORDER BY decision_id, position
                    """, arguments: arguments) {
                    let id: Int64 = try link.decode(atIndex: 0)
                    guard out[id] != nil else { continue }
                    out[id]!.append(0x70) // p
                    for i in 1...3 { append(link[i] as DatabaseValue, to: &out[id]!) }
                }
                for app in try Row.fetchAll(db, sql: """
                    SELECT first_decision, case_id, policy_id, applicant, item FROM applications WHERE first_decision IN \(list)
                    ORDER BY first_decision, case_id
                    """, arguments: arguments) {
                    let id: Int64 = try app.decode(atIndex: 0)
                    guard out[id] != nil, !applied.contains(id) else { continue }
                    applied.insert(id)
                    out[id]!.append(0x61) // a
                    for i in 1...4 { append(app[i] as DatabaseValue, to: &out[id]!) }
                }
            }
            bytes[kind.name, default: [:]].merge(out) { a, _ in a }
        }

        /// Decisions whose application is in their bytes (one each, as `fetchOne` took it).
        private var applied: Set<Int64> = []
    }

    // The canonical bytes of a value, written straight into `out`: sealing reads back every
    // column of every row a batch wrote, and building each piece as an interpolated string and
    // an array of its own was a third of sealing. The bytes are the same as they always were
    // (`verify` reads stores sealed before by these functions).

    /// A decision's canonical bytes made from the values it is inserted with, the same bytes
    /// `CanonicalRows` reads back: a batch's commit read back every decision it wrote to seal it,
    /// a tenth of what recording cost. The JSON line is made on another thread after the row is
    /// inserted, so its part (`lineBytes`) goes between `head` and `tail` when it is known.
    struct DecisionBytes {
        /// The columns before the JSON line.
        var head: [UInt8] = []
        /// The columns after it, then the keys, the package links and the application.
        var tail: [UInt8] = []

        init() {}

        /// - Parameters:
        ///   - values: the row's columns in `RecordChain.decision.columns` order, the JSON line's
        ///     among them (its value is not read).
        ///   - application: case id, policy id, applicant and item, when this decision is its
        ///     application's first.
        init(_ values: [DatabaseValue], keys: [(path: String, value: String?)], packages: [(digest: String, role: String)],
             application: [DatabaseValue]?) {
            let columns = RecordChain.decision.columns
            precondition(values.count == columns.count, "a decision's values are its chained columns")
            // Room for a decision's columns and keys at once (growing copied them each time).
            head.reserveCapacity(512)
            tail.reserveCapacity(512)
            var line = false
            for (column, value) in zip(columns, values) {
                if column == "decision_json" { line = true; continue }
                if line { append(value, to: &tail) } else { append(value, to: &head) }
            }
            // Keys in the order SQLite sorts their paths (by bytes), as they are read back.
            for key in keys.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
                tail.append(0x6B) // k
                append(key.path.databaseValue, to: &tail)
                append(key.value?.databaseValue ?? .null, to: &tail)
            }
            for (position, link) in packages.enumerated() {
                tail.append(0x70) // p
                append(Int64(position).databaseValue, to: &tail)
                append(link.digest.databaseValue, to: &tail)
                append(link.role.databaseValue, to: &tail)
            }
            if let application {
                tail.append(0x61) // a
                for value in application { append(value, to: &tail) }
            }
        }

        /// The whole bytes, with the JSON line's part.
        func bytes(line: [UInt8]) -> [UInt8] { head + line + tail }
    }

    /// A decision's JSON line as its canonical bytes carry it (by digest).
    static func lineBytes(_ value: DatabaseValue) -> [UInt8] {
        var out: [UInt8] = []
        append(hashed: value, to: &out)
        return out
    }

    /// A value in full: `n;`, `i<decimal>;`, `r<bit pattern>;`, `t<length>:<utf8>`, `b<length>:<bytes>`.
    fileprivate static func append(_ value: DatabaseValue, to out: inout [UInt8]) {
        switch value.storage {
        case .null: out.append(contentsOf: "n;".utf8)
        case .int64(let n): number("i", n, to: &out)
        case .double(let d): number("r", d.bitPattern, to: &out)
        case .string(let s):
            s.withUTF8InPlace { b in
                number("t", b.count, ending: ":", to: &out)
                out.append(contentsOf: b)
            }
        case .blob(let data):
            number("b", data.count, ending: ":", to: &out)
            data.withUnsafeBytes { out.append(contentsOf: $0) }
        }
    }

    /// A long value by its digest: `h<sha256 of the value's tag and bytes>;`.
    fileprivate static func append(hashed value: DatabaseValue, to out: inout [UInt8]) {
        var hash = SHA256()
        switch value.storage {
        case .string(let s):
            hash.update(data: [UInt8(ascii: "t")])
            s.withUTF8InPlace { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        case .blob(let d):
            hash.update(data: [UInt8(ascii: "b")])
            hash.update(data: d)
        case .null: hash.update(data: [UInt8(ascii: "n")])
        case .int64(let n): hash.update(data: Array("i\(n)".utf8))
        case .double(let d): hash.update(data: Array("r\(d.bitPattern)".utf8))
        }
        out.append(UInt8(ascii: "h"))
        out.append(contentsOf: hash.finalize())
        out.append(0x3B)
    }

    /// `tag`, the number in decimal (as `String(n)` writes it), then `ending`. Written digit by
    /// digit: a string made for each of a decision's numbers was a third of its canonical bytes.
    private static func number<N: FixedWidthInteger>(_ tag: Unicode.Scalar, _ n: N, ending: Unicode.Scalar = ";", to out: inout [UInt8]) {
        out.append(UInt8(ascii: tag))
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var rest = n.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        } while rest > 0
        out[start...].reverse()
        out.append(UInt8(ascii: ending))
    }
}

/// What `clause verify` found wrong with a store's record, one finding per row.
public struct ChainFinding: Sendable, Equatable, CustomStringConvertible {
    package enum Problem: String, Sendable {
        /// The row is not what was written: a column, its keys or its JSON line changed.
        case edited
        /// The row was written without `clause` (no chain entry).
        case inserted
        /// A chain entry names a row that is gone.
        case deleted
        /// The chain itself was cut or reordered.
        case broken
        /// A case text or package file does not hash to the digest it is stored under.
        case content
    }

    package var problem: Problem
    package var kind: String
    package var rowID: Int64
    /// The case the row belongs to, when it has one.
    package var caseID: String?
    package var detail: String

    public var description: String {
        let what = RecordChain.kind(kind)?.noun ?? kind
        let which = caseID.map { " of case '\($0)'" } ?? ""
        switch problem {
        case .edited where kind == "live": return "the table of grants that count differs from the record at decision #\(rowID)\(which): \(detail)"
        case .edited: return "\(what) #\(rowID)\(which) was changed after it was recorded\(detail.isEmpty ? "" : ": \(detail)")"
        case .inserted: return "\(what) #\(rowID)\(which) was not written by clause (it has no place in the record's chain)"
        case .deleted: return "\(what) #\(rowID) was deleted from the record (the chain still names it)"
        case .broken: return "the record's chain is broken at entry \(rowID): \(detail)"
        case .content where rowID != 0: return "\(what) #\(rowID)\(which) \(detail)"
        case .content: return "\(what) \(detail)"
        }
    }
}

/// The result of checking a whole store.
public struct ChainReport: Sendable {
    public var findings: [ChainFinding]
    /// How many chain entries were checked.
    package var entries: Int
    /// The last digest of the chain ("" for an empty record).
    package var head: String
    /// Whether the digest given with `--head` is in the chain (nil when none was given).
    package var headFound: Bool?
}

extension RecordStore {
    /// Checks the whole record: every chain entry recomputed from its row, every chained table's
    /// rows all in the chain, every case text and package under its own digest.
    ///
    /// - Parameter head: a digest noted earlier; reported whether it is still in the chain.
    public func verify(head: String? = nil) throws -> ChainReport {
        try read { db in
            var findings: [ChainFinding] = []
            var previous = ""
            var count = 0
            var headFound: Bool? = head == nil ? nil : false
            var expectedSeq: Int64 = 1
            let entries = try Row.fetchCursor(db, sql: "SELECT seq, kind, row_id, digest FROM record_chain ORDER BY seq")
            var chained: [String: Set<Int64>] = [:]
            // Entries are checked a chunk at a time, their rows read together (`CanonicalRows`).
            var pending: [(seq: Int64, kind: String, rowID: Int64, stored: String)] = []
            func check() throws {
                let canonical = try RecordChain.CanonicalRows(pending.map { ($0.kind, $0.rowID) }, db)
                for e in pending {
                    count += 1
                    if e.seq != expectedSeq {
                        findings.append(ChainFinding(problem: .broken, kind: e.kind, rowID: e.seq, caseID: nil,
                                                     detail: "entries \(expectedSeq)…\(e.seq - 1) are missing"))
                    }
                    expectedSeq = e.seq + 1
                    chained[e.kind, default: []].insert(e.rowID)
                    defer { previous = e.stored }
                    guard let kind = RecordChain.kind(e.kind) else {
                        findings.append(ChainFinding(problem: .broken, kind: e.kind, rowID: e.seq, caseID: nil, detail: "unknown kind of row '\(e.kind)'"))
                        continue
                    }
                    guard let bytes = canonical[kind.name, e.rowID] else {
                        findings.append(ChainFinding(problem: .deleted, kind: e.kind, rowID: e.rowID, caseID: nil, detail: ""))
                        continue
                    }
                    let again = RecordChain.digest(previous: previous, kind: e.kind, bytes: bytes)
                    if again != e.stored {
                        // Was the row itself changed, or the entry before it? Recomputed from the stored
                        // previous digest, a row that still matches was not touched.
                        findings.append(ChainFinding(problem: .edited, kind: e.kind, rowID: e.rowID, caseID: try Self.caseID(of: kind, e.rowID, db), detail: ""))
                    }
                    if e.stored == head { headFound = true }
                }
                pending.removeAll(keepingCapacity: true)
            }
            while let e = try entries.next()?.copy() {
                pending.append((try e.decode(forColumn: "seq"), try e.decode(forColumn: "kind"), try e.decode(forColumn: "row_id"),
                                try e.decode(forColumn: "digest")))
                if pending.count == RecordChain.CanonicalRows.chunk { try check() }
            }
            try check()
            for kind in RecordChain.kinds {
                let have = chained[kind.name] ?? []
                for id in try Int64.fetchAll(db, sql: "SELECT id FROM \(kind.table) ORDER BY id") where !have.contains(id) {
                    findings.append(ChainFinding(problem: .inserted, kind: kind.name, rowID: id, caseID: try Self.caseID(of: kind, id, db), detail: ""))
                }
            }
            findings += try Self.contentFindings(db)
            findings += try LiveGrants.findings(db)
            return ChainReport(findings: findings, entries: count, head: previous, headFound: headFound)
        }
    }

    /// The case a chained row belongs to, to name it in a finding.
    private static func caseID(of kind: RecordChain.Kind, _ id: Int64, _ db: Database) throws -> String? {
        switch kind.name {
        case "ban_lift", "ban_correction":
            return try String.fetchOne(db, sql: "SELECT b.case_id FROM \(kind.table) x JOIN bans b ON b.id = x.ban_id WHERE x.id = ?", arguments: [id])
        default:
            return try String.fetchOne(db, sql: "SELECT CAST(case_id AS TEXT) FROM \(kind.table) WHERE id = ?", arguments: [id])
        }
    }

    /// Case texts and package files that no longer hash to the digest they are stored under.
    private static func contentFindings(_ db: Database) throws -> [ChainFinding] {
        var findings: [ChainFinding] = []
        var reader = CaseBlob.Reader(db)
        let cases = try Row.fetchCursor(db, sql: "SELECT digest, text FROM cases ORDER BY digest")
        while let row = try cases.next() {
            let digest: String = try row.decode(forColumn: "digest")
            let value: DatabaseValue = row["text"]
            let text: String
            do { text = try reader.text(value, digest: digest) } catch {
                findings.append(ChainFinding(problem: .content, kind: "case", rowID: 0, caseID: nil, detail: "text \(digest) cannot be read: \(error)"))
                continue
            }
            if DecisionRecorder.digest(text) != digest {
                findings.append(ChainFinding(problem: .content, kind: "case", rowID: 0, caseID: nil,
                                             detail: "text \(digest) was changed after it was recorded"))
            }
        }
        // What a decision cites must still be there: a case text, its packages.
        for row in try Row.fetchAll(db, sql: """
            SELECT d.id, d.case_id FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.digest = d.case_digest) ORDER BY d.id
            """) {
            findings.append(ChainFinding(problem: .content, kind: "decision", rowID: try row.decode(forColumn: "id"),
                                         caseID: try row.decode(forColumn: "case_id"), detail: "cites a case text the store no longer holds"))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT dp.decision_id, dp.digest FROM decision_packages dp WHERE NOT EXISTS (SELECT 1 FROM packages p WHERE p.digest = dp.digest)
            OR NOT EXISTS (SELECT 1 FROM package_files f WHERE f.digest = dp.digest) ORDER BY dp.decision_id
            """) {
            findings.append(ChainFinding(problem: .content, kind: "decision", rowID: try row.decode(forColumn: "decision_id"), caseID: nil,
                                         detail: "cites package \(try row.decode(String.self, forColumn: "digest")), which the store no longer holds whole"))
        }
        for digest in try String.fetchAll(db, sql: "SELECT digest FROM packages ORDER BY digest") {
            let files = try Row.fetchAll(db, sql: "SELECT name, text FROM package_files WHERE digest = ? ORDER BY name", arguments: [digest])
                .map { (name: try $0.decode(String.self, forColumn: "name"), text: try $0.decode(String.self, forColumn: "text")) }
            if PackageFiles.digest(of: files) != digest {
                findings.append(ChainFinding(problem: .content, kind: "package", rowID: 0, caseID: nil,
                                             detail: "\(digest): its files were changed after they were recorded"))
            }
        }
        return findings
    }
}
