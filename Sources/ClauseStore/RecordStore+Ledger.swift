import ClauseEngine
import ClauseLanguage
import Foundation
import GRDB

/// What the ledger reads from the store: every decision of a policy after a given record, in
/// record order, with the text of its case (whose facts the figures match on).
extension RecordStore {
    package struct LedgerRow: Sendable {
        package var id: Int64
        package var caseID: String
        package var casePath: String
        package var caseDigest: String
        package var asOf: String
        /// The decision's outcome as made (a revoked grant is still `granted` here).
        package var outcome: String
        /// Taken back by `clause revoke`: it counts for nothing.
        package var revoked: Bool
        package var amountFen: Int64
        /// The facts the figures match on, canonical, as recorded (nil value: the case gave none);
        /// empty for a decision recorded before keys were kept.
        package var keys: [String: String?]
    }

    /// Decisions of `policyID`, oldest first, with their keys, one at a time (a ledger of 100,000
    /// decisions never holds them all). Refusals come too: a case decided again and refused stops
    /// its earlier grant counting; a revoked decision says so (it counts for nothing).
    ///
    /// In one read: `start` is told how many revocations the store holds and says after which
    /// decision to begin; `body` gets each row and a reader of case texts in the same read.
    package func eachLedgerRow(policyID: String, start: (_ revocations: Int) throws -> Int64,
                               _ body: (LedgerRow, _ caseText: (String) throws -> String?) throws -> Void) throws {
        try read { db in
            let after = try start(try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM revocations")) ?? 0)
            let decisions = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT d.id, d.case_id, d.case_path, d.case_digest, d.as_of, d.outcome,
                    EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id) AS revoked, d.amount_fen FROM decisions d
                WHERE d.policy_id = ? AND d.id > ? ORDER BY d.id
                """), arguments: [policyID, after])
            // Keys are ordered like the decisions: the two are walked side by side.
            let keys = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT decision_id, path, value FROM decision_keys WHERE decision_id > ? ORDER BY decision_id
                """), arguments: [after])
            // Copied rows: a cursor's own row reads a text where a number is stored as 0, where a
            // copy refuses it (a hand-edited amount is damage, never a zero).
            var key = try (try keys.next()?.copy()).map { (id: try $0.decode(Int64.self, forColumn: "decision_id"), row: $0) }
            var cases = CaseBlob.Reader(db, cache: references)
            let caseText = { (digest: String) throws -> String? in
                try DatabaseValue.fetchOne(db.cachedStatement(sql: "SELECT text FROM cases WHERE digest = ?"), arguments: [digest])
                    .map { try cases.text($0, digest: digest) }
            }
            while let d = try decisions.next()?.copy() {
                var row = LedgerRow(id: try d.decode(forColumn: "id"), caseID: try d.decode(forColumn: "case_id"),
                                    casePath: try d.decode(forColumn: "case_path"), caseDigest: try d.decode(forColumn: "case_digest"),
                                    asOf: try d.decode(forColumn: "as_of"), outcome: try d.decode(forColumn: "outcome"),
                                    revoked: try d.decode(forColumn: "revoked"), amountFen: try d.decode(forColumn: "amount_fen"), keys: [:])
                while let k = key, k.id <= row.id {
                    if k.id == row.id {
                        row.keys[try k.row.decode(String.self, forColumn: "path")] = .some(try k.row.decode(String?.self, forColumn: "value"))
                    }
                    key = try (try keys.next()?.copy()).map { (id: try $0.decode(Int64.self, forColumn: "decision_id"), row: $0) }
                }
                try body(row, caseText)
            }
        }
    }

    /// The payload (canonical JSON) of every recorded history event named one of `events`, by
    /// case, in record order: what `clause ledger` reads payments from.
    package func eventPayloads(named events: [String]) throws -> [(caseID: String, event: String, payload: String)] {
        guard !events.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: events.count).joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT case_id, event, payload FROM workflow_events WHERE event IN (\(marks)) ORDER BY id",
                                    arguments: StatementArguments(events)).map { (caseID: (try $0.decode(forColumn: "case_id")), event: (try $0.decode(forColumn: "event")), payload: (try $0.decode(forColumn: "payload"))) }
        }
    }

    /// The policy ids the store holds decisions of.
    package func recordedPolicyIDs() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT policy_id FROM decisions ORDER BY policy_id") }
    }

    /// Revokes the latest decision of `caseID`, with who and why. Returns its record number.
    ///
    /// - Throws: `CorrectionRefused` when the case has no decision or its latest one is revoked already.
    public func revoke(caseID: String, reason: String, by who: String, at when: String) throws -> Int64 {
        try write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT max(id) FROM decisions WHERE case_id = ?", arguments: [caseID]) else {
                throw CorrectionRefused(message: "no decision of case '\(caseID)' is recorded")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM revocations WHERE decision_id = ?)", arguments: [id]) == true {
                throw CorrectionRefused(message: "decision #\(id) of case '\(caseID)' is revoked already")
            }
            try db.execute(sql: "INSERT INTO revocations (decision_id, case_id, reason, revoked_by, revoked_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, caseID, reason, who, when])
            try RecordChain.seal([("revocation", db.lastInsertedRowID)], db)
            try LiveGrants.revoke(id, db)
            return id
        }
    }

    /// The record numbers of every revoked decision.
    public func revokedDecisionIDs() throws -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT decision_id FROM revocations")) }
    }

    /// The revocation of decision `id`, if any: why, by whom, when.
    package func revocation(decisionID id: Int64) throws -> (reason: String, by: String, at: String)? {
        try read { db in
            guard try db.tableExists("revocations") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT reason, revoked_by, revoked_at FROM revocations WHERE decision_id = ?", arguments: [id])
                .map { (reason: (try $0.decode(forColumn: "reason")), by: (try $0.decode(forColumn: "revoked_by")), at: (try $0.decode(forColumn: "revoked_at"))) }
        }
    }
}

