import ClauseSyntax
import Foundation
import Testing

/// The YAML reader: styles and ranges, the refusals (duplicate keys, merge keys, tags, complex
/// keys), the guards (alias bombs, deep nesting, file size, encoding) and syntax errors.
@Suite struct YAMLReaderTests {
    private func parse(_ text: String, limits: YAMLLimits = .default) -> (YAMLNode?, DiagnosticBag) {
        var bag = DiagnosticBag()
        let root = YAMLReader.read(SourceFile(path: "t.yaml", text: text), limits: limits, into: &bag)
        return (root, bag)
    }

    private func mapping(_ node: YAMLNode?) -> YAMLNode.Mapping? {
        if case .mapping(let m)? = node { return m }
        return nil
    }

    private func scalar(_ node: YAMLNode?) -> YAMLNode.Scalar? {
        if case .scalar(let s)? = node { return s }
        return nil
    }

    /// A file in a fresh temporary directory, removed by the caller's `defer`.
    private func tempFile(_ bytes: [UInt8], name: String = "f.yaml") throws -> (path: String, dir: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yamlreader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return (url.path, dir)
    }

    @Test func scalarStylesAndRanges() throws {
        let text = """
            plain: abc
            single: 'x y'
            double: "a\\tb"
            literal: |
              line1
              line2
            folded: >
              a
              b
            名称: 沈阳

            """
        let (root, bag) = parse(text)
        #expect(bag.diagnostics.isEmpty)
        let m = try #require(mapping(root))
        #expect(m.entries.map(\.key.text) == ["plain", "single", "double", "literal", "folded", "名称"])

        let plain = try #require(scalar(m["plain"]))
        #expect(plain.text == "abc")
        #expect(plain.style == .plain)
        #expect(plain.range.start == SourceLocation(line: 1, column: 8))
        #expect(plain.range.end == SourceLocation(line: 1, column: 11))
        #expect(plain.range.file?.path == "t.yaml")

        let single = try #require(scalar(m["single"]))
        #expect(single.text == "x y")
        #expect(single.style == .singleQuoted)
        #expect(single.range.start == SourceLocation(line: 2, column: 9))

        let double = try #require(scalar(m["double"]))
        #expect(double.text == "a\tb")
        #expect(double.style == .doubleQuoted)

        let literal = try #require(scalar(m["literal"]))
        #expect(literal.text == "line1\nline2\n")
        #expect(literal.style == .literal)
        #expect(literal.range.start == SourceLocation(line: 4, column: 10))

        let folded = try #require(scalar(m["folded"]))
        #expect(folded.text == "a b\n")
        #expect(folded.style == .folded)

        let city = try #require(scalar(m["名称"]))
        #expect(city.text == "沈阳")
        #expect(city.range.start == SourceLocation(line: 10, column: 5))
        #expect(city.range.end == SourceLocation(line: 10, column: 7))
        #expect(m.entries[5].key.range.start == SourceLocation(line: 10, column: 1))

        #expect(m.range.start == SourceLocation(line: 1, column: 1))
    }

    @Test func digitStringsStayText() throws {
        let (root, bag) = parse("code: 91210106123456789X\nzip: 012345\nn: 1.50\n")
        #expect(bag.diagnostics.isEmpty)
        let m = try #require(mapping(root))
        #expect(scalar(m["code"])?.text == "91210106123456789X")
        #expect(scalar(m["zip"])?.text == "012345")
        #expect(scalar(m["zip"])?.style == .plain)
        #expect(scalar(m["n"])?.text == "1.50")
    }

    @Test func nullsAreEmptyPlainScalars() throws {
        let (root, bag) = parse("a:\nb: ~\nc: ''\n")
        #expect(bag.diagnostics.isEmpty)
        let m = try #require(mapping(root))
        #expect(scalar(m["a"])?.isNull == true)
        #expect(scalar(m["b"])?.isNull == true)
        #expect(scalar(m["c"])?.isNull == false)
    }

    @Test func duplicateKeyKeepsFirstAndPointsAtBoth() throws {
        let (root, bag) = parse("a: 1\nb: 2\na: 3\n")
        #expect(bag.diagnostics.count == 1)
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.duplicate-key")
        #expect(d.message == "duplicate key 'a'")
        #expect(d.range.start == SourceLocation(line: 3, column: 1))
        #expect(d.notes.count == 1)
        #expect(d.notes.first?.message == "first defined here")
        #expect(d.notes.first?.range.start == SourceLocation(line: 1, column: 1))
        let m = try #require(mapping(root))
        #expect(m.entries.count == 2)
        #expect(scalar(m["a"])?.text == "1")
    }

