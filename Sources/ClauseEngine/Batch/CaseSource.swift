import ClauseSyntax
import Foundation

/// Where one case comes from: a file, or one line of a JSON Lines stream.
package enum CaseSource: Sendable {
    case file(String)
    /// `lineOffset` is the line's number less one, so diagnostics name the stream's own line.
    case line(path: String, text: String, lineOffset: Int)
}

/// Reads a JSON Lines stream a line at a time, so a 100,000-case file is never held whole.
///
/// Lines are cut from a 1 MiB buffer by moving a start index, and the buffer is compacted only
/// when it is refilled: removing each line from the front would copy the buffer once per line.
package struct JSONLinesReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var lineNumber = 0
    private var atEnd = false

    package init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    package mutating func next() -> CaseSource? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                if let source = source(line) { return source }
                continue
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return source(line)
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// nil for a blank line.
    private func source(_ line: ArraySlice<UInt8>) -> CaseSource? {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return .line(path: path, text: String(decoding: line, as: UTF8.self), lineOffset: lineNumber - 1)
    }
}
