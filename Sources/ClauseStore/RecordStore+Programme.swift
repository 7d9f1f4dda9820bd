import ClauseEngine
import ClauseLanguage
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

    /// A case's latest decision with its case text, as the report counts it.
    public struct ProgrammeDecisionRow: Sendable {
        package var id: Int64
        package var caseID: String
        package var casePath: String
        package var asOf: String
        /// The outcome, or `revoked` for a decision taken back.
        package var outcome: String
        package var revoked: Bool
        package var amountFen: Int64
        package var caseText: String
    }

    /// The latest decision of each case of `policyID`, oldest case first.
    public func latestDecisions(policyID: String) throws -> [ProgrammeDecisionRow] {
        var rows: [ProgrammeDecisionRow] = []
        try eachLatestDecision(policyID: policyID) { rows.append($0) }
        return rows
    }

    /// The same, one at a time: a report over 100,000 cases never holds their texts at once.
    package func eachLatestDecision(policyID: String, _ body: (ProgrammeDecisionRow) throws -> Void) throws {
        try read { db in
            let hasRevocations = try db.tableExists("revocations")
            let outcome = hasRevocations
                ? "CASE WHEN EXISTS (SELECT 1 FROM revocations r WHERE r.decision_id = d.id) THEN 'revoked' ELSE d.outcome END"
                : "d.outcome"
            var cases = CaseBlob.Reader(db, cache: references)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.id, d.case_id, d.case_path, d.as_of, \(outcome) AS outcome, d.amount_fen, c.digest, c.text FROM decisions d
                JOIN cases c ON c.digest = d.case_digest
                WHERE d.id IN (SELECT max(id) FROM decisions WHERE policy_id = ? GROUP BY case_id) ORDER BY d.id
                """, arguments: [policyID])
            // A copied row: a cursor's own row reads a text where a number is stored as 0, where a
            // copy refuses it (a hand-edited amount is damage, never a zero).
            while let row = try rows.next()?.copy() {
                let r = ProgrammeDecisionRow(
                    id: try row.decode(forColumn: "id"), caseID: try row.decode(forColumn: "case_id"),
                    casePath: try row.decode(forColumn: "case_path"), asOf: try row.decode(forColumn: "as_of"),
                    outcome: try row.decode(forColumn: "outcome"), revoked: (try row.decode(forColumn: "outcome")) == "revoked",
                    amountFen: try row.decode(forColumn: "amount_fen"), caseText: try cases.text(row["text"], digest: try row.decode(forColumn: "digest")))
                // The report adds these up: an amount no decision grants was altered by hand.
                guard (0...Money.recordLimit.fen).contains(r.amountFen) else {
                    throw StoreBug.damaged("decision #\(r.id) of case '\(r.caseID)' grants \(r.amountFen) fen, which no decision grants; run 'clause verify' to see which records were altered")
                }
                try body(r)
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
                ProgrammeEventRow(caseID: (try $0.decode(forColumn: "case_id")), event: (try $0.decode(forColumn: "event")), on: (try $0.decode(forColumn: "on_date")), payload: (try $0.decode(forColumn: "payload")))
            }
        }
    }
}
