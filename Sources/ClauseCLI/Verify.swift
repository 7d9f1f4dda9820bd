import ArgumentParser
import ClauseStore
import ClauseSyntax

extension ClauseCommand {
    /// `clause verify`: is the fund's record the one that was written? Every row that decides
    /// money or a ban is checked against the record's chain of digests, and every case text and
    /// package against its own digest.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify",
            abstract: "Check that no recorded decision, ban, revocation or event was edited, inserted or deleted by hand.",
            discussion: """
                Prints each altered row by case and record number, then the chain's head: a digest of the whole record \
                so far. Note the head down outside the store (a payment list, an audit file); 'clause verify --head DIGEST' \
                later proves that the record up to that point is still the one that was noted. Exit status 1 when \
                anything was altered, the noted head is not in the chain, or a guard against hand edits was removed or altered \
                (--restore-guards puts the guards back once nothing is found altered).
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "A head printed by an earlier 'clause verify': check it is still in the record's chain.")
        var head: String?

        @Flag(help: "Put back the guards against hand edits that were removed or altered, when no record is found altered.")
        var restoreGuards = false

        func validate() throws {
            if let head, !(head.hasPrefix("sha256:") && head.count == 71) {
                throw ValidationError("--head takes a digest as 'clause verify' prints it: sha256: and 64 hex digits")
            }
        }

        func run() throws {
            let store = try storeOptions.open(create: false, for: .verifies)
            let report = try StoreCommand.guarded { try store.verify(head: head) }
            for f in report.findings { Output.out("ALTERED \(TerminalText.escape(f.description))\n") }
            var removed = try StoreCommand.guarded { try store.removedGuards() }
            if restoreGuards, !removed.isEmpty {
                // A guard put back over an altered record would let recording count on what was altered.
                guard report.findings.isEmpty, report.headFound != false else {
                    Output.error("error: the guards are not put back while the record is found altered: restore the store from a copy made before the edit\n")
                    throw ExitCode(1)
                }
                try StoreCommand.guarded { try store.restoreGuards() }
                Output.out("restored \(removed.count) guard\(removed.count == 1 ? "" : "s") against hand edits: \(removed.map(\.name).joined(separator: ", "))\n")
                removed = []
            }
            for g in removed {
                Output.out("UNGUARDED table '\(g.table)': its guard against hand edits ('\(g.name)') was removed or altered\n")
            }
            if report.headFound == false {
                Output.out("NOT FOUND the noted head \(head!) is not in this record's chain: the record was rewritten since it was noted\n")
            }
            let n = report.entries
            Output.out("verified \(n) record\(n == 1 ? "" : "s") in \(TerminalText.escape(store.path)): "
                       + (report.findings.isEmpty ? "none altered" : "\(report.findings.count) altered") + "\n")
            Output.out("head \(report.head.isEmpty ? "(empty record)" : report.head)\n")
            if !report.findings.isEmpty || report.headFound == false || !removed.isEmpty { throw ExitCode(1) }
        }
    }
}
