import ClauseDecisionLine
import ClauseSyntax

/// What `clause test` found, scenario by scenario, policy and workflow alike, as CI reads it at
/// the end: JSON lines, or JUnit XML (the command prints the text as it goes).
package struct ScenarioReport {
    /// One scenario's result: what failed, the diagnostics that stopped it, and the command that
    /// runs it again.
    package struct Entry {
        package var file: String
        package var name: String
        package var line: Int
        package var failures: [String]
        package var diagnostics: [Diagnostic]
        /// What the diagnostics stopped ("the case could not be read").
        package var unreadable: String
        package var reproduce: String?
        package var passed: Bool { failures.isEmpty && diagnostics.isEmpty }

        package init(file: String, name: String, line: Int, failures: [String], diagnostics: [Diagnostic], unreadable: String, reproduce: String?) {
            self.file = file
            self.name = name
            self.line = line
            self.failures = failures
            self.diagnostics = diagnostics
            self.unreadable = unreadable
            self.reproduce = reproduce
        }
    }

    package var entries: [Entry] = []
    package var passed: Int { entries.filter(\.passed).count }
    package var failed: Int { entries.count - passed }

    package init() {}

    /// One object per scenario, then a summary object: `{"summary":{"passed":N,"failed":N}}`.
    package func json() -> String {
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
    package func junit() -> String {
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
package enum XML {
    package static func escape(_ s: String) -> String {
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
