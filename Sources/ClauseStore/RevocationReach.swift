import ClauseEngine
import ClauseLanguage
import Foundation
import GRDB

/// A revocation reaches past the revoked row: a later decision whose figures counted the revoked
/// grant was capped by room that is free again, so the applicant may now be owed more. This finds
/// those decisions and decides each again without the grants revoked since, on its own recorded
/// rules and case, so the fund can see what each would be now.
///
/// A later decision counted a grant when the grant matched one of its figures: the grant meets
/// the figure's literal conditions, has the decision's values on every `same` fact, and the
/// decision is about the figure (it meets the literal conditions too). The facts come from the
/// keys recorded with each decision; a decision recorded before keys were kept counts a grant
/// when its recorded figures name it.
public final class RevocationReach {
    /// A later decision decided again without the revoked grants it counted.
    public struct Dependant: Sendable {
        package var record: RecordedDecision
        /// The revoked grants (record numbers) its figures counted.
        package var counted: [Int64]
        /// Decided again on its recorded rules and case, the figures without those grants.
        package var now: Decision?
        /// Why it could not be decided again, when it could not.
        package var problem: String?
    }

    private let store: RecordStore
    private let replayer: Replayer
    /// Revoked grants: record number → (case, amount, keys).
    private var revoked: [Int64: Grant] = [:]

    struct Grant {
        var id: Int64
        var caseID: String
        var amount: Money
        var keys: [String: String?]
    }

    public init(store: RecordStore, replayer: Replayer) throws {
        self.store = store
        self.replayer = replayer
        revoked = try store.revokedGrants()
    }

    /// The later decisions that counted grant `id` (revoked), each decided again without every
    /// revoked grant it counted.
    public func dependants(of id: Int64) throws -> [Dependant] {
        guard let grant = revoked[id] else { return [] }
        var out: [Dependant] = []
        for r in try store.laterLatestDecisions(after: id, policyOf: id, exceptCase: grant.caseID) {
            guard case .success(let policy) = try replayer.policy(decisionID: r.id) else { continue }
            let keys = try store.decisionKeys(r.id)
            let recorded = RecordedLedger.use(in: r.json, policy: policy)
            guard counts(grant, decision: r, keys: keys, recorded: recorded, policy: policy) else { continue }
            out.append(try decideAgain(r, policy: policy, keys: keys, recorded: recorded))
        }
        return out
    }

    /// Decision `r` decided again on `policy` with its recorded figures less every revoked grant
    /// it counted; nil when it counted none (it stands as recorded).
    package func withoutRevoked(_ r: RecordedDecision, policy: Policy) throws -> LedgerUse? {
        guard !revoked.isEmpty, let recorded = RecordedLedger.use(in: r.json, policy: policy) else { return nil }
        let keys = try store.decisionKeys(r.id)
        let counted = revoked.values.filter { $0.id < r.id && $0.caseID != r.caseID && counts($0, decision: r, keys: keys, recorded: recorded, policy: policy) }
        guard !counted.isEmpty else { return nil }
        return try adjusted(recorded, without: counted, decision: r, keys: keys, policy: policy)
    }

    private func decideAgain(_ r: RecordedDecision, policy: Policy, keys: [String: String?], recorded: LedgerUse?) throws -> Dependant {
        let counted = revoked.values.filter { $0.id < r.id && $0.caseID != r.caseID && counts($0, decision: r, keys: keys, recorded: recorded, policy: policy) }
            .sorted { $0.id < $1.id }
        let use = try recorded.map { try adjusted($0, without: counted, decision: r, keys: keys, policy: policy) }
        switch try replayer.decide(r, policy: policy, ledger: use) {
        case .success(let again): return Dependant(record: r, counted: counted.map(\.id), now: again.decision, problem: nil)
        case .failure(let p): return Dependant(record: r, counted: counted.map(\.id), now: nil, problem: p.message)
        }
    }

    /// Whether decision `r` (its keys, its recorded figures) counted `grant`.
    private func counts(_ grant: Grant, decision r: RecordedDecision, keys: [String: String?], recorded: LedgerUse?, policy: Policy) -> Bool {
        if let recorded, recorded.figures.contains(where: { $0.counted.contains { $0.decisionID == grant.id } }) { return true }
        guard !keys.isEmpty, !grant.keys.isEmpty else { return false }
        return policy.ledger.contains { measure(grant.keys, matches: keys, $0, policy) }
    }

    /// Whether a grant with keys `g` counts in measure `m` for a decision with keys `d`.
    private func measure(_ g: [String: String?], matches d: [String: String?], _ m: LedgerMeasure, _ policy: Policy) -> Bool {
        for match in m.matches {
            switch match.wanted {
            case .same:
                guard case .some(.some(let mine)) = d[match.path], case .some(.some(let theirs)) = g[match.path], mine == theirs else { return false }
            case .sameYear:
                // Dates are kept as YYYY-MM-DD: the same year is the same first four characters.
                guard case .some(.some(let mine)) = d[match.path], case .some(.some(let theirs)) = g[match.path],
                      mine.prefix(4) == theirs.prefix(4) else { return false }
            case .value(let v):
                guard let text = DecisionKeys.caseText(v, policy: policy),
                      case .some(.some(let mine)) = d[match.path], mine == text,
                      case .some(.some(let theirs)) = g[match.path], theirs == text else { return false }
            }
        }
        return true
    }

