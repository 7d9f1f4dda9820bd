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

    struct Entry {
        var file: String
        var name: String
        var line: Int
        var failures: [String]
        var diagnostics: [Diagnostic]
        /// What the diagnostics stopped ("the case could not be read").
        var unreadable: String
        var reproduce: String?
        var passed: Bool { failures.isEmpty && diagnostics.isEmpty }
    }

    let format: Format
    let verbose: Bool
    private(set) var entries: [Entry] = []
    /// Diagnostics already printed in text: a broken package's are printed for its first scenario only.
    private var shown: Set<Diagnostic> = []
    var passed: Int { entries.filter(\.passed).count }
    var failed: Int { entries.count - passed }

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

    func record(_ e: Entry) {
        entries.append(e)
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
        entries.append(Entry(file: file, name: "(the scenario file)", line: 1, failures: [], diagnostics: diagnostics,
                             unreadable: "the scenario file has errors", reproduce: nil))
        guard format == .text else { return }
        Output.diagnostics(diagnostics)
        Output.out("FAIL \(TerminalText.escape(file)): the scenario file has errors\n")
    }

    /// Writes the JUnit or JSON report (text was written as it went).
    func finish() {
        switch format {
        case .text: break
        case .json: Output.out(json())
        case .junit: Output.out(junit())
        }
    }

    /// One object per scenario, then a summary object: `{"summary":{"passed":N,"failed":N}}`.
    func json() -> String {
        var out = ""
        for e in entries {
            var w = JSONWriter()
            w.beginObject()
            w.field("file", e.file)
            w.field("name", e.name)
            w.field("line", e.line)
            w.field("status", e.passed ? "passed" : "failed")
            w.field("failures", strings: e.failures)
            w.key("diagnostics")
            w.beginArray()
            for d in e.diagnostics { DiagnosticJSON.write(d, into: &w) }
            w.endArray()
            w.field("reproduce", e.reproduce)
            w.endObject()
            out += w.output + "\n"
        }
        return out + "{\"summary\":{\"passed\":\(passed),\"failed\":\(failed)}}\n"
    }

    /// JUnit XML as CI servers read it: one `testsuite` per scenario file, one `testcase` per
    /// scenario, a `failure` with what was expected and what came out.
    func junit() -> String {
        var files: [String] = []
        var byFile: [String: [Entry]] = [:]
        for e in entries {
            if byFile[e.file] == nil { files.append(e.file) }
            byFile[e.file, default: []].append(e)
        }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"clause test\" tests=\"\(entries.count)\" failures=\"\(failed)\" errors=\"0\">\n"
        for (i, file) in files.enumerated() {
            let es = byFile[file]!
            let f = es.filter { !$0.passed }.count
            x += "  <testsuite name=\"\(XML.escape(file))\" id=\"\(i)\" tests=\"\(es.count)\" failures=\"\(f)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
            for e in es {
                x += "    <testcase name=\"\(XML.escape(e.name))\" classname=\"\(XML.escape(file))\" time=\"0\""
                if e.passed {
                    x += "/>\n"
                    continue
                }
                x += ">\n"
                var body = e.failures
                if !e.diagnostics.isEmpty {
                    body.append(e.unreadable + ":")
                    body.append(DiagnosticRenderer(colour: false).render(e.diagnostics))
                }
                if let r = e.reproduce { body.append("reproduce: " + r) }
                let message = e.failures.first ?? e.unreadable
                x += "      <failure message=\"\(XML.escape(message))\" type=\"scenario\">\(XML.escape(body.joined(separator: "\n")))</failure>\n"
                x += "    </testcase>\n"
            }
            x += "  </testsuite>\n"
        }
        return x + "</testsuites>\n"
    }
}

/// Text made safe for XML attributes and content; characters XML 1.0 cannot hold at all
/// (controls other than tab and newline) are written as visible `\u{…}` escapes.
enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
