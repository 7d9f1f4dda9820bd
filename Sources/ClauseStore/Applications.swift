import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import GRDB

/// One case id is one application: the applicant (its credit code) and the item recorded first
/// under an id stay the id's. Recording the id again corrects that application (its latest
/// decision is the one that counts); recording another applicant's or another item's case under
/// it would silently take that application's grant out of the fund's figures, so it is refused.
///
/// A case whose latest decision was revoked is not recorded again by accident either: deciding
/// it again would put its grant back into the figures, so that takes `--reinstate`.
package enum Applications {
    /// The application recorded under a case id.
    struct Recorded {
        var policyID: String
        var applicant: String?
        var item: String?
        var firstDecision: Int64
        var firstRecordedOn: String
    }

    /// The latest decision of a case that was revoked, which recording the case again reinstates.
    package struct Reinstated: Sendable {
        package var caseID: String
        package var revokedDecision: Int64
        package var outcome: String
        package var amountFen: Int64
    }

    /// Whether any decision was recorded before applications were kept: every case id recorded
    /// since has its application from its first decision, so only a decision older than the
    /// earliest application can stand for an application of its own. When there is none, a case
    /// id without an application has no decision at all, and its decisions need not be searched.
    static func anyRecordedBeforeKept(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM decisions
                           WHERE id < coalesce((SELECT min(first_decision) FROM applications), 9223372036854775807))
            """)) ?? true
    }

    /// The application under `caseID`, if one is recorded; for a case recorded before
    /// applications were kept (when `olderDecisions` says there may be one), read from its first
    /// decision's case text.
    static func recorded(_ caseID: String, policy: Policy, olderDecisions: Bool, _ db: Database) throws -> Recorded? {
        // Read straight from SQLite: every decision recorded asks it.
        if let recorded = try db.cachedStatement(sql: """
            SELECT a.policy_id, a.applicant, a.item, a.first_decision, d.recorded_at FROM applications a
            JOIN decisions d ON d.id = a.first_decision WHERE a.case_id = ?
            """).first(caseID.databaseValue, read: { r in
                Recorded(policyID: try r.required(0), applicant: try r.optional(1), item: try r.optional(2), firstDecision: try r.required(3),
                         firstRecordedOn: try r.required(4))
            }) {
            return recorded
        }
        guard olderDecisions, let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT d.id, d.policy_id, d.item, d.recorded_at, d.case_path, c.digest, c.text FROM decisions d
            JOIN cases c ON c.digest = d.case_digest WHERE d.case_id = ? ORDER BY d.id LIMIT 1
            """), arguments: [caseID]) else { return nil }
        var reader = CaseBlob.Reader(db)
        let text = try reader.text((try row.decode(forColumn: "text")), digest: try row.decode(forColumn: "digest"))
        var bag = DiagnosticBag()
        var applicant: String?
        let path: String = try row.decode(forColumn: "case_path")
        if let tree = YAMLReader.read(SourceFile(path: path, text: text), into: &bag),
           let c = CaseReader.read(tree, path: path, policy: policy, into: &bag) {
            applicant = BanRegistry.creditCode(c, policy: policy)
        }
        return Recorded(policyID: try row.decode(forColumn: "policy_id"), applicant: applicant, item: try row.decode(forColumn: "item"),
                        firstDecision: try row.decode(forColumn: "id"), firstRecordedOn: try row.decode(forColumn: "recorded_at"))
    }

    /// Refuses decision `d` of case `c` when its id is recorded as another application.
    static func check(_ d: Decision, case c: CaseFile, policy: Policy, olderDecisions: Bool, _ db: Database) throws -> Recorded? {
        guard let recorded = try recorded(d.caseID, policy: policy, olderDecisions: olderDecisions, db) else { return nil }
        let applicant = BanRegistry.creditCode(c, policy: policy)
        var differs: [String] = []
        if recorded.policyID != d.policyID { differs.append("its policy is \(recorded.policyID), not \(d.policyID)") }
        if let was = recorded.applicant, was != applicant {
            differs.append("its applicant is \(was), not \(applicant ?? "none")")
        }
        if recorded.item != d.item { differs.append("its item is \(recorded.item ?? "none"), not \(d.item ?? "none")") }
        guard differs.isEmpty else {
            let message = "case id '\(d.caseID)' is recorded as another application (decision #\(recorded.firstDecision), "
                + "recorded \(recorded.firstRecordedOn.prefix(10))): \(differs.joined(separator: "; ")). One case id is one application, "
                + "so nothing of this case was recorded: give it a case id of its own"
            throw RecordRefused(Diagnostic(id: "record.case-id-reused", message, at: idRange(c)))
        }
        return recorded
    }

    /// What a case id's application is recorded as: its case id, policy id, applicant and item.
    static func row(_ d: Decision, case c: CaseFile, policy: Policy) -> [DatabaseValue] {
        [d.caseID.databaseValue, d.policyID.databaseValue, BanRegistry.creditCode(c, policy: policy)?.databaseValue ?? .null,
         d.item?.databaseValue ?? .null]
    }

    /// Records the application (`row`) of a case id's first decision.
    static func insert(_ row: [DatabaseValue], decisionID: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO applications (case_id, policy_id, applicant, item, first_decision) VALUES (?, ?, ?, ?, ?)")
            .run(values: row + [decisionID.databaseValue])
    }

    /// The revoked latest decision of `caseID`, if its latest decision is revoked.
    static func revokedLatest(_ caseID: String, _ db: Database) throws -> Reinstated? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT d.id, d.outcome, d.amount_fen FROM decisions d WHERE d.case_id = ?
            AND EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id) ORDER BY d.id DESC LIMIT 1
            """), arguments: [caseID]) else { return nil }
        let id: Int64 = try row.decode(forColumn: "id")
        let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM decisions WHERE case_id = ?"), arguments: [caseID])
        guard latest == id else { return nil }
        return Reinstated(caseID: caseID, revokedDecision: id, outcome: try row.decode(forColumn: "outcome"),
                          amountFen: try row.decode(forColumn: "amount_fen"))
    }

    /// Refuses to record a case whose latest decision is revoked, unless reinstating was asked for.
    static func refuseReinstating(_ r: Reinstated, case c: CaseFile) -> RecordRefused {
        let message = "case '\(r.caseID)' was revoked (decision #\(r.revokedDecision), \(r.outcome) \(Money(fen: r.amountFen).plain)): "
            + "recording it again would count it in the fund's figures again, so nothing of it was recorded; "
            + "if it is to be reinstated, record it with --reinstate"
        return RecordRefused(Diagnostic(id: "record.revoked", message, at: idRange(c)))
    }

    /// Where a case states its id, for an error about the id (the whole file when it cannot say).
    private static func idRange(_ c: CaseFile) -> SourceRange {
        if case .mapping(let m) = c.root, let node = m["case"] { return node.range }
        return c.root.range
    }
}
