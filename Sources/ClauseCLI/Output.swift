import ClauseStore
import ClauseSyntax
import Foundation

/// Writes to stdout and stderr; diagnostics in colour only when stderr is a terminal.
package enum Output {
    package static func out(_ s: String) { write(1, Data(s.utf8)) }

    package static func error(_ s: String) { write(2, Data(s.utf8)) }

    /// Writes all of `data` to a descriptor, never through FileHandle (which traps on a broken
    /// pipe); a failed write ends as `failed(_:_:)` says.
    package static func write(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { _ = write(fd, $0) }
    }

    /// Writes all of `buffer`; false when stderr cannot be written (nowhere left to say so).
    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            failed(fd, n < 0 ? errno : EIO)
            return false
        }
        return true
    }

    /// A write to `fd` failed with `error`. A gone reader (`clause why … | head`: EPIPE, SIGPIPE
    /// being ignored) ends the process as the signal would have, with status 141. Output that
    /// cannot be written (a full disk) is said on stderr and fails the command (status 1): a
    /// batch whose decisions went nowhere must not end as if they had been written. What the
    /// store already holds stays; a failing stderr alone is let be, there being nowhere to say so.
    static func failed(_ fd: Int32, _ error: Int32) {
        if error == EPIPE { readerGone() }
        guard fd != 2 else { return }
        let words = "error: cannot write the output: \(String(cString: strerror(error)))\n"
        words.utf8CString.withUnsafeBufferPointer { _ = Foundation.write(2, $0.baseAddress, $0.count - 1) }
        ScratchFolders.removeAll()
        exit(1)
    }

    /// The reader of the output has gone: end as SIGPIPE would have, temporary folders removed.
    static func readerGone() -> Never {
        ScratchFolders.removeAll()
        exit(141)
    }

    package static func diagnostics(_ ds: [Diagnostic]) {
        let shown = repeats.admit(ds)
        guard !shown.isEmpty else { return }
        error(DiagnosticRenderer(colour: isatty(2) == 1).render(shown))
    }

    /// The closing notes for errors left out as repeats; called once, as the command ends.
    package static func finishDiagnostics() {
        for line in repeats.notes() { error(line) }
    }

    private static let repeats = RepeatedDiagnostics()
}

/// The same error (same kind and words, wherever it is) is printed a few times in one run, then
/// only counted: a batch started in the wrong folder gave "no policy package" once for each of
/// 10,000 cases, 30,000 lines that buried everything else. Each case still fails as before.
final class RepeatedDiagnostics: @unchecked Sendable {
    static let maxRepeats = 5
    private let lock = NSLock()
    private var seen: [String: Int] = [:]
    private var order: [(key: String, message: String)] = []

    /// The diagnostics of `ds` to print: all but errors already printed `maxRepeats` times.
    func admit(_ ds: [Diagnostic]) -> [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return ds.filter { d in
            guard d.severity == .error else { return true }
            let key = d.id + "\u{0}" + d.message
            let n = seen[key, default: 0]
            seen[key] = n + 1
            if n == Self.maxRepeats { order.append((key, d.message)) }
            return n < Self.maxRepeats
        }
    }

    /// `note: the same error 9,995 more times, not shown: no policy package …`, once per such error.
    func notes() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let lines = order.map { e -> String in
            let more = seen[e.key, default: 0] - Self.maxRepeats
            return "note: the same error \(more) more time\(more == 1 ? "" : "s"), not shown: \(TerminalText.escape(e.message))\n"
        }
        order = []
        return lines
    }
}
