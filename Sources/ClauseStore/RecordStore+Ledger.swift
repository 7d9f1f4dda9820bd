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
        package var asOf: String
        package var outcome: String
        package var amountFen: Int64
        package var caseText: String
    }

    /// Decisions of `policyID` recorded after decision `after`, oldest first. Refusals come too:
    /// a case decided again and refused stops its earlier grant counting; a revoked decision
    /// comes as a refusal (it counts for nothing).
    package func ledgerRows(policyID: String, after: Int64) throws -> (revocations: Int, rows: [LedgerRow]) {
        try read { db in
            // One read for both: the grants since the last look, and whether anything was revoked.
            let hasRevocations = try db.tableExists("revocations")
            let revocations = hasRevocations ? (try Int.fetchOne(db, sql: "SELECT count(*) FROM revocations") ?? 0) : 0
            let outcome = hasRevocations
                ? "CASE WHEN EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id) THEN 'revoked' ELSE d.outcome END"
                : "d.outcome"
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id, d.case_id, d.case_path, d.as_of, \(outcome) AS outcome, d.amount_fen, c.text FROM decisions d
                JOIN cases c ON c.digest = d.case_digest WHERE d.policy_id = ? AND d.id > ? ORDER BY d.id
                """, arguments: [policyID, after]).map {
                LedgerRow(id: $0["id"], caseID: $0["case_id"], casePath: $0["case_path"], asOf: $0["as_of"], outcome: $0["outcome"],
                          amountFen: $0["amount_fen"], caseText: $0["text"])
            }
            return (revocations, rows)
        }
    }

    /// The policy ids the store holds decisions of.
    package func recordedPolicyIDs() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT policy_id FROM decisions ORDER BY policy_id") }
    }

    /// Revokes the latest decision of `caseID`, with who and why. Returns its record number.
    ///
    /// - Throws: `RevocationRefused` when the case has no decision or its latest one is revoked already.
    package func revoke(caseID: String, reason: String, by who: String, at when: String) throws -> Int64 {
        try write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT max(id) FROM decisions WHERE case_id = ?", arguments: [caseID]) else {
                throw RevocationRefused(message: "no decision of case '\(caseID)' is recorded")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM revocations WHERE decision_id = ?)", arguments: [id]) == true {
                throw RevocationRefused(message: "decision #\(id) of case '\(caseID)' is revoked already")
            }
            try db.execute(sql: "INSERT INTO revocations (decision_id, case_id, reason, revoked_by, revoked_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, caseID, reason, who, when])
            return id
        }
    }

    /// The revocation of decision `id`, if any: why, by whom, when.
    package func revocation(decisionID id: Int64) throws -> (reason: String, by: String, at: String)? {
        try read { db in
            guard try db.tableExists("revocations") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT reason, revoked_by, revoked_at FROM revocations WHERE decision_id = ?", arguments: [id])
                .map { (reason: $0["reason"], by: $0["revoked_by"], at: $0["revoked_at"]) }
        }
    }
}

/// The fund's record as a `LedgerBook` per policy, kept up to date from the store before each
/// decision (other recorders' grants included) and with this session's own decisions as they
/// are made, so a batch is decided in input order, each case seeing the ones before it.
package final class StoreLedger {
    private let store: RecordStore
    private let loader: CaseLoader
    private var books: [String: (book: LedgerBook, seen: Int64)] = [:]
    /// Revocations seen: a new one may take back any earlier grant, so the books start again.
    private var revocations = 0

    package init(store: RecordStore, loader: CaseLoader) {
        self.store = store
        self.loader = loader
    }

    /// What the record holds for case `c` now.
    package func use(for c: CaseFile, policy: Policy) throws -> LedgerUse {
        try book(for: policy).use(for: c)
    }

    /// The book of `policy` as the store holds it now: the grants since the last look added, or,
    /// when a revocation appeared (it may take back any earlier grant), read again from the start.
    package func book(for policy: Policy) throws -> LedgerBook {
        var (book, seen) = books[policy.id] ?? (LedgerBook(policy: policy), 0)
        var (revoked, rows) = try store.ledgerRows(policyID: policy.id, after: seen)
        if revoked != revocations {
            revocations = revoked
            books = [:]
            (book, seen) = (LedgerBook(policy: policy), 0)
            (_, rows) = try store.ledgerRows(policyID: policy.id, after: 0)
        }
        for row in rows {
            book.record(row.caseID, grant: grant(row, policy: policy))
            seen = row.id
        }
        books[policy.id] = (book, seen)
        return book
    }

    /// This session's decision, counted for the cases after it before it is committed.
    package func note(_ d: Decision, case c: CaseFile, policy: Policy) {
        guard var entry = books[policy.id] else { return }
        let grant = d.outcome == .granted
            ? LedgerEntry.of(c, decisionID: nil, asOf: d.asOf, amount: d.amount, policy: policy) : nil
        entry.book.record(c.id, grant: grant)
        books[policy.id] = entry
    }

    /// A recorded decision as the book counts it: a grant with its case's facts, or nothing.
    private func grant(_ row: RecordStore.LedgerRow, policy: Policy) -> LedgerEntry? {
        guard row.outcome == Decision.Outcome.granted.rawValue, let asOf = CivilDate(iso: Substring(row.asOf)),
              case .ready(let c, _) = loader.load(text: row.caseText, path: row.casePath) else { return nil }
        return LedgerEntry.of(c, decisionID: row.id, asOf: asOf, amount: Money(fen: row.amountFen), policy: policy)
    }
}

/// One recorder at a time between reading the ledger's figures and committing the grant they
/// allow, so two recorders on one store never both spend the same room. An exclusive `flock` on
/// the store file: apart from SQLite's own (POSIX) locks, and released if the process dies.
package final class LedgerLock {
    private let fd: Int32

    package init(storePath: String) {
        fd = Foundation.open(storePath, O_RDONLY | O_CLOEXEC)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Runs `body` holding the lock.
    package func held<T>(_ body: () throws -> T) rethrows -> T {
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        defer { if fd >= 0 { _ = flock(fd, LOCK_UN) } }
        return try body()
    }
}

/// A revocation the store cannot take: the user's to fix, said in one line.
package struct RevocationRefused: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
