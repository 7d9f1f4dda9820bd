import ClauseStore
import ClauseSyntax
import Foundation

/// Writes to stdout and stderr; diagnostics in colour only when stderr is a terminal.
package enum Output {
    package static func out(_ s: String) { write(1, Data(s.utf8)) }

    package static func error(_ s: String) { write(2, Data(s.utf8)) }

    /// Writes all of `data` to a descriptor. When the reader has gone (`clause why … | head`:
    /// EPIPE, SIGPIPE being ignored), the process ends quietly with status 141, as the signal
    /// would have ended it, after removing its temporary folders; never a trap in FileHandle.
    package static func write(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EPIPE {
                    ScratchFolders.removeAll()
                    exit(141)
                }
                return  // another error (a full disk): nothing better to do with output
            }
        }
    }

    package static func diagnostics(_ ds: [Diagnostic]) {
        guard !ds.isEmpty else { return }
        error(DiagnosticRenderer(colour: isatty(2) == 1).render(ds))
    }
}
