import ClauseSyntax
import Foundation

/// Where one case comes from: a file, or one line of a JSON Lines stream.
package enum CaseSource: Sendable {
    case file(String)
    /// `lineOffset` is the line's number less one, so diagnostics name the stream's own line.
    case line(path: String, text: String, lineOffset: Int)
}

/// Reads a JSON Lines stream a line at a time, so a 100,000-case file is never held whole.
package struct JSONLinesReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private let path: String
    private var buffer = Data()
    private var lineNumber = 0
    private var atEnd = false

    package init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    package mutating func next() -> CaseSource? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                return .line(path: path, text: String(decoding: line, as: UTF8.self), lineOffset: lineNumber - 1)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                buffer = Data()
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
                return .line(path: path, text: String(decoding: line, as: UTF8.self), lineOffset: lineNumber - 1)
            }
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { atEnd = true } else { buffer.append(chunk) }
        }
    }
}
