extension YAMLNode.Scalar {
    /// The file position of the character at `offset` (in Unicode scalars) of this scalar's value.
    ///
    /// Expressions live inside YAML strings; this is what lets an error in a rule's expression point
    /// at its column in the file. It walks the source alongside the value, following YAML's folding
    /// of line breaks and quoted-string escapes, so multi-line expressions map too.
    package func location(atOffset offset: Int) -> SourceLocation {
        guard let file = range.file, range.start.line >= 1 else { return range.start }
        var line = range.start.line
        var column = range.start.column
        switch style {
        case .plain: break
        case .singleQuoted, .doubleQuoted: column += 1
        case .literal, .folded:
            line += 1
            column = firstContentColumn(file.line(line))
        }
        var source = Array(file.line(line).unicodeScalars)
        var index = column - 1
        let value = Array(text.unicodeScalars)
        var k = 0
        while k < min(offset, value.count) {
            if index >= source.count {
                // End of a source line: the value continues on the next, after indentation.
                line += 1
                source = Array(file.line(line).unicodeScalars)
                index = firstContentColumn(Substring(String(String.UnicodeScalarView(source)))) - 1
                if line > range.end.line { break }
                k += 1
                continue
            }
            if style == .doubleQuoted, source[index] == "\\" { index += 1 }
            if style == .singleQuoted, source[index] == "'", index + 1 < source.count, source[index + 1] == "'" {
                index += 1
            }
            index += 1
            k += 1
        }
        return SourceLocation(line: line, column: index + 1)
    }

    /// A range within the file for `start..<end` of the value.
    package func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(file: range.file, start: location(atOffset: start), end: location(atOffset: end))
    }

    private func firstContentColumn(_ line: Substring) -> Int {
        var c = 1
        for s in line.unicodeScalars {
            if s == " " || s == "\t" { c += 1 } else { break }
        }
        return c
    }
}
