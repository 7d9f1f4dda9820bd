import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseReports
import ClauseStore
import Foundation

extension ClauseCommand {
    /// `clause evaluate CASE…`: decide each case; bad files are reported and the rest still decided.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "evaluate",
            abstract: "Decide each case file (a folder means every case file under it).")

        @OptionGroup var options: DecisionOptions

        @Flag(help: "Record each decision in the record store (see 'clause record'); the registry's bans apply.")
        var record = false

        @OptionGroup var storeOptions: StoreOptions

        @Flag(help: "With --record: record cases whose latest decision was revoked, deciding them again (their grant counts again).")
        var reinstate = false

        @Flag(help: "With --format json, add the whole justification tree to each line (\"trace\", docs/reference/trace.md); 'clause explain' and 'clause why' show it to people.")
        var trace = false

        @Flag(name: .customLong("no-trace"), help: "The default: lines without the justification tree (kept so that older scripts still run).")
        var noTrace = false

        /// Whether decisions are traced: JSON shows the trace when asked, and Markdown shows the computation.
        var tracing: Bool { (options.format == .json && trace) || options.format == .markdown }

        @Option(help: "Read cases as JSON Lines, one case per line, from FILE or '-' (standard input).")
        var jsonl: String?

        @Argument(help: "Case files (YAML or JSON) or folders of them.")
        var cases: [String] = []

        @Flag(name: .customLong("no-remedies"), help: "Do not search what would have to change for a refused or incomplete case (faster over a whole corpus: the search costs more than deciding).")
        var noRemedies = false

        /// Whether refused and incomplete decisions carry their remedies. `--no-trace` keeps every
        /// key, remedies included; only `--no-remedies` leaves the search out.
        var searchesRemedies: Bool { !noRemedies }

        @Flag(name: .customLong("no-store"), help: "Decide from the case files alone, without the record store even when one exists (no bans or ledger from the record).")
        var noStore = false

        func validate() throws {
            if cases.isEmpty && jsonl == nil { throw ValidationError("give case files or folders, or --jsonl FILE") }
            if noStore && (record || storeOptions.store != nil) { throw ValidationError("--no-store cannot go with --record or --store") }
            if reinstate && !record { throw ValidationError("--reinstate is for --record: it says a revoked case may be recorded again") }
            if trace && noTrace { throw ValidationError("--trace and --no-trace say opposite things: give one") }
        }

        func run() throws {
            // A folder with nothing to decide is said and fails, never "0 cases" and success.
            var empty: [String] = []
            let files = CaseLoader.expand(cases, emptyFolders: &empty)
            for folder in empty { Output.error("error: no case files (.yaml, .yml, .json) under \(TerminalText.escape(folder))\n") }
            if empty.count == cases.count && jsonl == nil { throw ExitCode(1) }
            try decideAll(files)
            if !empty.isEmpty { throw ExitCode(1) }
        }

        /// Decides `files` (the case files given, folders expanded) and the `--jsonl` stream.
        private func decideAll(_ files: [String]) throws {
            let asOf = try options.asOfDate()
            // The fund's record counts (its bans, its ledger) wherever a store is: named, set in
            // CLAUSE_STORE, or at the default place. Only --no-store decides from the cases alone.
            if noStore || (!record && storeOptions.store == nil && !FileManager.default.fileExists(atPath: storeOptions.path)) {
                try runBatch(asOf: asOf, files: files)
                return
            }
            // With --record or --store the store is in use: its bans and ledger apply, and with
            // --record each decision is kept.
            // Only recording makes a store: a mistyped --store for reading is an error, never an empty
            // store whose "record consulted" would read as "nothing granted yet".
            let registry = RecordingSession(store: try storeOptions.open(create: record, for: record ? .writes : .reads), policy: options.policy, records: record, tracing: tracing)
            registry.searchesRemedies = searchesRemedies
            registry.recorder.reinstates = reinstate
            // Printing the line the record keeps, the line thread's copy is printed.
            registry.recorder.keepsLines = record && options.format == .json && DecisionRecorder.keepsTheLine(lang: options.lang, trace: trace)
            var failed = false
            var first = true
            /// A decision's output; `recorded` is its line as the record keeps it, when that is it.
            func render(_ d: Decision, _ policy: Policy, recorded: String? = nil) -> String {
                defer { first = false }
                return (first ? "" : options.format.separator)
                    + (recorded.map { $0 + "\n" }
                        ?? options.format.render(d, policy: policy, lang: options.lang, explain: false, trace: trace, onlyDeciding: options.onlyDeciding))
            }
            // With --record, decisions whose batch has not committed yet: a decision is printed
            // only once its record is kept, so a killed run never printed one it lost. Their
            // remedies are searched then too, with the store's lock released.
            var held: [(decision: Decision, policy: Policy, file: CaseFile?, id: Int64?)] = []
            func release() {
                var out = ""
                for var h in held {
                    if let c = h.file { registry.remedies(for: &h.decision, case: c, policy: h.policy, asOf: asOf) }
                    // The record keeps no remedies: a decision given some is written here.
                    let recorded = h.id.flatMap { registry.recorder.line(of: $0) }
                    out += render(h.decision, h.policy, recorded: h.decision.remedies == nil ? recorded : nil)
                }
                // A batch's decisions (and the cases of the refused) are freed on another thread:
                // it was 3% of the deciding thread's work.
                let printed = held
                held = []
                DispatchQueue.global(qos: .utility).async { _ = printed }
                Output.out(out)
            }
            for prepared in try preparedCases(files, loader: registry.loader, digests: record, derive: registry.derive) {
                switch try StoreCommand.guarded({ try registry.decide(prepared, asOf: asOf) }) {
                case .failure(let ds):
                    Output.diagnostics(ds.diagnostics)
                    failed = true
                case .success(let (d, policy)):
                    guard record else {
                        Output.out(render(d, policy))
                        continue
                    }
                    let refusedOrIncomplete = d.outcome == .refused || d.outcome == .incomplete
                    held.append((d, policy, refusedOrIncomplete ? registry.lastCase : nil, registry.lastRecordNumber))
                    if !registry.recorder.hasPending { release() }
                }
            }
            if record {
                try StoreCommand.guarded { try registry.finish() }
                release()
                Reinstating.say(registry.recorder.reinstated)
                Output.error("recorded \(registry.recorder.recorded) decision\(registry.recorder.recorded == 1 ? "" : "s") in \(TerminalText.escape(registry.recorder.store.path))\n")
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// `clause explain CASE`: the whole justification of one case, for a reviewer.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "explain",
            abstract: "Show the whole justification of one case: clauses quoted, values, arithmetic, every rule.")

        @OptionGroup var options: DecisionOptions

        @OptionGroup var storeOptions: StoreOptions

        @Argument(help: "One case file (YAML or JSON).")
        var file: String

        @Flag(name: .customLong("no-store"), help: "Decide from the case file alone, without the record store even when one exists (no bans or ledger from the record).")
        var noStore = false

        func run() throws {
            if noStore && storeOptions.store != nil { throw ValidationError("--no-store cannot go with --store") }
            let asOf = try options.asOfDate()
            // Like evaluate: the record's bans and ledger count wherever a store is (nothing is written).
            let decided: Result<(Decision, Policy), DiagnosticsError>
            if !noStore && (storeOptions.store != nil || FileManager.default.fileExists(atPath: storeOptions.path)) {
                let session = RecordingSession(store: try storeOptions.open(create: false), policy: options.policy, records: false)
                decided = try StoreCommand.guarded { try session.decide(path: file, asOf: asOf) }
            } else {
                decided = DecisionSession(policy: options.policy).decide(path: file, asOf: asOf)
            }
            switch decided {
            case .failure(let ds):
                Output.diagnostics(ds.diagnostics)
                throw ExitCode(1)
            case .success(let (d, policy)):
                Output.out(options.format.render(d, policy: policy, lang: options.lang, explain: true, trace: true, onlyDeciding: options.onlyDeciding))
            }
        }
    }
}
