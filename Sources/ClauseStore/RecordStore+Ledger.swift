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
    /// a case decided again and refused stops its earlier grant counting.
    package func ledgerRows(policyID: String, after: Int64) throws -> [LedgerRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.case_id, d.case_path, d.as_of, d.outcome, d.amount_fen, c.text FROM decisions d
                JOIN cases c ON c.digest = d.case_digest WHERE d.policy_id = ? AND d.id > ? ORDER BY d.id
                """, arguments: [policyID, after]).map {
                LedgerRow(id: $0["id"], caseID: $0["case_id"], casePath: $0["case_path"], asOf: $0["as_of"], outcome: $0["outcome"],
                          amountFen: $0["amount_fen"], caseText: $0["text"])
            }
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

    package init(store: RecordStore, loader: CaseLoader) {
        self.store = store
        self.loader = loader
    }

    /// What the record holds for case `c` now.
    package func use(for c: CaseFile, policy: Policy) throws -> LedgerUse {
        var (book, seen) = books[policy.id] ?? (LedgerBook(policy: policy), 0)
        for row in try store.ledgerRows(policyID: policy.id, after: seen) {
            book.record(row.caseID, grant: grant(row, policy: policy))
            seen = row.id
        }
        books[policy.id] = (book, seen)
        return book.use(for: c)
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
