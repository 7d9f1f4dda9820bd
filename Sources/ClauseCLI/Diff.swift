import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause diff --base DIR --proposed DIR CASE…`: what a proposed change does to a corpus.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide cases under a base and a proposed package; list the cases that change, why, and the money.",
            discussion: """
                The proposed package may be a modified copy of the base, or an amending package \
                ('amends: <id>') that is composed with --base. Exit status: 0, or 3 with \
                --fail-on-change when any decision changes; 1 when a case file could not be read.
                """)

        @Option(help: "The current package folder.")
        var base: String

        @Option(help: "The proposed package folder (a changed copy, or an amendment of the base).")
        var proposed: String

        @Option(help: "Output format: text (a table), markdown (a memo) or json (a line per changed case, then a summary; see docs/json.md).")
        var format: Format = .text

        @Option(help: "Language of the text: zh (default) or en.")
        var lang: Lang = .zh

        @Option(name: .customLong("as-of"), help: "Evaluation date YYYY-MM-DD for every case (default: each case's applied_on).")
        var asOf: String?

        @Flag(help: "Exit with status 3 when any decision changes (for a CI pipeline).")
        var failOnChange = false

        @Option(help: "Also read cases as JSON Lines, one case per line, from FILE or '-' (standard input).")
        var jsonl: String?

        @Argument(help: "Case files, or folders of them.")
        var cases: [String] = []

        func validate() throws {
            if cases.isEmpty && jsonl == nil { throw ValidationError("give case files or folders, or --jsonl FILE") }
        }

        func run() throws {
            var asOfDate: CivilDate?
            if let asOf {
                guard let d = CivilDate(iso: Substring(asOf)) else { throw ValidationError("--as-of '\(asOf)' is not a date: write YYYY-MM-DD") }
                asOfDate = d
            }
            let baseResult = PolicyRepository(explicit: base).load(base)
            let proposedRepository = PolicyRepository(explicit: proposed)
            if let id = PolicyLoader.header(base)?.id { proposedRepository.baseOverrides[id] = base }
            let proposedResult = proposedRepository.load(proposed)
            Output.diagnostics(baseResult.diagnostics + proposedResult.diagnostics)
            guard let b = baseResult.policy, let p = proposedResult.policy else { throw ExitCode(1) }

            let started = ContinuousClock.now
            var sources: AnySequence<CaseSource> = AnySequence(CaseLoader.expand(cases).map { CaseSource.file($0) })
            if let jsonl {
                guard let handle = jsonl == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: jsonl) else {
                    Output.error("error: cannot read '\(jsonl)'\n")
                    throw ExitCode(1)
                }
                var files = sources.makeIterator()
                var lines = JSONLinesReader(handle: handle, path: jsonl == "-" ? "<stdin>" : jsonl)
                sources = AnySequence { AnyIterator { files.next() ?? lines.next() } }
            }
            let results = ImpactDiff(base: b, proposed: p, asOf: asOfDate).run(sources)
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
                for e in entries where e.changed { out += DiffRenderer.jsonLine(e) + "\n" }
                Output.out(out + DiffRenderer.jsonSummary(summary) + "\n")
            case .text, .markdown:
                Output.out(DiffRenderer.table(entries, summary, policy: p, lang: lang, markdown: format == .markdown))
            }
            let elapsed = ContinuousClock.now - started
            if isatty(2) == 1 {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                Output.error("\(summary.total.cases) cases in \(String(format: "%.2f", seconds)) s\n")
            }
            if summary.failed > 0 { throw ExitCode(1) }
            if failOnChange && summary.total.changed > 0 { throw ExitCode(3) }
        }
    }
}
