import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause diff --base DIR --proposed DIR CASE…`: what a proposed change does to a corpus.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "diff",
            abstract: "Decide cases under a base and a proposed package; list the cases that change, why, and the money.",
            discussion: """
                The proposed package may be a modified copy of the base, or an amending package \
                ('amends: <id>') that is composed with --base. Each changed case is listed with \
                its kind of change (outcome, amount, or reasons only), the money difference and \
                its causes: the rules, definitions and parameters whose values differ for it, \
                with their clauses and values before → after. docs/reference/diff.md describes the JSON.

                Exit status, the first that applies: 2 usage error; 1 a package does not load; \
                3 with --fail-on-change when any decision changes, even when some input was bad \
                (reported on stderr); 1 bad input: a case file that could not be read, or a folder \
                or --jsonl stream with no cases ("no cases found under …"); 0 otherwise.
                """)

        @Option(help: "The current package folder.")
        var base: String

        @Option(help: "The proposed package folder (a changed copy, or an amendment of the base).")
        var proposed: String

        @Option(help: "Output format: text (a table), markdown (a memo) or json (a line per changed case, then a summary; see docs/reference/json.md).")
        var format: Format = .text

        @Option(help: "Language of the text: zh (default) or en.")
        var lang: Lang = .zh

        @Option(name: .customLong("as-of"), help: "Evaluation date YYYY-MM-DD for every case (default: each case's applied_on).")
        var asOf: String?

        @Flag(help: "Exit with status 3 when any decision changes (for a CI pipeline).")
        var failOnChange = false

        @Option(help: "Also read cases as JSON Lines, one case per line, from FILE or '-' (standard input).")
        var jsonl: String?

        @Option(help: "Decide both sides against this decision store: its ledger figures and bans count, as for 'evaluate' (read only: nothing is recorded). Without it no record is consulted and every ledger figure is 0.")
        var store: String?

        @Argument(help: "Case files, or folders of them.")
        var cases: [String] = []

        func validate() throws {
            if cases.isEmpty && jsonl == nil { throw ValidationError("give case files or folders, or --jsonl FILE") }
            if format.isNotice { throw ValidationError("--format \(format.rawValue) is a letter about one decision: diff prints text, json or markdown") }
            if let store, store.isEmpty { throw ValidationError("--store needs a path: an empty one is not a store") }
        }

        func run() throws {
            var asOfDate: CivilDate?
            if let asOf {
                guard let d = CivilDate(iso: Substring(asOf)) else { throw ValidationError("--as-of: " + CivilDate.problem(asOf)) }
                asOfDate = d
            }
            let base = Diff.folder(self.base), proposed = Diff.folder(self.proposed)
            let baseResult = PolicyRepository(explicit: base).load(base)
            let proposedRepository = PolicyRepository(explicit: proposed)
            if let id = PolicyLoader.header(base)?.id { proposedRepository.baseOverrides[id] = base }
            let proposedResult = proposedRepository.load(proposed)
            Output.diagnostics(baseResult.diagnostics + proposedResult.diagnostics)
            guard let b = baseResult.policy, let p = proposedResult.policy else { throw ExitCode(1) }
            let compared = DiffRenderer.Compared(base: b, baseFolder: base, proposed: p, proposedFolder: proposed)

            let started = ContinuousClock.now
            // An empty folder or stream is a mistake in the command, not a corpus with no changes.
            var empty: [String] = []
            var files: [String] = []
            for c in cases {
                let found = CaseLoader.expand([c])
                if found.isEmpty { empty.append("error: no cases found under \(c)") }
                files += found
            }
            var sources: AnySequence<CaseSource> = AnySequence(files.map { CaseSource.file($0) })
            var linesRead = 0
            if let jsonl {
                guard let handle = jsonl == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: jsonl) else {
                    Output.error("error: cannot read '\(TerminalText.escape(jsonl))'\n")
                    throw ExitCode(1)
                }
                let fileSources = sources.makeIterator()
                var lines = JSONLinesReader(handle: handle, path: jsonl == "-" ? "<stdin>" : jsonl)
                sources = AnySequence {
                    AnyIterator {
                        if let f = fileSources.next() { return f }
                        let l = lines.next()
                        if l != nil { linesRead += 1 }
                        return l
                    }
                }
            }
            var impact = ImpactDiff(base: b, proposed: p, asOf: asOfDate)
            if let store {
                let opened = try StoreCommand.guarded { try RecordStore(path: store, create: false) }
                try StoreCommand.checkGuards(opened, for: .reads)
                let loader = CaseLoader(repository: PolicyRepository(explicit: base))
                impact.record = try StoreCommand.guarded {
                    (base: try opened.diffReader(policy: b, loader: loader, asOf: asOfDate),
                     proposed: try opened.diffReader(policy: p, loader: loader, asOf: asOfDate))
                }
            }
            let results = impact.run(sources)
            if let jsonl, linesRead == 0 { empty.append("error: no cases found in \(jsonl == "-" ? "standard input" : jsonl)") }
            for message in empty { Output.error(TerminalText.escape(message) + "\n") }
            // Nothing was decided at all: no "no decision changed" and empty tables before failing.
            if results.isEmpty && !empty.isEmpty { throw ExitCode(1) }
            let summary = DiffSummary(results)
            var entries: [ImpactDiff.Entry] = []
            for r in results {
                switch r {
                case .decided(let e): entries.append(e)
                case .failed(let ds): Output.diagnostics(ds)
                }
            }
            switch format {
            case .json:
                var out = ""
                for e in entries where e.changed { out += DiffRenderer.jsonLine(e, compared) + "\n" }
                Output.out(out + DiffRenderer.jsonSummary(summary, compared) + "\n")
            case .text, .markdown, .notice, .html:
                Output.out(DiffRenderer.table(entries, summary, compared, lang: lang, markdown: format == .markdown))
            }
            let elapsed = ContinuousClock.now - started
            if isatty(2) == 1 {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                Output.error("\(summary.total.cases) cases in \(String(format: "%.2f", seconds)) s\n")
            }
            // The order of --help: changes first, so a pipeline sees them even when some input was
            // bad (reported above); then bad input (unreadable cases, no cases found).
            if failOnChange && summary.total.changed > 0 { throw ExitCode(3) }
            if summary.failed > 0 || !empty.isEmpty { throw ExitCode(1) }
        }

        /// A package folder as an absolute, standardized path (relative to the current folder
        /// when it lies under it, as people write it): `.` named from inside a package reached
        /// the package lookup as a path without a parent, and Foundation trapped on it.
        static func folder(_ path: String) -> String {
            let cwd = FileManager.default.currentDirectoryPath
            let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
            return absolute.hasPrefix(cwd + "/") ? String(absolute.dropFirst(cwd.count + 1)) : absolute
        }
    }
}
