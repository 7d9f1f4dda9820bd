import ClauseSyntax
import Foundation

/// Writes to stdout and stderr; diagnostics in colour only when stderr is a terminal.
package enum Output {
    package static func out(_ s: String) {
        FileHandle.standardOutput.write(Data(s.utf8))
    }

    package static func error(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    package static func diagnostics(_ ds: [Diagnostic]) {
        guard !ds.isEmpty else { return }
        error(DiagnosticRenderer(colour: isatty(2) == 1).render(ds))
    }
}
