import ClauseEngine
import GRDB

/// What the programme report reads from the store: the latest decision of every case of a
/// policy (a revoked one reads `revoked`), and the recorded workflow events.
extension RecordStore {
    package struct ProgrammeEventRow: Sendable {
        package var caseID: String
        package var event: String
        package var on: String?
        package var payload: String
    }

    /// The latest decision of each case of `policyID`, oldest case first.
    package func latestDecisions(policyID: String) throws -> [LedgerRow] {
        try read { db in
            let hasRevocations = try db.tableExists("revocations")
            let outcome = hasRevocations
                ? "CASE WHEN EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id) THEN 'revoked' ELSE d.outcome END"
                : "d.outcome"
            var cases = CaseBlob.Reader(db)
            return try Row.fetchAll(db, sql: """
                SELECT d.id, d.case_id, d.case_path, d.as_of, \(outcome) AS outcome, d.amount_fen, c.digest, c.text FROM decisions d
                JOIN cases c ON c.digest = d.case_digest
                WHERE d.id IN (SELECT max(id) FROM decisions WHERE policy_id = ? GROUP BY case_id) ORDER BY d.id
                """, arguments: [policyID]).map {
                LedgerRow(id: $0["id"], caseID: $0["case_id"], casePath: $0["case_path"], asOf: $0["as_of"], outcome: $0["outcome"],
                          revoked: $0["outcome"] == "revoked", amountFen: $0["amount_fen"], caseText: try cases.text($0["text"], digest: $0["digest"]))
            }
        }
    }

    /// Every recorded workflow event of the cases of `policyID`, in record order.
    package func programmeEvents(policyID: String) throws -> [ProgrammeEventRow] {
        try read { db in
            guard try db.tableExists("workflow_events") else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT e.case_id, e.event, e.on_date, e.payload FROM workflow_events e
                WHERE e.case_id IN (SELECT DISTINCT case_id FROM decisions WHERE policy_id = ?) ORDER BY e.id
                """, arguments: [policyID]).map {
                ProgrammeEventRow(caseID: $0["case_id"], event: $0["event"], on: $0["on_date"], payload: $0["payload"])
            }
        }
    }
}
