import CYaml

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns YAML text into a `YAMLNode` tree using libyaml's event API.
///
/// Events rather than libyaml's document API (or Yams' `compose`) because only events carry
/// every node's start and end marks and scalar style, and because building the tree ourselves
/// lets us refuse what clause does not want (tags, merge keys, complex keys, duplicate keys) with
/// located diagnostics, and bound what could hurt us (alias bombs, deep nesting, huge scalars).
/// The tree is built iteratively with an explicit stack, so no input can overflow the call stack.
/// C pointers and libyaml types never leave this file.
package enum YAMLReader {
    /// Parses exactly one document from text already in memory. Returns nil when there is no usable
    /// document (empty stream, or errors); every problem is appended to `bag`, none thrown.
    ///
    /// Fatal problems (syntax errors, nesting too deep, alias bombs, unknown aliases) return nil.
    /// Problems that leave a well-formed tree (duplicate keys, merge keys, tags, over-long scalars,
    /// a second document) are reported and the tree is still returned, so the caller can report
    /// its own findings in the same run; callers must check `bag.hasErrors`.
    package static func read(
        _ file: SourceFile, limits: YAMLLimits = .default, into bag: inout DiagnosticBag
    ) -> YAMLNode? {
        var bytes = Array(file.text.utf8)
        let length = bytes.count
        // Text that did not come from a file (a JSON Lines line) meets the same size limit.
        if length > limits.maxBytes {
            let origin = SourceLocation(line: 1, column: 1)
            bag.error("yaml.file-size", "text is \(sizeText(length, exact: false)), larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                      at: SourceRange(file: SourceFile(path: file.path, text: "", lineOffset: file.lineOffset), start: origin, end: origin))
            return nil
        }
        // A trailing NUL keeps the base address non-nil for an empty text (libyaml asserts on
        // a nil input pointer); it is not part of the input length.
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            var builder = TreeBuilder(file: file, limits: limits, bytes: buffer)
            return builder.run(length: length, into: &bag)
        }
    }

    /// Reads a file from disk: checks the size (via stat) BEFORE reading it, decodes UTF-8
    /// (invalid UTF-8 / binary junk is a located error, not a crash), then calls read(_:).
    /// Returns the SourceFile (when it could be read) so callers can render diagnostics.
    package static func read(
        path: String, limits: YAMLLimits = .default, into bag: inout DiagnosticBag
    ) -> (file: SourceFile?, root: YAMLNode?) {
        let origin = SourceLocation(line: 1, column: 1)
        func ioError(_ reason: String) -> (file: SourceFile?, root: YAMLNode?) {
            let empty = SourceFile(path: path, text: "")
            bag.error("io.read", "cannot read file: \(reason)", at: SourceRange(file: empty, start: origin, end: origin))
            return (nil, nil)
        }
        guard !path.isEmpty else { return ioError("empty path") }

        var info = stat()
        guard stat(path, &info) == 0 else { return ioError(errnoText()) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return ioError("is a directory") }
        let size = Int(info.st_size)
        if size > limits.maxBytes {
            let empty = SourceFile(path: path, text: "")
            bag.error(
                "yaml.file-size",
                "file is \(sizeText(size, exact: false)), larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                at: SourceRange(file: empty, start: origin, end: origin))
            return (empty, nil)
        }

        let bytes: [UInt8]
        switch readAll(path: path, limit: limits.maxBytes) {
        case .failure(let reason): return ioError(reason.text)
        case .success(let data): bytes = data
        }
        if bytes.count > limits.maxBytes {
            // The file grew between stat and read.
            let empty = SourceFile(path: path, text: "")
            bag.error(
                "yaml.file-size",
                "file is larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                at: SourceRange(file: empty, start: origin, end: origin))
            return (empty, nil)
        }

        var body = bytes[...]
        // libyaml skips a UTF-8 byte order mark without counting it in columns; drop it here so
        // the SourceFile's columns agree with libyaml's marks.
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }

        if let bad = firstInvalidUTF8(body) {
            let prefix = body[body.startIndex..<bad]
            let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let lineStart = prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
            let column = String(decoding: body[lineStart..<bad], as: UTF8.self).unicodeScalars.count + 1
            let file = SourceFile(path: path, text: String(decoding: body, as: UTF8.self))
            let hex = String(body[bad], radix: 16, uppercase: true)
            let at = SourceLocation(line: line, column: column)
            bag.error(
                "yaml.encoding",
                "file is not UTF-8 text (byte 0x\(hex.count < 2 ? "0" + hex : hex) at line \(line))",
                at: SourceRange(file: file, start: at, end: at))
            return (file, nil)
        }

        let file = SourceFile(path: path, text: String(decoding: body, as: UTF8.self))
        return (file, read(file, limits: limits, into: &bag))
    }

    // MARK: - File helpers

    private struct ReadFailure: Error { var text: String }

    private static func errnoText() -> String {
        String(cString: strerror(errno)).lowercased()
    }

    /// Reads at most `limit + 1` bytes, so a file that grows after `stat` still cannot exhaust memory.
    private static func readAll(path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(ReadFailure(text: errnoText())) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count <= limit {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(text: errnoText()))
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return .success(result)
    }

    /// "10.0 MB", "4 MB", "12.5 KB", "40 bytes": sizes for messages. `exact` drops a ".0" for limits.
    private static func sizeText(_ bytes: Int, exact: Bool) -> String {
        func tenths(_ unit: Int, _ name: String) -> String {
            if exact && bytes % unit == 0 { return "\(bytes / unit) \(name)" }
            let t = (bytes * 10 + unit / 2) / unit
            return "\(t / 10).\(t % 10) \(name)"
        }
        if bytes >= 1024 * 1024 { return tenths(1024 * 1024, "MB") }
        if bytes >= 1024 { return tenths(1024, "KB") }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// The index of the first byte that is not part of well-formed UTF-8, or nil when all is well.
    private static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let count: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED: count = 2; upper = 0x9F
            case 0xF0: count = 3; lower = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; upper = 0x8F
            default: return i
            }
            for k in 1...count {
                let j = i + k
                guard j < end else { return i }
                let c = bytes[j]
                if k == 1 {
                    guard c >= lower && c <= upper else { return i }
                } else {
                    guard c >= 0x80 && c <= 0xBF else { return i }
                }
            }
            i += count + 1
        }
        return nil
    }
}

