import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import Foundation

extension ClauseCommand.Evaluate {
    /// Decides every case given (files, folders, JSON Lines) on every core with bounded memory,
    /// output in input order, a progress bar on a terminal and a one-line summary on stderr.
    func runBatch(asOf: CivilDate?, files: [String]) throws {
        let loader = CaseLoader(repository: PolicyRepository(explicit: options.policy))
        var evaluator = BatchEvaluator(loader: loader, asOf: asOf, tracing: tracing)
        evaluator.remedies = searchesRemedies
        let format = options.format, lang = options.lang, trace = trace, onlyDeciding = options.onlyDeciding
        // A JSON line shows words in one language: an untraced one the reasons' alone.
        if format == .json { evaluator.words = trace ? .every(lang) : .reasons(lang) }
        let separator = Array(format.separator.utf8)
        let render: @Sendable (Decision, Policy) -> [UInt8] = { d, policy in
            format.bytes(d, policy: policy, lang: lang, trace: trace, onlyDeciding: onlyDeciding)
        }
        let sources = try caseSources(files)
        var progress = ProgressBar(total: jsonl == nil ? files.count : nil, enabled: isatty(2) == 1)
        let started = ContinuousClock.now
        var written = 0
        var out = LineSink(fd: 1)
        let summary = evaluator.run(sources, render: render) { item in
            switch item {
            case .decided(_, _, let text):
                if written > 0 { out.add(separator) }
                out.add(text)
                written += 1
            case .failed(let ds):
                out.flush()
                progress.clear()
                Output.diagnostics(ds)
            }
            progress.advance()
        }
        out.flush()
        progress.clear()
        if summary.cases == 0 {
            Output.error("error: no cases to decide\(jsonl.map { " in --jsonl \(TerminalText.escape($0))" } ?? "")\n")
            throw ExitCode(1)
        }
        if summary.cases > 1 { Output.error(BatchSummaryText.line(summary, elapsed: ContinuousClock.now - started) + "\n") }
        if summary.failed > 0 { throw ExitCode(1) }
    }
}

/// A one-line progress bar on stderr, redrawn at most every 1% (or 1,000 cases when the total is
/// unknown); nothing at all when stderr is not a terminal.
struct ProgressBar {
    let total: Int?
    let enabled: Bool
    private var done = 0
    private var shown = false

    init(total: Int?, enabled: Bool) {
        self.total = total
        self.enabled = enabled && (total ?? 1000) >= 1000
    }

    mutating func advance() {
        done += 1
        guard enabled else { return }
        let step = total.map { max(1, $0 / 100) } ?? 1000
        guard done % step == 0 else { return }
        if let total {
            let filled = done * 30 / max(total, 1)
            Output.error("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: 30 - filled))] \(done)/\(total)")
        } else {
            Output.error("\r\(done) cases")
        }
        shown = true
    }

    mutating func clear() {
        if shown { Output.error("\r\u{1B}[K") }
        shown = false
    }
}

extension ClauseCommand.Evaluate {
    /// The cases to decide one at a time beside the store, read a chunk ahead on another thread,
    /// except from standard input: there a case is read only when the one before it is decided,
    /// so a program that writes a case and waits for its answer is answered.
    ///
    /// - Parameter digests: whether each text's digest is worked out as it is read (recording).
    func preparedCases(_ files: [String], loader: CaseLoader, digests: Bool, derive: CaseReadAhead.Derive? = nil) throws -> AnySequence<PreparedCase> {
        let sources = try caseSources(files)
        if jsonl == "-" {
            let it = sources.makeIterator()
            return AnySequence { AnyIterator { it.next().map { loader.prepare($0, digest: digests, derive: derive) } } }
        }
        return AnySequence(CaseReadAhead(sources, loader: loader, digests: digests, derive: derive))
    }

    /// The cases to decide: the files given (folders expanded), then the `--jsonl` stream a line
    /// at a time, never the whole stream in memory.
    func caseSources(_ files: [String]) throws -> AnySequence<CaseSource> {
        guard let jsonl else { return AnySequence(files.map { CaseSource.file($0) }) }
        let handle: FileHandle
        if jsonl == "-" {
            handle = .standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: jsonl) else {
                Output.error("error: cannot read '\(TerminalText.escape(jsonl))'\n")
                throw ExitCode(1)
            }
            handle = h
        }
        var fileSources = files.map { CaseSource.file($0) }.makeIterator()
        var lines = JSONLinesReader(handle: handle, path: jsonl == "-" ? "<stdin>" : jsonl)
        return AnySequence { AnyIterator { fileSources.next() ?? lines.next() } }
    }
}
