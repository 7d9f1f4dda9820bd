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
                anything was altered, the noted head is not in the chain, or a guard against hand edits was removed or altered. \
                --repair puts back what is made from the record (the guards, the table of grants that count) when no \
                recorded row is found altered.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "A head printed by an earlier 'clause verify': check it is still in the record's chain.")
        var head: String?

        @Flag(help: "Put back what is made from the record: the guards against hand edits, and the table of grants that count. Refused while a recorded row itself is found altered.")
        var repair = false

        func validate() throws {
            if let head, !(head.hasPrefix("sha256:") && head.count == 71) {
                throw ValidationError("--head takes a digest as 'clause verify' prints it: sha256: and 64 hex digits")
            }
        }

        func run() throws {
            let store = try storeOptions.open(create: false, for: .verifies)
            var report = try StoreCommand.guarded { try store.verify(head: head) }
            var removed = try StoreCommand.guarded { try store.removedGuards() }
            // The table of grants that count is made from the chained rows; the guards from this code.
            let derived = report.findings.filter { $0.kind == "live" }
            if repair, !derived.isEmpty || !removed.isEmpty {
                // Made again over an altered record, the table would count what was altered.
                guard derived.count == report.findings.count, report.headFound != false else {
                    for f in report.findings { Output.out("ALTERED \(TerminalText.escape(f.description))\n") }
                    Output.error("error: nothing is repaired while a recorded row is found altered: restore the store from a copy made before the edit\n")
                    throw ExitCode(1)
                }
                let counting = try StoreCommand.guarded { try store.repair() }
                if !derived.isEmpty {
                    Output.out("repaired the table of grants that count: made again from the record, \(counting == 1 ? "1 grant counts" : "\(counting) grants count")\n")
                }
                if !removed.isEmpty {
                    let tables = StoreGuards.tables(of: removed).joined(separator: ", ")
                    Output.out("restored \(removed.count) guard\(removed.count == 1 ? "" : "s") against hand edits, of \(tables)\n")
                }
                report = try StoreCommand.guarded { try store.verify(head: head) }
                removed = try StoreCommand.guarded { try store.removedGuards() }
            }
            for f in report.findings { Output.out("ALTERED \(TerminalText.escape(f.description))\n") }
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