/// The POSIX `read`, reachable under another name inside `YAMLReader` (whose own `read` hides it).
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

// MARK: - Tree builder

/// The state of one libyaml parse: the explicit stack of open collections, the anchors seen so
/// far with their expanded sizes, and the running node count.
private struct TreeBuilder {
    /// A collection being filled. The frames are classes so that appending to the innermost one
    /// mutates it in place (an enum payload copied out of the stack would copy its array each time,
    /// making a 300 000-item list quadratic).
    private enum Frame {
        case sequence(SequenceFrame)
        case mapping(MappingFrame)
    }

    private final class SequenceFrame {
        var items: [YAMLNode] = []
        var start: SourceLocation
        var anchor: String?
        /// `total` before this collection was counted, to compute its expanded size at the end.
        var totalBefore: Int
        init(start: SourceLocation, anchor: String?, totalBefore: Int) {
            self.start = start
            self.anchor = anchor
            self.totalBefore = totalBefore
        }
    }

    private final class MappingFrame {
        var entries: [(key: YAMLNode.Scalar, value: YAMLNode)] = []
        var firstKey: [String: YAMLNode.Scalar] = [:]
        /// The key waiting for its value.
        var pendingKey: YAMLNode.Scalar?
        /// True between a key and its value when the value must be dropped (bad or duplicate key).
        var dropValue = false
        /// True while a key's value is expected, even when the key itself was refused.
        var expectingValue = false
        var start: SourceLocation
        var anchor: String?
        var totalBefore: Int
        init(start: SourceLocation, anchor: String?, totalBefore: Int) {
            self.start = start
            self.anchor = anchor
            self.totalBefore = totalBefore
        }
    }

