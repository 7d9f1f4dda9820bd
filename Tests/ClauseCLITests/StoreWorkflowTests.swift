import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// Workflow histories in the record store: recorded as append-only events per case, and replayed
/// from there by `clause workflow status|check|next CASE_ID --store`.
@Suite struct StoreWorkflowTests {
    static let workflows = ["--workflows", Repo.path("Workflows")]

    /// The history-paid case without its last event (the payment).
    static func beforePayment() throws -> String {
        let text = try StoreScratch.playground("history-paid.yaml")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let pay = lines.firstIndex { $0.contains("event: pay,") }!
        return lines.prefix(upTo: pay).joined(separator: "\n") + "\n"
    }

    static func events(_ store: String) throws -> [(seq: Int, event: String, decision: Int64)] {
        try DatabaseQueue(path: store).read { db in
            try Row.fetchAll(db, sql: "SELECT seq, event, decision_id FROM workflow_events WHERE case_id = 'SY-2024-T-0101' ORDER BY seq")
                .map { (seq: $0["seq"], event: $0["event"], decision: $0["decision_id"]) }
        }
    }

    @Test func aLongerHistoryAppendsOnlyItsNewEventsAndStatusReadsThemFromTheStore() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try Self.beforePayment())
        let first = try s.clause(["record", "case.yaml"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.events(s.store).map(\.event) == ["submit", "district_pass", "city_pass", "accept"])

        let before = try s.clause(["workflow", "status", "SY-2024-T-0101", "--format", "json"] + Self.workflows)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("{\"case\":\"SY-2024-T-0101\",\"state\":\"accepted\""))

        // The same case, one event later: only the payment is appended, with the new decision.
        try s.write("case.yaml", try StoreScratch.playground("history-paid.yaml"))
        let second = try s.clause(["evaluate", "--record", "case.yaml"])
        #expect(second.status == 0, "\(second.stderr)")
        let events = try Self.events(s.store)
        #expect(events.map(\.seq) == [0, 1, 2, 3, 4])
        #expect(events.map(\.event) == ["submit", "district_pass", "city_pass", "accept", "pay"])
        #expect(events.map(\.decision) == [1, 1, 1, 1, 2])
        let pay = try DatabaseQueue(path: s.store).read { db in
            try Row.fetchOne(db, sql: "SELECT on_date, role, payload FROM workflow_events WHERE seq = 4")!
        }
        #expect(pay["on_date"] as String == "2024-12-10")
        #expect(pay["role"] as String == "city_bureau")
        #expect(pay["payload"] as String == #"{"amount":190000.00,"by":{"role":"city_bureau"},"event":"pay","on":"2024-12-10"}"#)

        // Recording the same history again adds a decision, not events.
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        #expect(try Self.events(s.store).count == 5)

        // The case file is gone: the store alone answers, and as the file did.
        let fromFile = try s.clause(["workflow", "status", "case.yaml", "--format", "json"] + Self.workflows)
        try FileManager.default.removeItem(atPath: s.path("case.yaml"))
        let status = try s.clause(["workflow", "status", "SY-2024-T-0101"] + Self.workflows)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("[4] 2024-12-10 pay: accepted → paid"))
        let json = try s.clause(["workflow", "status", "SY-2024-T-0101", "--format", "json"] + Self.workflows)
        #expect(json.stdout.hasPrefix("{\"case\":\"SY-2024-T-0101\",\"state\":\"paid\""))
        #expect(json.stdout == fromFile.stdout)
        #expect(try s.clause(["workflow", "check", "SY-2024-T-0101"] + Self.workflows).status == 0)
        let next = try s.clause(["workflow", "next", "SY-2024-T-0101", "--as", "enterprise", "--format", "json"] + Self.workflows)
        #expect(next.stdout == "{\"case\":\"SY-2024-T-0101\",\"state\":\"paid\",\"role\":\"enterprise\",\"next\":[\"change_request\"],"
                + "\"depends\":[],\"may_not\":[]}\n")

        // CLAUSE_STORE names the store as well as --store; an unknown id is a clear error.
        let env = try ClauseBinary.clause(["workflow", "status", "SY-2024-T-0101", "NO-SUCH-CASE"] + Self.workflows, cwd: s.root,
                                           environment: ["CLAUSE_STORE": s.store])
        #expect(env.status == 1)
        #expect(env.stdout.contains("[4] 2024-12-10 pay: accepted → paid"))
        #expect(env.stderr == "error: 'NO-SUCH-CASE' is neither a file nor a case recorded in \(s.store)\n")
    }

    /// Every playground history replays from the store exactly as from its file (quoted and
    /// plain scalars, nulls, amounts and notes come back with their meaning).
    @Test func everyPlaygroundHistoryReplaysFromTheStoreAsFromItsFile() throws {
        let s = try StoreScratch()
        let names = ["history-paid.yaml", "history-fraud.yaml", "history-violations.yaml"]
        for name in names { try s.write(name, try StoreScratch.playground(name)) }
        #expect(try s.clause(["record"] + names).status == 0)
        for name in names {
            let fromFile = try s.clause(["workflow", "check", name, "--format", "json", "--lang", "en"] + Self.workflows)
            let id = String(fromFile.stdout.dropFirst("{\"case\":\"".count).prefix { $0 != "\"" })
            let fromStore = try s.clause(["workflow", "check", id, "--format", "json", "--lang", "en"] + Self.workflows)
            #expect(fromStore.stdout == fromFile.stdout, "\(name)")
            #expect(fromStore.status == fromFile.status, "\(name)")
        }
    }

    @Test func aHistoryThatRewritesARecordedEventIsRefusedAndNothingOfTheCaseIsWritten() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("history-paid.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        let snapshot = try Self.snapshot(s.store)

        // Another reviewer at index 1, and a payment one day later at index 4; another case in
        // the same run is still recorded.
        try s.write("rewritten.yaml", try StoreScratch.playground("history-paid.yaml", [("name: 王审核", "name: 赵审核")]))
        let r = try s.clause(["record", "rewritten.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("rewritten.yaml:51:5: error: case SY-2024-T-0101: history event 1 (district_pass on 2024-07-20 by district_bureau) contradicts the event recorded at index 1"))
        #expect(r.stderr.contains("recorded events are never rewritten, so nothing of this case was recorded"))
        #expect(r.stdout == "recorded 0 decisions in \(s.store); 1 file not decided\n")
        #expect(try Self.snapshot(s.store) == snapshot)

        try s.write("later.yaml", try StoreScratch.playground("history-paid.yaml", [("on: 2024-12-10", "on: 2024-12-11")]))
        try s.write("other.yaml", try StoreScratch.playground("diagnosis.yaml"))
        let e = try s.clause(["evaluate", "--record", "later.yaml", "other.yaml"])
        #expect(e.status == 1)
        #expect(e.stderr.contains("later.yaml:54:5: error: case SY-2024-T-0101: history event 4 (pay on 2024-12-11 by city_bureau) contradicts the event recorded at index 4"))
        #expect(e.stderr.contains("recorded 1 decision in"))
        let after = try Self.snapshot(s.store)
        #expect(after.events == snapshot.events)
        #expect(after.decisions == snapshot.decisions + ["SY-2024-D-0001"])

        // The store refuses to rewrite an event even when asked directly.
        #expect(throws: DatabaseError.self) {
            try DatabaseQueue(path: s.store).write { try $0.execute(sql: "UPDATE workflow_events SET on_date = '2024-12-11' WHERE seq = 4") }
        }
        #expect(throws: DatabaseError.self) {
            try DatabaseQueue(path: s.store).write { try $0.execute(sql: "DELETE FROM workflow_events") }
        }
        #expect(try Self.snapshot(s.store).events == snapshot.events)
    }

    /// A store written before workflow events (v1) opens, migrates forward, keeps its decisions,
    /// and records histories from then on.
    @Test func aV1StoreIsMigratedForwardAndKeepsItsDecisions() throws {
        let s = try StoreScratch()
        // Real decisions, recorded into a scratch store, copied into a store built with v1 only.
        try s.write("granted.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        let donor = s.path("donor.sqlite")
        let recorded = try ClauseBinary.clause(["record", "granted.yaml", "fraud.yaml", "--store", donor], cwd: s.root)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let v1 = try DatabaseQueue(path: s.store)
        try StoreSchema.migrator.migrate(v1, upTo: "v1-decisions")
        try v1.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS donor", arguments: [donor])
            for table in ["packages", "package_files", "cases", "decisions", "decision_packages", "bans"] {
                // The v1 columns only: later versions added some (e.g. decisions.registry_ban_correction).
                let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] as String }.joined(separator: ", ")
                try db.execute(sql: "INSERT INTO main.\(table) SELECT \(columns) FROM donor.\(table)")
            }
            try db.execute(sql: "DETACH DATABASE donor")
        }
        let old = try v1.read { db in
            (migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
             events: try db.tableExists("workflow_events"),
             decisions: try DatabaseValue.fetchAll(db, sql: "SELECT decision_json FROM decisions ORDER BY id"))
        }
        try v1.close()
        #expect(old.migrations == ["v1-decisions"])
        #expect(!old.events)
        #expect(old.decisions.count == 2)

        // A reading command migrates it, and the decisions are there as they were.
        let why = try s.clause(["why", "SY-2024-T-0001"])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.contains("结论：予以支持 ¥190,000.00"))
        #expect(try s.clause(["replay", "--all"]).status == 0)
        let store = try RecordStore(path: s.store, create: false)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.decisionCount() == 2)
        let now = try DatabaseQueue(path: s.store).read { db in
            (migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
             decisions: try DatabaseValue.fetchAll(db, sql: "SELECT decision_json FROM decisions ORDER BY id"),
             bans: try Int.fetchOne(db, sql: "SELECT count(*) FROM bans")!)
        }
        #expect(now.migrations == ["v1-decisions", "v2-workflow-events", "v3-revocations", "v4-ban-corrections", "v5-compressed-decisions", "v6-compressed-cases", "v7-exact-record", "v8-applications-by-decision", "v9-no-decision-keys-by-value", "v10-guards"])
        #expect(now.decisions == old.decisions)
        #expect(now.bans == 1)
        // Sealed as found when it was upgraded: the chain holds, and an edit after that is found.
        #expect(try s.clause(["verify"]).status == 0)

        // And it keeps histories from now on.
        try s.write("history.yaml", try StoreScratch.playground("history-paid.yaml"))
        #expect(try s.clause(["record", "history.yaml"]).status == 0)
        #expect(try Self.events(s.store).count == 5)
        let status = try s.clause(["workflow", "status", "SY-2024-T-0101", "--format", "json"] + Self.workflows)
        #expect(status.stdout.hasPrefix("{\"case\":\"SY-2024-T-0101\",\"state\":\"paid\""))
    }

    struct Snapshot: Equatable {
        var decisions: [String]
        var cases: Int
        var events: [String]
    }

    static func snapshot(_ store: String) throws -> Snapshot {
        try DatabaseQueue(path: store).read { db in
            Snapshot(decisions: try String.fetchAll(db, sql: "SELECT case_id FROM decisions ORDER BY id"),
                     cases: try Int.fetchOne(db, sql: "SELECT count(*) FROM cases")!,
                     events: try String.fetchAll(db, sql: "SELECT case_id || '#' || seq || ' ' || payload FROM workflow_events ORDER BY case_id, seq"))
        }
    }

    /// With the store, a payment is judged against the decision on record: the rules changed since
    /// (60% instead of 50%) would allow ¥228,000, but ¥190,000 was decided, so ¥200,000 is a violation.
    @Test func aPaymentIsBoundByTheRecordedDecisionNotOneMadeAgain() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("history-paid.yaml", [("amount: 190000.00 }", "amount: 200000.00 }")]))
        let recorded = try s.clause(["record", "case.yaml"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let parameters = s.path("Policies/shenyang-sme-dx-fund/parameters.yaml")
        let text = try String(contentsOfFile: parameters, encoding: .utf8)
        #expect(text.contains("value: 50%"))
        try text.replacingOccurrences(of: "value: 50%", with: "value: 60%").write(toFile: parameters, atomically: true, encoding: .utf8)
        let fromFile = try ClauseBinary.clause(["workflow", "check", "case.yaml"] + Self.workflows, cwd: s.root)
        #expect(fromFile.status == 0, "decided again at 60%, ¥200,000 is within ¥228,000: \(fromFile.stdout)")
        let fromStore = try s.clause(["workflow", "check", "SY-2024-T-0101", "--format", "json"] + Self.workflows)
        #expect(fromStore.status == 1)
        #expect(fromStore.stdout.contains("\"message\":\"2024-12-10 拨付：拨付合计 ¥200,000.00 超过政策决定金额 ¥190,000.00，超出 ¥10,000.00\",\"kind\":\"excess\""), "\(fromStore.stdout)")
    }

    /// A payment of a revoked decision is a violation: the record grants nothing any more.
    @Test func aPaymentOfARevokedDecisionIsAViolation() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("history-paid.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        #expect(try s.clause(["workflow", "check", "SY-2024-T-0101"] + Self.workflows).status == 0, "paid as decided")
        #expect(try s.clause(["revoke", "SY-2024-T-0101", "--reason", "查实弄虚作假"]).status == 0)
        let after = try s.clause(["workflow", "check", "SY-2024-T-0101", "--format", "json"] + Self.workflows)
        #expect(after.status == 1, "\(after.stdout)")
        #expect(after.stdout.contains("拨付"), "the payment is what is wrong: \(after.stdout)")
    }

    /// The credit code a playground case states.
    static func creditCode(_ text: String) -> String {
        let line = text.split(separator: "\n").first { $0.contains("credit_code:") }!
        return String(line.split(separator: ":")[1].split(separator: "#")[0]).trimmingCharacters(in: .whitespaces)
    }

    /// 第十三条「三年内不得享受政府财政专项资金」: a finding of fraud recorded only as a history event
    /// registers the ban as `fraud_found_on` does, and that ban stops another case's payment.
    @Test func aBanFoundInAHistoryIsRegisteredAndStopsAnotherCasesPayment() throws {
        let s = try StoreScratch()
        let fraud = try StoreScratch.playground("history-fraud.yaml", [("fraud_found_on: 2024-09-01", "fraud_found_on: null")])
        let code = Self.creditCode(fraud)
        try s.write("fraud.yaml", fraud)
        let recorded = try s.clause(["evaluate", "--record", "--format", "json", "fraud.yaml"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains(#""outcome":"refused""#), "\(recorded.stdout)")
        #expect(recorded.stdout.contains(#""consequences":{"clawback":"120000.00","blacklisted_until":"2027-"#), "\(recorded.stdout)")
        // `why` and `replay` read the case as recording did: the history's finding decides it again.
        #expect(try s.clause(["why", "SY-2024-T-0103"]).stdout.contains("结论：不予支持"))
        #expect(try s.clause(["replay", "SY-2024-T-0103"]).stdout.contains("1 reproduce, 0 differ"))
        let bans = try s.clause(["bans", "list"])
        #expect(bans.stdout.contains(code), "\(bans.stdout)\(bans.stderr)")

        // Another case of the same enterprise, paid on 2024-12-10, within the ban.
        let paid = try StoreScratch.playground("history-paid.yaml")
        try s.write("paid.yaml", paid.replacingOccurrences(of: Self.creditCode(paid), with: code))
        let withoutStore = try ClauseBinary.clause(["workflow", "check", "paid.yaml"] + Self.workflows, cwd: s.root)
        #expect(withoutStore.status == 0, "no record, no registry: \(withoutStore.stdout)")
        let check = try s.clause(["workflow", "check", "paid.yaml", "--format", "json"] + Self.workflows)
        #expect(check.status == 1)
        #expect(check.stdout.contains(#"{"clause":"art13","event":4,"message":"2024-12-10 拨付：申报主体在黑名单期内（2024-09-01 至 2027-"#), "\(check.stdout)")
        #expect(check.stdout.contains("黑名单登记（案件 SY-2024-T-0103）），三年内不得享受政府财政专项资金\",\"kind\":\"ban\""), "\(check.stdout)")
        // Accepted, not paid yet: within the ban the city is not offered the payment, and is told why.
        let before = try Self.beforePayment()
        try s.write("accepted.yaml", before.replacingOccurrences(of: Self.creditCode(before), with: code))
        let next = try s.clause(["workflow", "next", "accepted.yaml", "--as", "city_bureau", "--format", "json"] + Self.workflows)
        #expect(next.stdout.contains(#""next":["fraud_found"],"depends":[],"may_not":[{"event":"pay","clause":"art13","message":"申报主体在黑名单期内"#),
                "\(next.stdout)\(next.stderr)")
        let status = try s.clause(["workflow", "status", "accepted.yaml", "--format", "json"] + Self.workflows)
        #expect(status.stdout.contains(#""city_bureau":["fraud_found"]"#), "\(status.stdout)")
        let unbanned = try ClauseBinary.clause(["workflow", "next", "accepted.yaml", "--as", "city_bureau", "--format", "json"] + Self.workflows,
                                                cwd: s.root)
        #expect(unbanned.stdout.contains(#""next":["pay","fraud_found"]"#), "\(unbanned.stdout)")
    }
}
