/// A file's text as read, kept so diagnostics can quote the offending line.
///
/// Columns everywhere in clause count Unicode scalars, 1-based, as libyaml does (0-based) and as a
/// person sees Chinese text; never bytes.
public final class SourceFile: Sendable {
    /// The path as the user gave it; diagnostics print it unchanged.
    package let path: String
    package let text: String
    /// Lines before this text in the file it came from: a case read from line 17 of a JSON Lines
    /// file has 16, so diagnostics name line 17 while ranges stay relative to the text.
    package let lineOffset: Int

    public init(path: String, text: String, lineOffset: Int = 0) {
        self.path = path
        self.text = text
        self.lineOffset = lineOffset
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
