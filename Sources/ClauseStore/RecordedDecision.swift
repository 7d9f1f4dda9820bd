import ClauseEngine
import ClauseLanguage
import GRDB

/// One decision as the store holds it: enough to show it, and to re-run it on exactly its rules.
public struct RecordedDecision: Sendable {
    package var id: Int64
    package var caseID: String
    package var caseDigest: String
    package var casePath: String
    package var policyID: String
    package var policyDigest: String
    package var policyVersion: String
    package var item: String?
    package var asOf: CivilDate
    package var outcome: String
    package var amountFen: Int64
    package var reasons: String
    package var clawbackFen: Int64
    package var blacklistedUntil: String?
    /// The ban that the registry supplied to this decision, re-applied when it is replayed.
    package var registryBan: RegistryBan?
    /// The JSON line of the decision (zh), trace included: the reference that replay compares with
    /// (kept compressed, `DecisionBlob`).
    package var json: String
    package var clauseVersion: String
    package var recordedAt: String
    package var recordedBy: String

    static let columns = """
        d.id, d.case_id, d.case_digest, d.case_path, d.policy_id, d.policy_digest, d.policy_version, d.item, d.as_of,
        d.outcome, d.amount_fen, d.reasons, d.clawback_fen, d.blacklisted_until, d.decision_json, d.clause_version,
        d.recorded_at, d.recorded_by,
        b.credit_code AS ban_code, coalesce(bc.from_date, b.from_date) AS ban_from, coalesce(bc.through, b.through) AS ban_through,
        b.clause AS ban_clause, b.case_id AS ban_case, b.decision_id AS ban_decision, bc.id AS ban_correction
        """
    /// The ban a decision saw, with the dates of the correction it saw (if any).
    static let from = """
        decisions d LEFT JOIN bans b ON b.decision_id = d.registry_ban_decision
        LEFT JOIN ban_corrections bc ON bc.id = d.registry_ban_correction
        """

    /// A decision's stored line, as `DecisionBlob` needs it for the reference of another.
    static func storedLine(_ db: Database, id: Int64) throws -> DatabaseValue? {
        try DatabaseValue.fetchOne(db.cachedStatement(sql: "SELECT decision_json FROM decisions WHERE id = ?"), arguments: [id])
    }

    /// - Parameter references: the store's decoded reference lines, filled as they are met.
    init(row: Row, db: Database, references: ReferenceCache) throws {
        id = (try row.decode(forColumn: "id"))
        caseID = (try row.decode(forColumn: "case_id"))
        caseDigest = (try row.decode(forColumn: "case_digest"))
        casePath = (try row.decode(forColumn: "case_path"))
        policyID = (try row.decode(forColumn: "policy_id"))
        policyDigest = (try row.decode(forColumn: "policy_digest"))
        policyVersion = (try row.decode(forColumn: "policy_version"))
        item = (try row.decode(forColumn: "item"))
        let asOfText: String = (try row.decode(forColumn: "as_of"))
        guard let d = CivilDate(iso: Substring(asOfText)) else { throw StoreBug("decision #\(id) has an as_of that is not a date: \(asOfText)") }
        asOf = d
        outcome = (try row.decode(forColumn: "outcome"))
        amountFen = (try row.decode(forColumn: "amount_fen"))
        reasons = (try row.decode(forColumn: "reasons"))
        clawbackFen = (try row.decode(forColumn: "clawback_fen"))
        blacklistedUntil = (try row.decode(forColumn: "blacklisted_until"))
        let decisionID = id
        json = try DecisionBlob.decode((try row.decode(forColumn: "decision_json")), decisionID: id, referenceLine: { ref in
            try references.line(ref) { try DecisionBlob.referenceLine(ref, stored: try Self.storedLine(db, id: ref), of: decisionID) }
        })
        clauseVersion = (try row.decode(forColumn: "clause_version"))
        recordedAt = (try row.decode(forColumn: "recorded_at"))
        recordedBy = (try row.decode(forColumn: "recorded_by"))
        if let code: String = (try row.decode(forColumn: "ban_code")) {
            let f: String = (try row.decode(forColumn: "ban_from")), t: String = (try row.decode(forColumn: "ban_through"))
            guard let from = CivilDate(iso: Substring(f)), let through = CivilDate(iso: Substring(t)) else {
                throw StoreBug("the ban used by decision #\(id) has dates that are not dates")
            }
            registryBan = RegistryBan(creditCode: code, from: from, through: through, clause: (try row.decode(forColumn: "ban_clause")),
                                      caseID: (try row.decode(forColumn: "ban_case")), decisionID: (try row.decode(forColumn: "ban_decision")), correction: (try row.decode(forColumn: "ban_correction")))
        }
    }
}
