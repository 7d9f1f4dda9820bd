import Synchronization

/// A file's text as read, kept so diagnostics can quote the offending line.
///
/// Columns everywhere in clause count Unicode scalars, 1-based, as libyaml does (0-based) and as a
/// person sees Chinese text; never bytes.
public final class SourceFile: Sendable {
    /// The path as the user gave it; diagnostics print it unchanged.
    package let path: String
    /// Lines before this text in the file it came from: a case read from line 17 of a JSON Lines
    /// file has 16, so diagnostics name line 17 while ranges stay relative to the text.
    package let lineOffset: Int
    /// The text, when it was given as text.
    private let given: String?
    /// The bytes of a file kept as read (`init(path:utf8:)`), and its text once made.
    private let bytes: [UInt8]
    private let made: Mutex<String?>

    public init(path: String, text: String, lineOffset: Int = 0) {
        self.path = path
        self.lineOffset = lineOffset
        given = text
        bytes = []
        made = Mutex(nil)
    }

    /// A file's bytes as read, not yet checked as UTF-8. A case file is read by scanners that
    /// refuse any byte that is not UTF-8, and none of them needs the text: making it checked every
    /// byte once more, for every case of a batch. Whatever else reads the file asks
    /// `YAMLReader.checkUTF8` first.
    package init(path: String, utf8 bytes: [UInt8]) {
        self.path = path
        lineOffset = 0
        given = nil
        self.bytes = bytes
        made = Mutex(nil)
    }

    /// The text. A file kept as bytes makes it the first time it is asked for (a byte that is
    /// not UTF-8 becomes U+FFFD, as the text of a file refused for its encoding always has).
    package var text: String {
        if let given { return given }
        return made.withLock { made in
            if let made { return made }
            let text = String(decoding: bytes, as: UTF8.self)
            made = text
            return text
        }
    }

    /// The text's UTF-8 bytes, without making the text of a file kept as bytes.
    package func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let given { return try given.withUTF8InPlace(body) }
        return try bytes.withUnsafeBufferPointer(body)
    }

    /// Keeps the text made from the bytes while checking them, so it is not made again.
    package func keep(checked text: String) {
        made.withLock { $0 = text }
    }

    /// The text of a 1-based line, without its line break; empty when out of range.
    ///
    /// Scans the text each time: only diagnostics ask, and a case file that is read without a
    /// problem should not pay for a line table.
    package func line(_ number: Int) -> Substring {
        guard number >= 1 else { return "" }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var current = 1
        while current < number {
            guard let newline = scalars[start...].firstIndex(of: "\n") else { return "" }
            start = scalars.index(after: newline)
            current += 1
        }
        var end = scalars[start...].firstIndex(of: "\n") ?? scalars.endIndex
        if end > start, scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
        return Substring(scalars[start..<end])
    }
}

/// A point in a source file: 1-based line and column (column in Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Comparable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A range in one file; `file` is nil for values that do not come from a file (built-ins).
public struct SourceRange: Sendable, Hashable {
    public var file: SourceFile?
    package var start: SourceLocation
    package var end: SourceLocation

    package init(file: SourceFile?, start: SourceLocation, end: SourceLocation) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A range for something with no place in any file.
    package static let builtin = SourceRange(
        file: nil, start: SourceLocation(line: 0, column: 0), end: SourceLocation(line: 0, column: 0))

    public static func == (a: SourceRange, b: SourceRange) -> Bool {
        a.file === b.file && a.start == b.start && a.end == b.end
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file.map(ObjectIdentifier.init))
        hasher.combine(start)
        hasher.combine(end)
    }
}