/// The fund's record as a `LedgerBook` per policy, kept up to date from the store before each
/// decision (other recorders' grants included) and with this session's own decisions as they
/// are made, so a batch is decided in input order, each case seeing the ones before it.
public final class StoreLedger {
    let store: RecordStore
    private let loader: CaseLoader
    private var books: [String: (book: LedgerBook, seen: Int64)] = [:]
    /// Revocations seen: a new one may take back any earlier grant, so the books start again.
    private var revocations = 0

    /// The figures counted by index from stored keys, where every grant has them.
    let figures: LedgerFigures

    public init(store: RecordStore, loader: CaseLoader) {
        self.store = store
        self.loader = loader
        figures = LedgerFigures(store: store)
    }

    /// What the record holds for case `c` now: counted by index from the keys stored with each
    /// decision, or, in a store with grants recorded before keys were kept, from the book.
    package func use(for c: CaseFile, policy: Policy, keys: [LedgerFigures.FigureKey]? = nil) throws -> LedgerUse {
        if let use = try figures.use(for: c, policy: policy, keys: keys) { return use }
        return try book(for: policy).use(for: c)
    }

    /// A book that cannot be summed is damage: a grant's amount was altered by hand.
    private func checked(_ book: LedgerBook) throws -> LedgerBook {
        if let name = book.overflowed {
            throw StoreBug.damaged("the grants counted by ledger figure '\(name)' add up past what an amount can hold; run 'clause verify' to see which records were altered")
        }
        return book
    }

    /// The book of `policy` as the store holds it now: the grants since the last look added, or,
    /// when a revocation appeared (it may take back any earlier grant), read again from the start.
    public func book(for policy: Policy) throws -> LedgerBook {
        // Taken out of the dictionary while it grows, so it is not copied (copy on write).
        var (book, seen) = books.removeValue(forKey: policy.id) ?? (LedgerBook(policy: policy), 0)
        try store.eachLedgerRow(policyID: policy.id, start: { revoked in
            if revoked != revocations {
                revocations = revoked
                books = [:]
                (book, seen) = (LedgerBook(policy: policy), 0)
            }
            return seen
        }) { row, caseText in
            book.record(row.caseID, grant: row.revoked ? nil : try entry(row, policy: policy, caseText: caseText))
            seen = row.id
        }
        books[policy.id] = (book, seen)
        return try checked(book)
    }

    /// The grants taken back: each case whose latest decision is a revoked grant, counted as the
    /// figures would have counted it (for `clause ledger`'s "revoked").
    public func revokedBook(for policy: Policy) throws -> LedgerBook {
        var book = LedgerBook(policy: policy)
        try store.eachLedgerRow(policyID: policy.id, start: { _ in 0 }) { row, caseText in
            book.record(row.caseID, grant: row.revoked ? try entry(row, policy: policy, caseText: caseText) : nil)
        }
        return try checked(book)
    }

