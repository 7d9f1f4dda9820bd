import CYaml

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of one libyaml parse: the explicit stack of open collections, the anchors seen so
/// far with their expanded sizes, and the running node count.
struct TreeBuilder {
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
