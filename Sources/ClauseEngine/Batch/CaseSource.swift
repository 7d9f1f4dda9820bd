import ClauseSyntax
import Foundation

/// Where one case comes from: a file, or one line of a JSON Lines stream.
public enum CaseSource: Sendable {
    case file(String)
    /// `lineOffset` is the line's number less one, so diagnostics name the stream's own line.
    case line(path: String, text: String, lineOffset: Int)
    /// A line that could not be taken from the stream (not UTF-8, over the size limit, a read
    /// error): reported like a bad case, and the other lines are still decided.
    case unreadable(Diagnostic)
}

/// Reads a JSON Lines stream a line at a time, so a 100,000-case file is never held whole.
///
/// The stream is read in chunks of up to 1 MiB, each as much as is there: a program that pipes
/// cases in a line at a time gets each answered as it comes (where its output is written at
/// once: beside a store, not recording), instead of the reader waiting for a full chunk. Lines
/// are cut from the buffer by moving a start index, and the buffer is compacted only when it is
/// refilled: removing each line from the front would copy the buffer once per line. The search
/// for a newline resumes where the last one stopped, so a long line is scanned once, not once
/// per chunk. A line longer than the case file limit (4 MB) is reported at its line and skipped
/// up to its newline without being kept, so a stream with no newline at all runs in bounded
/// memory. A read error (a directory, a closed stdin) ends the stream with a located error rather
/// than a trap.
package struct JSONLinesReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private let path: String
    private let maxLineBytes: Int
    private let chunkBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the newline search resumes: every byte in start..<scanned is known not to be one.
    private var scanned = 0
    private var lineNumber = 0
    private var atEnd = false
    /// Inside an over-long line: its bytes are dropped up to its newline.
    private var skipping = false

    package init(handle: FileHandle, path: String, maxLineBytes: Int = YAMLLimits.default.maxBytes, chunkBytes: Int = 1 << 20) {
        self.handle = handle
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = chunkBytes
    }

    package mutating func next() -> CaseSource? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = start
                if skipping {
                    skipping = false
                    continue
                }
                lineNumber += 1
                if let source = source(line) { return source }
                continue
            }
            scanned = buffer.count
            if !skipping && buffer.count - start > maxLineBytes {
                // Over the limit with no newline yet: report now, drop the rest of the line.
                lineNumber += 1
                skipping = true
                start = buffer.count
                scanned = start
                return .unreadable(problem("yaml.file-size", "line is larger than the \(YAMLReader.sizeText(maxLineBytes, exact: true)) limit of a case"))
            }
            if skipping {
                start = buffer.count
                scanned = start
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                scanned = start
                lineNumber += 1
                return source(line)
            }
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
            switch YAMLReader.readSome(handle.fileDescriptor, upTo: chunkBytes, appendingTo: &buffer) {
            case .success(let count): if count == 0 { atEnd = true }
            case .failure(let reason):
                atEnd = true
                buffer.removeAll()
                scanned = 0
                return .unreadable(problem("io.read", "cannot read the stream after line \(lineNumber): \(reason.text)", line: lineNumber + 1))
            }
        }
    }

    /// nil for a blank line.
    private func source(_ line: ArraySlice<UInt8>) -> CaseSource? {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        if let bad = YAMLReader.firstInvalidUTF8(line) {
            let column = String(decoding: line[line.startIndex..<bad], as: UTF8.self).unicodeScalars.count + 1
            let hex = String(line[bad], radix: 16, uppercase: true)
            return .unreadable(problem("yaml.encoding", "line is not UTF-8 text (byte 0x\(hex.count < 2 ? "0" + hex : hex))",
                                       line: lineNumber, column: column, text: String(decoding: line, as: UTF8.self)))
        }
        return .line(path: path, text: String(decoding: line, as: UTF8.self), lineOffset: lineNumber - 1)
    }

    /// A diagnostic at `line` (the current one by default) of the stream.
    private func problem(_ id: String, _ message: String, line: Int? = nil, column: Int = 1, text: String = "") -> Diagnostic {
        let n = line ?? lineNumber
        let file = SourceFile(path: path, text: text, lineOffset: n - 1)
        let at = SourceLocation(line: 1, column: column)  // ranges count from the line's own text
        return Diagnostic(id: id, message, at: SourceRange(file: file, start: at, end: at))
    }
}
