import ArgumentParser
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
            let store = try storeOptions.open(create: false)
            let c = correction
            let id = try StoreCommand.guarded { try store.revoke(caseID: caseID, reason: c.reason, by: c.who, at: c.when) }
            Output.out("revoked decision #\(id) of case \(TerminalText.escape(caseID)): its grant no longer counts for later cases\n")
        }
    }
}
