import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause replay [CASE_ID…|--all]`: the determinism check of recorded decisions.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "replay",
            abstract: "Decide recorded cases again on their recorded rules and report any that do not reproduce byte for byte.")

        @OptionGroup var storeOptions: StoreOptions

        @Flag(help: "Every recorded decision.")
        var all = false

        @Flag(name: .customLong("with-current"), help: "Show what today's packages (./Policies or CLAUSE_POLICY_PATH) decide instead.")
        var withCurrent = false

        @Flag(help: "Print every decision, not only the ones that differ.")
        var verbose = false

        @Argument(help: "Case ids whose recorded decisions to replay.")
        var caseIDs: [String] = []

        func validate() throws {
            if all == !caseIDs.isEmpty { throw ValidationError("name case ids to replay, or --all (not both)") }
        }

        func run() throws {
            let store = try storeOptions.open(create: false)
            try StoreCommand.guarded {
                var ids: [Int64] = []
                var missing = false
                if all {
                    ids = try store.allDecisionIDs()
                } else {
                    for c in caseIDs {
                        let found = try store.decisions(caseID: c).map(\.id)
                        if found.isEmpty {
                            // An error, as in 'why': a script asking for a case the store lacks must see it fail.
                            Output.error("error: no decision recorded for case '\(TerminalText.escape(c))' in \(store.path)\n")
                            missing = true
                        }
                        ids += found
                    }
                }
                // Nothing decided again is no check at all: it must not read as a record that reproduces.
                if ids.isEmpty {
                    if all { Output.error("error: nothing to replay: \(store.path) holds no recorded decisions\n") }
                    throw ExitCode(1)
                }
                let replayer = try Replayer(store: store)
                replayer.tracing = false
                // A decision can reproduce byte for byte and still not be the one recorded: an amount
                // edited by hand changes no JSON line. So the whole record is checked first.
                var altered = 0
                if all && !withCurrent {
                    for f in try store.verify().findings {
                        Output.out("ALTERED \(TerminalText.escape(f.description))\n")
                        altered += 1
                    }
                }
                defer { if altered > 0 { Output.out("\(altered) record\(altered == 1 ? " was" : "s were") altered by hand: see 'clause verify'\n") } }
                if altered > 0 {
                    // Still decided again (what differs is said too); a store error stops it as always.
                    do { try reproduce(ids, store: store, replayer: replayer) } catch is ExitCode {}
                    throw ExitCode(1)
                }
                if withCurrent { try compareWithCurrent(ids, store: store, replayer: replayer) } else { try reproduce(ids, store: store, replayer: replayer) }
                if missing { throw ExitCode(1) }
            }
        }

        func reproduce(_ ids: [Int64], store: RecordStore, replayer: Replayer) throws {
            var same = 0, differ = 0
            // Decided again on every core, the outcomes said in record order.
            try ParallelReplay.run(ids, replayer: replayer) { outcomes in
                for outcome in outcomes {
                    switch outcome {
                    case .same(let r):
                        same += 1
                        if verbose { Output.out("ok   #\(r.id) \(TerminalText.escape(r.caseID))\n") }
                    case .differs(let r, let again):
                        differ += 1
                        Output.out("DIFF #\(r.id) \(TerminalText.escape(r.caseID)): recorded \(Self.summary(r)), now \(Self.summary(again.decision))\n")
                        Output.out("     first difference at byte \(Self.firstDifference(r.json, again.json)) of the JSON line\n")
                    case .failed(let r, let p):
                        differ += 1
                        Output.out("FAIL #\(r.id) \(TerminalText.escape(r.caseID)): \(p)\n")
                    }
                }
            }
            Output.out("replayed \(same + differ) decision\(same + differ == 1 ? "" : "s"): \(same) reproduce, \(differ) differ\n")
            if differ > 0 { throw ExitCode(1) }
        }

        func compareWithCurrent(_ ids: [Int64], store: RecordStore, replayer: Replayer) throws {
            let repository = PolicyRepository()
            // Today's rules on today's record: a grant revoked since a decision was made is not counted.
            let reach = try RevocationReach(store: store, replayer: replayer)
            var unchanged = 0, changed = 0, failed = 0
            for id in ids {
                guard let r = try store.decision(id: id) else { continue }
                guard let today = repository.policy(for: r.policyID).policy else {
                    failed += 1
                    Output.out("FAIL #\(r.id) \(TerminalText.escape(r.caseID)): no package '\(r.policyID)' today\n")
                    continue
                }
                switch try replayer.decide(r, policy: today, ledger: try reach.withoutRevoked(r, policy: today)) {
                case .failure(let p):
                    failed += 1
                    Output.out("FAIL #\(r.id) \(TerminalText.escape(r.caseID)): \(p)\n")
                case .success(let now):
                    let d = now.decision
                    let before = (r.outcome, r.amountFen, Set(Self.clauses(r.reasons)))
                    if before == (d.outcome.rawValue, d.amount.fen, Set(d.reasons.map(\.clause))) {
                        unchanged += 1
                        if verbose { Output.out("same    #\(r.id) \(TerminalText.escape(r.caseID)): \(Self.summary(r))\n") }
                    } else {
                        changed += 1
                        Output.out("CHANGED #\(r.id) \(TerminalText.escape(r.caseID)): recorded \(Self.summary(r)) (\(r.policyVersion)), today \(Self.summary(d)) (\(today.packages.map(\.version).joined(separator: "+")))\n")
                    }
                }
            }
            Output.out("compared \(unchanged + changed + failed) decision\(unchanged + changed + failed == 1 ? "" : "s") with today's packages: \(unchanged) unchanged, \(changed) changed\(failed > 0 ? ", \(failed) not decidable" : "")\n")
        }

        static func summary(_ r: RecordedDecision) -> String {
            "\(r.outcome) \(Money(fen: r.amountFen).plain) [\(clauses(r.reasons).joined(separator: ","))]"
        }

        static func summary(_ d: Decision) -> String {
            "\(d.outcome.rawValue) \(d.amount.plain) [\(d.reasons.map(\.clause).joined(separator: ","))]"
        }

        /// The reason clauses of a recorded reasons array, in order, without repeats.
        static func clauses(_ reasonsJSON: String) -> [String] {
            let parsed = (try? JSONSerialization.jsonObject(with: Data(reasonsJSON.utf8))) as? [[String: Any]] ?? []
            var seen: [String] = []
            for r in parsed { if let c = r["clause"] as? String, !seen.contains(c) { seen.append(c) } }
            return seen
        }

        static func firstDifference(_ a: String, _ b: String) -> Int {
            let x = Array(a.utf8), y = Array(b.utf8)
            var i = 0
            while i < x.count, i < y.count, x[i] == y[i] { i += 1 }
            return i
        }
    }
}
