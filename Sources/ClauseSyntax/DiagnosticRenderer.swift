/// Renders diagnostics as `FILE:LINE:COLUMN: error: MESSAGE`, then the source line and a caret.
///
/// The format is what editors and CI parse (`file:line:col: error: …`). Colour only when asked (the CLI asks
/// when stderr is a terminal).
public struct DiagnosticRenderer: Sendable {
    package var colour: Bool

    public init(colour: Bool = false) { self.colour = colour }

    /// The most diagnostics shown per file; the rest are counted in one closing note. A
    /// hostile 1 MB case once gave 16,000 errors, each quoting its line, 31 s before the first
    /// was printed; a person reads the first screenful and fixes the pattern.
    package static let maxPerFile = 100

    public func render(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        var shown: [String: Int] = [:]
        var hidden: [String: Int] = [:]
        var order: [String] = []
        for d in diagnostics {
            let key = d.range.file?.path ?? ""
            let n = shown[key, default: 0]
            if n >= Self.maxPerFile {
                if hidden[key] == nil { order.append(key) }
                hidden[key, default: 0] += 1
                continue
            }
            shown[key] = n + 1
            out += render(d)
        }
        for key in order {
            let n = hidden[key]!
            out += "\(key.isEmpty ? "" : TerminalText.escape(key) + ": ")note: \(n) more diagnostic\(n == 1 ? "" : "s") not shown (the first \(Self.maxPerFile) are)\n"
        }
        return out
    }

    package func render(_ d: Diagnostic) -> String {
        var out = header(d.range, d.severity, d.message)
        out += excerpt(d.range)
        for note in d.notes {
            out += header(note.range, .note, note.message)
            out += excerpt(note.range)
        }
        return out
    }

    private func header(_ range: SourceRange, _ severity: Diagnostic.Severity, _ message: String) -> String {
        let place: String
        if let file = range.file {
            place = "\(TerminalText.escape(file.path)):\(range.start.line + file.lineOffset):\(range.start.column): "
        } else {
            place = ""
        }
        let label: String
        if colour {
            let code = severity == .error ? "31" : severity == .warning ? "33" : "36"
            label = "\u{1B}[1;\(code)m\(severity.rawValue):\u{1B}[0m"
        } else {
            label = "\(severity.rawValue):"
        }
        // Messages quote the input (a key, a value): escaped, so a case cannot forge a line.
        return "\(place)\(label) \(TerminalText.escape(message))\n"
    }

    /// The offending line and a caret under the column (wide CJK characters count double on screen).
    private func excerpt(_ range: SourceRange) -> String {
        guard let file = range.file, range.start.line >= 1 else { return "" }
        let line = file.line(range.start.line)
        guard !line.isEmpty else { return "" }
        // At most `window` characters of a long line (a JSON Lines case is one line of kilobytes),
        // placed so that the caret's column is among them, with '...' where the line goes on.
        let scalars = Array(line.unicodeScalars)
        let column = max(0, range.start.column - 1)
        let from = scalars.count <= Self.window || column < Self.window - 40 ? 0 : min(column - Self.window / 2, scalars.count - Self.window)
        let to = min(scalars.count, from + Self.window)
        var pad = from > 0 ? "   " : ""
        for scalar in scalars[from..<min(max(from, column), to)] {
            pad += scalar == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.of(scalar))
        }
        // Control characters would garble a terminal; show them as '·' (binary junk in a case file).
        let shown = String(String.UnicodeScalarView(scalars[from..<to].map {
            $0 != "\t" && TerminalText.needsEscape($0) ? "·" : $0
        }))
        return "\(from > 0 ? "..." : "")\(shown)\(to < scalars.count ? "..." : "")\n\(pad)^\n"
    }

    /// The most characters of a source line shown under a diagnostic.
    static let window = 400
}

/// East Asian wide characters take two terminal cells.
package enum DisplayWidth {
    package static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    package static func of(_ s: some StringProtocol) -> Int {
        s.unicodeScalars.reduce(0) { $0 + of($1) }
    }
}
