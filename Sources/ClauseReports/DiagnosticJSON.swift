import ClauseDecisionLine
import ClauseSyntax

/// A diagnostic as one JSON object, for CI tools (`clause check --format json`, `clause test
/// --format json`): where it is (1-based line and column in Unicode scalars, as the text form
/// prints them), how bad, its stable id and message, and its notes.
package enum DiagnosticJSON {
    package static func line(_ d: Diagnostic) -> String {
        var w = JSONWriter()
        write(d, into: &w)
        return w.output
    }

    package static func write(_ d: Diagnostic, into w: inout JSONWriter) {
        w.beginObject()
        place(d.range, into: &w)
        w.field("severity", d.severity.rawValue)
        w.field("id", d.id)
        w.field("message", d.message)
        w.key("notes")
        w.beginArray()
        for n in d.notes {
            w.beginObject()
            place(n.range, into: &w)
            w.field("message", n.message)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func place(_ r: SourceRange, into w: inout JSONWriter) {
        w.field("file", r.file?.path)
        if let f = r.file {
            w.field("line", r.start.line + f.lineOffset)
            w.field("column", r.start.column)
        } else {
            w.key("line"); w.null()
            w.key("column"); w.null()
        }
    }
}
