import ArgumentParser
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause revoke CASE --reason TEXT`: take back a recorded decision (false material found
    /// later, an administrative correction). Append-only: the decision stays as it was made,
    /// with who revoked it, when and why; its grant stops counting in later cases' ledger.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a case's latest recorded decision, with a reason; its grant stops counting in the fund's ledger.")

        @OptionGroup var storeOptions: StoreOptions

        @OptionGroup var correction: Correction

        @Argument(help: "The case number whose latest decision is revoked.")
        var caseID: String

        func run() throws {
            let store = try storeOptions.open(create: false)
            let id: Int64
            do {
                id = try store.revoke(caseID: caseID, reason: correction.reason, by: correction.who, at: correction.when)
            } catch let refused as CorrectionRefused {
                Output.error("error: \(TerminalText.escape(refused.message))\n")
                throw ExitCode(1)
            } catch {
                // The store's own errors, worded as every store command words them.
                try StoreCommand.guarded { throw error }
                return
            }
            Output.out("revoked decision #\(id) of case \(TerminalText.escape(caseID)): its grant no longer counts for later cases\n")
        }
    }
}