    let file: SourceFile
    let limits: YAMLLimits
    let bytes: UnsafeBufferPointer<UInt8>
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    private var total = 0
    private var root: YAMLNode?

    init(file: SourceFile, limits: YAMLLimits, bytes: UnsafeBufferPointer<UInt8>) {
        self.file = file
        self.limits = limits
        self.bytes = bytes
    }

    /// Runs the libyaml event loop over the first `length` bytes of `bytes`.
    mutating func run(length: Int, into bag: inout DiagnosticBag) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            let at = SourceLocation(line: 1, column: 1)
            bag.error("yaml.syntax", "cannot start the YAML parser (out of memory)", at: range(at, at))
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, length)

        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportParserError(&parser, into: &bag)
                return nil
            }
            defer { yaml_event_delete(&event) }
            let start = location(event.start_mark)
            let end = location(event.end_mark)

            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root

            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    bag.error(
                        "yaml.multiple-documents", "expected one YAML document, found another here",
                        at: range(start, end))
                    return root
                }

            case YAML_ALIAS_EVENT:
                let name = string(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    bag.error(
                        "yaml.unknown-alias", "alias '*\(name)' refers to no anchor defined before it",
                        at: range(start, end))
                    return nil
                }
                if total + target.count > limits.maxNodes {
                    bag.error(
                        "yaml.alias-limit",
                        "aliases expand to more than \(limits.maxNodes) nodes (the limit): a YAML alias bomb?",
                        at: range(start, end))
                    return nil
                }
                total += target.count
                attach(target.node, into: &bag)

            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                checkTag(s.tag, at: range(start, end), into: &bag)
                guard countNode(at: range(start, end), into: &bag) else { return nil }
                let text: String
                if let value = s.value, s.length > 0 {
                    text = String(decoding: UnsafeBufferPointer(start: value, count: s.length), as: UTF8.self)
                } else {
                    text = ""
                }
                if s.length > limits.maxScalarLength && text.unicodeScalars.count > limits.maxScalarLength {
                    bag.error(
                        "yaml.scalar-length",
                        "text is longer than the \(limits.maxScalarLength)-character limit",
                        at: range(start, end))
                }
                let node = YAMLNode.scalar(.init(text: text, style: style(s.style), range: range(start, end)))
                if let anchor = string(s.anchor) { anchors[anchor] = (node, 1) }
                attach(node, into: &bag)

            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let anchor = string(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                checkTag(tag, at: range(start, end), into: &bag)
                if stack.count >= limits.maxDepth {
                    bag.error("yaml.depth", "nesting deeper than \(limits.maxDepth) levels", at: range(start, end))
                    return nil
                }
                let before = total
                guard countNode(at: range(start, end), into: &bag) else { return nil }
                if isMapping {
                    stack.append(.mapping(MappingFrame(start: start, anchor: anchor, totalBefore: before)))
                } else {
                    stack.append(.sequence(SequenceFrame(start: start, anchor: anchor, totalBefore: before)))
                }

            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return nil }  // libyaml never does this
                let node: YAMLNode
                let anchor: String?
                let before: Int
                switch frame {
                case .sequence(let f):
                    node = .sequence(.init(items: f.items, range: range(f.start, end)))
                    anchor = f.anchor
                    before = f.totalBefore
                case .mapping(let f):
                    node = .mapping(.init(entries: f.entries, range: range(f.start, end)))
                    anchor = f.anchor
                    before = f.totalBefore
                }
                if let anchor { anchors[anchor] = (node, total - before) }
                attach(node, into: &bag)

            default:
                break  // stream start, document end: nothing to build
            }
        }
    }

    // MARK: Building

    /// Counts one new node against `maxNodes`; false (after reporting) when over the limit.
    private mutating func countNode(at r: SourceRange, into bag: inout DiagnosticBag) -> Bool {
        total += 1
        if total > limits.maxNodes {
            bag.error("yaml.node-limit", "document has more than \(limits.maxNodes) nodes (the limit)", at: r)
            return false
        }
        return true
    }

    /// Puts a finished node into the innermost open collection, or makes it the root.
    private mutating func attach(_ node: YAMLNode, into bag: inout DiagnosticBag) {
        guard let top = stack.last else {
            root = node
            return
        }
        switch top {
        case .sequence(let f):
            f.items.append(node)
        case .mapping(let f):
            if f.expectingValue {
                if let key = f.pendingKey, !f.dropValue {
                    f.entries.append((key, node))
                }
                f.pendingKey = nil
                f.dropValue = false
                f.expectingValue = false
            } else {
                f.expectingValue = true
                addKey(node, to: f, into: &bag)
            }
        }
    }

    /// Checks a mapping key: scalar, not `<<`, not a duplicate. A refused key drops its value.
    private func addKey(_ node: YAMLNode, to f: MappingFrame, into bag: inout DiagnosticBag) {
        guard case .scalar(let key) = node else {
            bag.error("yaml.complex-key", "mapping keys must be plain text", at: node.range)
            f.dropValue = true
            return
        }
        if key.style == .plain && key.text == "<<" {
            bag.error(
                "yaml.merge-key",
                "merge keys ('<<') are a YAML 1.1 feature and are not supported: write the keys out",
                at: key.range)
            f.dropValue = true
            return
        }
        if let first = f.firstKey[key.text] {
            bag.error(
                "yaml.duplicate-key", "duplicate key '\(key.text)'", at: key.range,
                notes: [Diagnostic.Note(message: "first defined here", range: first.range)])
            f.dropValue = true
            return
        }
        f.firstKey[key.text] = key
        f.pendingKey = key
    }

    /// Reports an explicit tag: the schema, not the document, decides each value's type.
    private func checkTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, at r: SourceRange, into bag: inout DiagnosticBag) {
        guard let text = string(tag), !text.isEmpty else { return }
        let core = "tag:yaml.org,2002:"
        let shown = text.hasPrefix(core) ? "!!" + text.dropFirst(core.count) : text
        bag.error(
            "yaml.tag", "tags ('\(shown)') are not supported: the schema decides each value's type", at: r)
    }

    // MARK: libyaml conversions

    private func reportParserError(_ parser: inout yaml_parser_t, into bag: inout DiagnosticBag) {
        var message = parser.problem.map { String(cString: $0) } ?? "cannot parse the YAML text"
        if let context = parser.context { message += " " + String(cString: context) }
        let at: SourceLocation
        switch parser.error {
        case YAML_READER_ERROR:
            // Reader errors carry a byte offset, not a mark.
            at = locationOfByte(parser.problem_offset)
        case YAML_MEMORY_ERROR:
            message = "out of memory while parsing YAML"
            at = SourceLocation(line: 1, column: 1)
        default:
            at = location(parser.problem_mark)
        }
        bag.error("yaml.syntax", message, at: range(at, at), notes: contextNote(parser))
    }

    /// Points at where the construct being read began (the opening quote of an unclosed string,
    /// the `[` of an unclosed flow sequence), which libyaml reports as its context mark.
    private func contextNote(_ parser: yaml_parser_t) -> [Diagnostic.Note] {
        guard parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR,
            let raw = parser.context
        else { return [] }
        var what = Substring(String(cString: raw))
        for prefix in ["while scanning ", "while parsing "] where what.hasPrefix(prefix) {
            what = what.dropFirst(prefix.count)
        }
        for article in ["a ", "an "] where what.hasPrefix(article) {
            let at = location(parser.context_mark)
            guard at != location(parser.problem_mark) else { return [] }
            return [Diagnostic.Note(message: "the \(what.dropFirst(article.count)) starts here", range: range(at, at))]
        }
        return []
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Line and column (in Unicode scalars) of a byte offset into the input.
    private func locationOfByte(_ offset: Int) -> SourceLocation {
        let limit = min(max(offset, 0), bytes.count - 1)
        var line = 1
        var lineStart = 0
        for i in 0..<limit where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<limit]), as: UTF8.self)
            .unicodeScalars.count + 1
        return SourceLocation(line: line, column: column)
    }

    private func range(_ start: SourceLocation, _ end: SourceLocation) -> SourceRange {
        SourceRange(file: file, start: start, end: end)
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    private func style(_ s: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
