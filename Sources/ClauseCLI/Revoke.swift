import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause revoke CASE --reason TEXT`: take back a recorded decision (false material found
    /// later, an administrative correction). Append-only: the decision stays as it was made,
    /// with who revoked it, when and why; its grant stops counting in later cases' ledger.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
            abstract: "Revoke a case's latest recorded decision, with a reason; its grant stops counting in the fund's ledger.")

        @OptionGroup var storeOptions: StoreOptions

        @OptionGroup var correction: Correction

        @Argument(help: "The case number whose latest decision is revoked.")
        var caseID: String

        func run() throws {
            let store = try storeOptions.open(create: false, for: .writes)
            let c = correction
            let id = try StoreCommand.guarded { try store.revoke(caseID: caseID, reason: c.reason, by: c.who, at: c.when) }
            try StoreCommand.guarded {
                guard let r = try store.decision(id: id) else { return }
                let summary = "\(r.outcome) \(Money(fen: r.amountFen).plain)"
                guard r.outcome == Decision.Outcome.granted.rawValue else {
                    Output.out("revoked decision #\(id) of case \(TerminalText.escape(caseID)) (\(summary)): it granted nothing, so no later case's figures change\n")
                    return
                }
                Output.out("revoked decision #\(id) of case \(TerminalText.escape(caseID)) (\(summary)): its grant no longer counts for later cases\n")
                let reach = try RevocationReach(store: store, replayer: try Replayer(store: store))
                Self.say(try reach.dependants(of: id))
            }
        }

        /// The later decisions that counted the revoked grant, each before → decided again without it.
        static func say(_ dependants: [RevocationReach.Dependant]) {
            guard !dependants.isEmpty else {
                Output.out("no later decision counted it\n")
                return
            }
            Output.out("\(dependants.count) later decision\(dependants.count == 1 ? "" : "s") counted it; decided again without the revoked grants:\n")
            for d in dependants.prefix(shown) {
                let before = "\(d.record.outcome) \(Money(fen: d.record.amountFen).plain)"
                let line: String
                if let now = d.now {
                    let after = "\(now.outcome.rawValue) \(now.amount.plain)"
                    line = before == after ? "\(before) (unchanged)" : "\(before) → \(after)"
                } else {
                    line = "\(before); cannot be decided again: \(d.problem ?? "")"
                }
                Output.out("  #\(d.record.id) \(TerminalText.escape(d.record.caseID)): \(TerminalText.escape(line))\n")
            }
            if dependants.count > shown {
                Output.out("  … and \(dependants.count - shown) more: 'clause replay --with-current --all' lists every decision that changes\n")
            }
        }

        /// How many dependants are listed at most.
        static let shown = 50
    }
}