    /// The recorded figures less the revoked grants each counted: their amounts off a sum, one
    /// off a count, and off a count of distinct values where no other counted grant shares the value.
    /// Amounts this code recorded always add up; ones that overflow were written by hand.
    private func adjusted(_ use: LedgerUse, without counted: [Grant], decision r: RecordedDecision, keys: [String: String?], policy: Policy) throws -> LedgerUse {
        func less(_ total: Money, _ amounts: [Int64]) throws -> Money {
            var left = total.fen
            for a in amounts {
                let (l, overflow) = left.subtractingReportingOverflow(a)
                guard !overflow else { throw StoreBug.damaged("the revoked grants counted by decision #\(r.id) do not add up (an amount out of range)") }
                left = l
            }
            return Money(fen: max(0, left))
        }
        var use = use
        for (i, f) in use.figures.enumerated() {
            guard let m = policy.ledger.first(where: { $0.name == f.name }) else { continue }
            let gone = counted.filter { g in
                f.counted.contains { $0.decisionID == g.id } || measure(g.keys, matches: keys, m, policy)
            }
            guard !gone.isEmpty else { continue }
            switch (m.aggregate, f.value) {
            case (.sumAmount, .money(let total)):
                use.figures[i].value = .money(try less(total, gone.map(\.amount.fen)))
            case (.sumPart(let part), .money(let total)):
                // Each revoked grant's amount for the part, as recorded with it.
                let parts = gone.compactMap { g -> Int64? in
                    guard case .some(.some(let text)) = g.keys[LedgerMeasure.partPath(part)], case .success(let m) = ScalarValue.money(text) else { return nil }
                    return m.fen
                }
                use.figures[i].value = .money(try less(total, parts))
            case (.count, .int(let n)):
                use.figures[i].value = .int(max(0, max(0, n) - Int64(gone.count)))
            case (.countDistinct(let path), .int(let n)):
                // A value stays counted while another grant the decision counted holds it.
                var still = Set<String>()
                for e in f.counted where !gone.contains(where: { $0.id == e.decisionID }) {
                    if let id = e.decisionID, case .some(.some(let v)) = (try? store.decisionKeys(id))?[path] { still.insert(v) }
                }
                let lost = Set(gone.compactMap { $0.keys[path] ?? nil }).subtracting(still).count
                use.figures[i].value = .int(max(0, max(0, n) - Int64(lost)))
            default: break
            }
            use.figures[i].counted = f.counted.map { e in
                var e = e
                if gone.contains(where: { $0.id == e.decisionID }) { e.revoked = true }
                return e
            }
        }
        return use
    }
}

extension RecordStore {
    /// Every revoked grant: record number, case, amount and the keys it was recorded with.
    func revokedGrants() throws -> [Int64: RevocationReach.Grant] {
        try read { db in
            var out: [Int64: RevocationReach.Grant] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT d.id, d.case_id, d.amount_fen FROM decisions d JOIN revocations r ON r.decision_id = d.id WHERE d.outcome = 'granted'
                """) {
                let id: Int64 = try row.decode(forColumn: "id")
                out[id] = RevocationReach.Grant(id: id, caseID: try row.decode(forColumn: "case_id"),
                                                amount: Money(fen: try row.decode(forColumn: "amount_fen")), keys: try keys(id, db))
            }
            return out
        }
    }

    /// The keys recorded with decision `id` (empty for one recorded before keys were kept).
    public func decisionKeys(_ id: Int64) throws -> [String: String?] {
        try read { db in try keys(id, db) }
    }

    private func keys(_ id: Int64, _ db: Database) throws -> [String: String?] {
        var out: [String: String?] = [:]
        for k in try Row.fetchAll(db.cachedStatement(sql: "SELECT path, value FROM decision_keys WHERE decision_id = ?"), arguments: [id]) {
            out[try k.decode(String.self, forColumn: "path")] = .some(try k.decode(String?.self, forColumn: "value"))
        }
        return out
    }

    /// The latest decision of every other case of the same policy as decision `id`, recorded after
    /// it and not revoked: the decisions that may have counted it.
    func laterLatestDecisions(after id: Int64, policyOf: Int64, exceptCase: String) throws -> [RecordedDecision] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(RecordedDecision.columns) FROM \(RecordedDecision.from)
                WHERE d.id > ? AND d.policy_id = (SELECT policy_id FROM decisions WHERE id = ?) AND d.case_id <> ?
                AND d.id = (SELECT max(id) FROM decisions x WHERE x.case_id = d.case_id)
                AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id)
                ORDER BY d.id
                """, arguments: [id, policyOf, exceptCase]).map { try RecordedDecision(row: $0, db: db, references: references) }
        }
    }
}
