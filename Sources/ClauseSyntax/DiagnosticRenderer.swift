/// Renders diagnostics as `FILE:LINE:COLUMN: error: MESSAGE`, then the source line and a caret.
///
/// The format is what editors and CI parse (CONTRACT §3). Colour only when asked (the CLI asks
/// when stderr is a terminal).
package struct DiagnosticRenderer: Sendable {
    package var colour: Bool

    package init(colour: Bool = false) { self.colour = colour }

    package func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
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
            place = "\(file.path):\(range.start.line + file.lineOffset):\(range.start.column): "
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
        return "\(place)\(label) \(message)\n"
    }

    /// The offending line and a caret under the column (wide CJK characters count double on screen).
    private func excerpt(_ range: SourceRange) -> String {
        guard let file = range.file, range.start.line >= 1 else { return "" }
        let line = file.line(range.start.line)
        guard !line.isEmpty else { return "" }
        var pad = ""
        for scalar in line.unicodeScalars.prefix(max(0, range.start.column - 1)) {
            pad += scalar == "\t" ? "\t" : String(repeating: " ", count: DisplayWidth.of(scalar))
        }
        // Control characters would garble a terminal; show them as '·' (binary junk in a case file).
        let shown = String(String.UnicodeScalarView(line.unicodeScalars.prefix(400).map {
            ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F ? "·" : $0
        }))
        return "\(shown)\n\(pad)^\n"
    }
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