    /// Whether figures counted by index are kept between the cases of a recording batch
    /// (`FigureCache`): set by a recording session, which says when each batch begins.
    package var keepsFigures: Bool {
        get { figures.caches }
        set { figures.caches = newValue }
    }

    /// A recording batch began: figures kept from before it are forgotten.
    package func batchBegan() { figures.batchBegan() }

    /// This session's decision `id`, inserted in the open batch: counted for the cases after it
    /// (a grant with its record number; anything else so that a grant it replaces stops
    /// counting) without reading it back. Nobody else writes while the batch is open, so every
    /// earlier decision of the policy has been read: the book has seen up to `id`.
    package func recorded(_ d: Decision, id: Int64, case c: CaseFile, policy: Policy) {
        figures.recorded(d, case: c, policy: policy)
        guard books[policy.id] != nil else { return }
        let grant = d.outcome == .granted
            ? LedgerEntry.of(c, decisionID: id, asOf: d.asOf, amount: d.amount, policy: policy, parts: d.partAmounts) : nil
        // In place: a copy of the book per decision made recording quadratic.
        books[policy.id]!.book.record(c.id, grant: grant)
        books[policy.id]!.seen = max(books[policy.id]!.seen, id)
    }

    /// A recorded grant with the facts its figures match on, revoked or not; nil for anything but
    /// a grant. The facts come from the keys recorded with it; only a grant recorded before keys
    /// were kept, or without a fact today's figures read, has its case text read again.
    private func entry(_ row: RecordStore.LedgerRow, policy: Policy, caseText: (String) throws -> String?) throws -> LedgerEntry? {
        guard row.outcome == Decision.Outcome.granted.rawValue else { return nil }
        guard (0...Money.recordLimit.fen).contains(row.amountFen) else {
            throw StoreBug.damaged("decision #\(row.id) of case '\(row.caseID)' grants \(row.amountFen) fen, which no decision grants; run 'clause verify' to see which records were altered")
        }
        guard let asOf = CivilDate(iso: Substring(row.asOf)) else {
            throw StoreBug.damaged("decision #\(row.id) has the evaluation date '\(row.asOf)', which is not a date")
        }
        let amount = Money(fen: row.amountFen)
        let paths = Set(policy.ledger.flatMap(\.paths))
        if !row.keys.isEmpty, paths.allSatisfy({ row.keys[$0] != nil }) {
            var facts: [String: Value] = [:]
            for path in paths {
                guard case .some(.some(let text)) = row.keys[path] else { continue }
                guard let v = DecisionKeys.value(text, path: path, policy: policy) else { continue }
                facts[path] = v
            }
            return LedgerEntry(caseID: row.caseID, decisionID: row.id, asOf: asOf, amount: amount, facts: facts)
        }
        guard let text = try caseText(row.caseDigest),
              case .ready(let c, _) = loader.load(text: text, path: row.casePath) else { return nil }
        return LedgerEntry.of(c, decisionID: row.id, asOf: asOf, amount: amount, policy: policy)
    }
}

/// One recorder at a time between reading the ledger's figures and committing the grants they
/// allow (a batch), so two recorders on one store never both spend the same room. An exclusive `flock` on
/// the store file: apart from SQLite's own (POSIX) locks, and released if the process dies.
///
/// On the process's one descriptor of the store (`StoreFiles`), taken only when a batch begins
/// and never closed: closing a descriptor of the store would drop SQLite's locks, and a session
/// that only reads (the workbench's playground, one per request) never needs one.
package final class LedgerLock {
    private let storePath: String
    private var fd: Int32 = -1

    package init(storePath: String) {
        self.storePath = storePath
    }

    private var held = false

    /// Takes the lock (waiting for another recorder's batch to commit); idempotent.
    package func acquire() {
        guard !held else { return }
        if fd < 0 { fd = StoreFiles.shared.descriptor(storePath) ?? -1 }
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        held = true
    }

    /// Gives the lock back; idempotent.
    package func release() {
        guard held else { return }
        if fd >= 0 { _ = flock(fd, LOCK_UN) }
        held = false
    }
}

/// A correction (a revocation, a ban's new dates) the store cannot take: the user's to fix, in one line.
package struct CorrectionRefused: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
