import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// `replay` decides recorded decisions again on every core: the outcomes must come back in record
/// order, each decision once, and a decision that no longer reproduces where it stands.
@Suite struct ParallelReplayTests {
    @Test func outcomesComeBackInRecordOrderFromEveryWorker() throws {
        let s = try StoreScratch()
        try s.corpus("some", prefix: "P", count: 11)
        #expect(try s.clause(["record", "some"]).status == 0)
        // A hand edit of one line: that decision, and only it, no longer reproduces.
        try HandEdit.covered(s.store) { db in
            try db.execute(sql: "UPDATE decisions SET decision_json = replace(CAST(decision_json AS TEXT), '\"outcome\"', '\"outcome \"') WHERE id = 5")
        }
        let store = try RecordStore(path: s.store, create: false)
        let ids = try store.allDecisionIDs()
        #expect(ids.count == 11)
        var seen: [Int64] = [], differing: [Int64] = []
        let replayer = try Replayer(store: store)
        replayer.tracing = false
        try ParallelReplay.run(ids, replayer: replayer, workers: 2, chunk: 2) { outcomes in
            for o in outcomes {
                switch o {
                case .same(let r): seen.append(r.id)
                case .differs(let r, _), .failed(let r, _):
                    seen.append(r.id)
                    differing.append(r.id)
                }
            }
        }
        #expect(seen == ids)
        #expect(differing == [5])
    }
}
