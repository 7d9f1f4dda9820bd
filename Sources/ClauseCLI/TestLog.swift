import ArgumentParser
import ClauseReports
import ClauseSyntax
import Foundation

/// What `clause test` found, scenario by scenario, policy and workflow alike, and how it is told:
/// as it goes in text (a line for a pass when verbose; for a failure what was expected, what came
/// out and the command that reproduces it), or at the end as JUnit XML or JSON lines for CI.
final class TestLog {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, junit, json
    }

    typealias Entry = ScenarioReport.Entry

    let format: Format
    let verbose: Bool
    /// Every scenario so far, for the report at the end.
    private(set) var report = ScenarioReport()
    var entries: [ScenarioReport.Entry] { report.entries }
    /// Diagnostics already printed in text: a broken package's are printed for its first scenario only.
    private var shown: Set<Diagnostic> = []
    var passed: Int { report.passed }
    var failed: Int { report.failed }

    init(format: Format, verbose: Bool) {
        self.format = format
        self.verbose = verbose
    }

    /// The command that runs one scenario again, as this process was invoked (`clause`,
    /// `.build/debug/clause`, …), never a guess such as `swift run clause`.
    static func reproduce(_ file: String, name: String, explain: Bool) -> String {
        let me = CommandLine.arguments.first ?? "clause"
        return [me, "test", file, "--name", name].map(shellQuoted).joined(separator: " ") + (explain ? " --explain" : "")
    }

    /// `s` as one word for a POSIX shell.
    static func shellQuoted(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:@%+,".unicodeScalars.contains($0) }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func record(_ e: ScenarioReport.Entry) {
        report.entries.append(e)
        guard format == .text else { return }
        if e.passed {
            if verbose { Output.out("ok   \(TerminalText.escape(e.name))\n") }
            return
        }
        Output.out("FAIL \(TerminalText.escape(e.name))  (\(TerminalText.escape(e.file)):\(e.line))\n")
        for f in e.failures { Output.out("     \(TerminalText.escape(f))\n") }
        if !e.diagnostics.isEmpty {
            // A broken package fails each of its scenarios with the same diagnostics: shown once.
            let new = e.diagnostics.filter { !shown.contains($0) }
            if new.isEmpty {
                Output.out("     \(e.unreadable) (as shown above)\n")
            } else {
                Output.out("     \(e.unreadable):\n")
                Output.diagnostics(new)
                shown.formUnion(new)
            }
        }
        if let r = e.reproduce { Output.out("     reproduce: \(TerminalText.escape(r))\n") }
    }

    /// A scenario file that could not be read counts as one failure.
    func unreadableFile(_ file: String, _ diagnostics: [Diagnostic]) {
        report.entries.append(ScenarioReport.Entry(file: file, name: "(the scenario file)", line: 1, failures: [], diagnostics: diagnostics,
                             unreadable: "the scenario file has errors", reproduce: nil))
        guard format == .text else { return }
        Output.diagnostics(diagnostics)
        Output.out("FAIL \(TerminalText.escape(file)): the scenario file has errors\n")
    }

    /// Writes the JUnit or JSON report (text was written as it went).
    func finish() {
        switch format {
        case .text: break
        case .json: Output.out(report.json())
        case .junit: Output.out(report.junit())
        }
    }
}
