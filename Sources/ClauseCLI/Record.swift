import ArgumentParser
import ClauseEngine
import ClauseStore
import ClauseLanguage
import ClauseSyntax

extension ClauseCommand {
    /// `clause record CASE…`: decide each case and append the decision to the record store.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "record",
            abstract: "Decide each case file and record the decision (with its case, rules and justification) in the record store.",
            discussion: """
                A case's history: is kept as append-only events: the events beyond those already recorded for the case \
                are appended with the decision; a history that changes a recorded event is refused, and nothing of that \
                case is recorded. 'clause workflow status CASE_ID --store PATH' replays the recorded events.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "The policy package folder that decides every case (default: by each case's 'policy:' id).")
        var policy: String?

        @Option(name: .customLong("as-of"), help: "Evaluation date YYYY-MM-DD (default: each case's applied_on).")
        var asOf: String?

        @Option(help: "Decisions committed per transaction.")
        var batch = 1000

        @Flag(help: "Print one line per recorded decision.")
        var verbose = false

        @Flag(help: "Record cases whose latest decision was revoked, deciding them again (their grant counts again).")
        var reinstate = false

        @Argument(help: "Case files (YAML or JSON) or folders of them.")
        var cases: [String]

        func run() throws {
            let asOf = try StoreCommand.date(asOf, option: "--as-of")
            let store = try storeOptions.open(create: true, for: .writes)
            let session = RecordingSession(store: store, policy: policy, records: true, batchSize: batch, tracing: false)
            session.recorder.reinstates = reinstate
            // `record` prints no justification: searching remedies would be work thrown away.
            session.searchesRemedies = false
            var failed = 0
            // Lines of decisions whose batch has not committed yet: printed once it has.
            var held = ""
            try StoreCommand.guarded {
                let files = CaseLoader.expand(cases).lazy.map { CaseSource.file($0) }
                for prepared in CaseReadAhead(files, loader: session.loader, digests: true) {
                    switch try session.decide(prepared, asOf: asOf) {
                    case .failure(let ds):
                        Output.diagnostics(ds.diagnostics)
                        failed += 1
                    case .success(let (d, _)):
                        if verbose { held += "\(TerminalText.escape(d.caseID)) \(d.outcome.rawValue) \(d.amount.plain)\(d.registryBan == nil ? "" : " (ban from the registry)")\n" }
                        if !session.recorder.hasPending {
                            Output.out(held)
                            held = ""
                        }
                    }
                }
                try session.finish()
                Output.out(held)
            }
            Reinstating.say(session.recorder.reinstated)
            let n = session.recorder.recorded
            Output.out("recorded \(n) decision\(n == 1 ? "" : "s") in \(TerminalText.escape(store.path))\(failed > 0 ? "; \(failed) file\(failed == 1 ? "" : "s") not decided" : "")\n")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}

/// Says what recording revoked cases again put back into the fund's figures.
enum Reinstating {
    static func say(_ reinstated: [Applications.Reinstated]) {
        for r in reinstated {
            Output.error("note: case \(TerminalText.escape(r.caseID)) is reinstated: its revoked decision #\(r.revokedDecision) "
                         + "(\(r.outcome) \(Money(fen: r.amountFen).plain)) is replaced by the decision recorded now, which counts\n")
        }
    }
}