    @Test func mergeKeyIsRefused() {
        let (_, bag) = parse("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n")
        #expect(bag.diagnostics.map(\.id) == ["yaml.merge-key"])
        #expect(
            bag.diagnostics.first?.message
                == "merge keys ('<<') are a YAML 1.1 feature and are not supported: write the keys out")
        #expect(bag.diagnostics.first?.range.start == SourceLocation(line: 3, column: 3))
    }

    @Test func tagsAreRefused() {
        let (_, bag) = parse("a: !!str 5\nb: !foo [1]\nc: !!map {}\n")
        #expect(bag.diagnostics.map(\.id) == ["yaml.tag", "yaml.tag", "yaml.tag"])
        #expect(
            bag.diagnostics.first?.message
                == "tags ('!!str') are not supported: the schema decides each value's type")
        #expect(bag.diagnostics.first?.range.start == SourceLocation(line: 1, column: 4))
        #expect(bag.diagnostics[1].message.contains("'!foo'"))
        #expect(bag.diagnostics[2].message.contains("'!!map'"))
    }

    @Test func complexKeyIsRefused() {
        let (_, bag) = parse("? [a, b]\n: 1\nc: 2\n")
        #expect(bag.diagnostics.map(\.id) == ["yaml.complex-key"])
        #expect(bag.diagnostics.first?.message == "mapping keys must be plain text")
        #expect(bag.diagnostics.first?.range.start == SourceLocation(line: 1, column: 3))
    }

    @Test func aliasesExpand() throws {
        let (root, bag) = parse("a: &x [1, 2]\nb: *x\nc: &s hello\nd: *s\n")
        #expect(bag.diagnostics.isEmpty)
        let m = try #require(mapping(root))
        guard case .sequence(let b)? = m["b"] else {
            Issue.record("b is not a sequence")
            return
        }
        #expect(b.items.compactMap { scalar($0)?.text } == ["1", "2"])
        #expect(scalar(m["d"])?.text == "hello")
    }

    @Test func unknownAliasIsAnError() {
        let (root, bag) = parse("a: *nowhere\n")
        #expect(root == nil)
        #expect(bag.diagnostics.map(\.id) == ["yaml.unknown-alias"])
        #expect(bag.diagnostics.first?.range.start == SourceLocation(line: 1, column: 4))
    }

    @Test func billionLaughsStopsQuickly() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        var result: (YAMLNode?, DiagnosticBag)?
        let elapsed = clock.measure { result = parse(text) }
        #expect(result?.0 == nil)
        #expect(result?.1.diagnostics.map(\.id) == ["yaml.alias-limit"])
        #expect(
            result?.1.diagnostics.first?.message
                == "aliases expand to more than 1000000 nodes (the limit): a YAML alias bomb?")
        #expect(elapsed < .seconds(1))
    }

    @Test func deepNestingStopsWithoutCrashing() {
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let (root, bag) = parse(text)
        #expect(root == nil)
        #expect(bag.diagnostics.map(\.id) == ["yaml.depth"])
        #expect(bag.diagnostics.first?.message == "nesting deeper than 64 levels")
        #expect(bag.diagnostics.first?.range.start == SourceLocation(line: 1, column: 65))
    }

    @Test func sixtyFourLevelsAreFine() {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let (root, bag) = parse(text)
        #expect(root != nil)
        #expect(bag.diagnostics.isEmpty)
    }

    @Test func longScalarIsRefused() {
        let (_, bag) = parse("a: " + String(repeating: "名", count: 11) + "\n", limits: YAMLLimits(maxScalarLength: 10))
        #expect(bag.diagnostics.map(\.id) == ["yaml.scalar-length"])
        let (_, ok) = parse("a: " + String(repeating: "名", count: 10) + "\n", limits: YAMLLimits(maxScalarLength: 10))
        #expect(ok.diagnostics.isEmpty)
    }

    @Test func nodeLimitWithoutAliases() {
        let (root, bag) = parse("[1, 2, 3, 4, 5]", limits: YAMLLimits(maxNodes: 4))
        #expect(root == nil)
        #expect(bag.diagnostics.map(\.id) == ["yaml.node-limit"])
    }

    @Test func unclosedQuoteIsALocatedSyntaxError() throws {
        let (root, bag) = parse("a: 1\nb: 'unclosed\n")
        #expect(root == nil)
        let d = try #require(bag.diagnostics.first)
        #expect(bag.diagnostics.count == 1)
        #expect(d.id == "yaml.syntax")
        #expect(d.message == "found unexpected end of stream while scanning a quoted scalar")
        #expect(d.range.start == SourceLocation(line: 3, column: 1))
    }

    @Test func syntaxErrorNotesWhereTheConstructStarts() throws {
        let (_, bag) = parse("a: [1, 2\nb: 3\n")
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.syntax")
        #expect(d.message == "did not find expected ',' or ']' while parsing a flow sequence")
        #expect(d.notes.map(\.message) == ["the flow sequence starts here"])
        #expect(d.notes.first?.range.start == SourceLocation(line: 1, column: 4))
    }

    @Test func longListsAreLinear() {
        let text = "[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
        let clock = ContinuousClock()
        var bag = DiagnosticBag()
        let elapsed = clock.measure { _ = YAMLReader.read(SourceFile(path: "t.yaml", text: text), into: &bag) }
        #expect(bag.diagnostics.isEmpty)
        #expect(elapsed < .seconds(5))
    }

    @Test func tabIndentationIsALocatedSyntaxError() throws {
        let (root, bag) = parse("a:\n\tb: 1\n")
        #expect(root == nil)
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.syntax")
        #expect(d.message == "found character that cannot start any token while scanning for the next token")
        #expect(d.range.start == SourceLocation(line: 2, column: 1))
    }

    @Test func badIndentationIsALocatedSyntaxError() throws {
        let (root, bag) = parse("a:\n  b: 1\n c: 2\n")
        #expect(root == nil)
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.syntax")
        #expect(d.range.start.line == 3)
    }

    @Test func controlCharacterIsALocatedSyntaxError() throws {
        let (root, bag) = parse("a: 1\nb: x\u{1}y\n")
        #expect(root == nil)
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.syntax")
        #expect(d.message == "control characters are not allowed")
        #expect(d.range.start == SourceLocation(line: 2, column: 5))
    }

    @Test func jsonParses() throws {
        let (root, bag) = parse(#"{"a": [1, 2.5, "x"], "b": {"c": null}}"#)
        #expect(bag.diagnostics.isEmpty)
        let m = try #require(mapping(root))
        #expect(m.entries.map(\.key.text) == ["a", "b"])
        #expect(m.entries[0].key.style == .doubleQuoted)
        guard case .sequence(let a)? = m["a"], case .mapping(let b)? = m["b"] else {
            Issue.record("wrong shapes")
            return
        }
        #expect(a.items.compactMap { scalar($0)?.text } == ["1", "2.5", "x"])
        #expect(scalar(b["c"])?.isNull == true)
    }

    @Test func multipleDocumentsAreAnError() throws {
        let (_, bag) = parse("a: 1\n---\nb: 2\n")
        let d = try #require(bag.diagnostics.first)
        #expect(bag.diagnostics.count == 1)
        #expect(d.id == "yaml.multiple-documents")
        #expect(d.message == "expected one YAML document, found another here")
        #expect(d.range.start == SourceLocation(line: 2, column: 1))
    }

    @Test func explicitSingleDocumentIsFine() {
        let (root, bag) = parse("---\na: 1\n...\n")
        #expect(root != nil)
        #expect(bag.diagnostics.isEmpty)
    }

    @Test func emptyTextAndCommentsGiveNoDocument() {
        for text in ["", "# only a comment\n\n# another\n", "\n\n"] {
            let (root, bag) = parse(text)
            #expect(root == nil)
            #expect(bag.diagnostics.isEmpty)
        }
    }

    // MARK: Files

    @Test func readsAFile() throws {
        let (path, dir) = try tempFile(Array("名称: 沈阳\n".utf8))
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (file, root) = YAMLReader.read(path: path, into: &bag)
        #expect(bag.diagnostics.isEmpty)
        #expect(file?.path == path)
        #expect(scalar(mapping(root)?["名称"])?.text == "沈阳")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let (path, dir) = try tempFile([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8))
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: path, into: &bag)
        #expect(bag.diagnostics.isEmpty)
        #expect(scalar(mapping(root)?["a"])?.range.start == SourceLocation(line: 1, column: 4))
    }

    @Test func invalidUTF8IsALocatedError() throws {
        let (path, dir) = try tempFile(Array("a: 1\nb: ".utf8) + [0xFF, 0xFE, 0x00] + Array("\nc: 2\n".utf8))
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (file, root) = YAMLReader.read(path: path, into: &bag)
        #expect(root == nil)
        #expect(file != nil)
        let d = try #require(bag.diagnostics.first)
        #expect(bag.diagnostics.count == 1)
        #expect(d.id == "yaml.encoding")
        #expect(d.message == "file is not UTF-8 text (byte 0xFF at line 2)")
        #expect(d.range.start == SourceLocation(line: 2, column: 4))
    }

    @Test func binaryJunkDoesNotCrash() throws {
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<4096 {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        let (path, dir) = try tempFile(bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: path, into: &bag)
        #expect(root == nil)
        #expect(bag.hasErrors)
    }

    @Test func emptyFileGivesNoDocumentAndNoError() throws {
        let (path, dir) = try tempFile([])
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (file, root) = YAMLReader.read(path: path, into: &bag)
        #expect(file != nil)
        #expect(root == nil)
        #expect(bag.diagnostics.isEmpty)
    }

    @Test func fileOverTheLimitIsNotRead() throws {
        let (path, dir) = try tempFile(Array(repeating: UInt8(ascii: "a"), count: 20))
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        let (file, root) = YAMLReader.read(path: path, limits: YAMLLimits(maxBytes: 8), into: &bag)
        #expect(root == nil)
        #expect(file?.text == "")
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "yaml.file-size")
        #expect(d.message == "file is 20 bytes, larger than the 8 bytes limit")
        #expect(d.range.start == SourceLocation(line: 1, column: 1))
    }

    @Test func fileSizeMessageInMegabytes() throws {
        let (path, dir) = try tempFile(Array(repeating: UInt8(ascii: "#"), count: 10 * 1024 * 1024))
        defer { try? FileManager.default.removeItem(at: dir) }
        var bag = DiagnosticBag()
        _ = YAMLReader.read(path: path, into: &bag)
        #expect(bag.diagnostics.map(\.message) == ["file is 10.0 MB, larger than the 4 MB limit"])
    }

    @Test func missingFileIsAnIOError() throws {
        var bag = DiagnosticBag()
        let (file, root) = YAMLReader.read(path: "/nonexistent/clause/x.yaml", into: &bag)
        #expect(file == nil)
        #expect(root == nil)
        let d = try #require(bag.diagnostics.first)
        #expect(d.id == "io.read")
        #expect(d.message == "cannot read file: no such file or directory")
        #expect(d.range.file?.path == "/nonexistent/clause/x.yaml")
        #expect(d.range.start == SourceLocation(line: 1, column: 1))

        var bag2 = DiagnosticBag()
        _ = YAMLReader.read(path: "", into: &bag2)
        #expect(bag2.diagnostics.map(\.id) == ["io.read"])
    }

    // MARK: Rendering

    @Test func rendersDuplicateKeyWithNote() {
        var bag = DiagnosticBag()
        _ = YAMLReader.read(SourceFile(path: "f.yaml", text: "m:\n    a: 1\n    a: 2\n"), into: &bag)
        let out = DiagnosticRenderer().render(bag.diagnostics)
        #expect(
            out == """
                f.yaml:3:5: error: duplicate key 'a'
                    a: 2
                    ^
                f.yaml:2:5: note: first defined here
                    a: 1
                    ^

                """)
    }

    @Test func rendersCaretUnderWideCharacters() {
        var bag = DiagnosticBag()
        _ = YAMLReader.read(SourceFile(path: "f.yaml", text: "名称: !!str 沈阳\n"), into: &bag)
        let out = DiagnosticRenderer().render(bag.diagnostics)
        #expect(
            out == """
                f.yaml:1:5: error: tags ('!!str') are not supported: the schema decides each value's type
                名称: !!str 沈阳
                      ^

                """)
    }
}
