import CYaml

/// One YAML document's nodes, recorded flat from libyaml's events without building a tree: the
/// input of the fast case reader (`FastCaseReader`), which types them straight into a schema's slots.
///
/// Nodes are in document order (pre-order): a mapping is followed by its keys and values
/// alternately, a sequence by its items, and every node knows the index just past its subtree
/// (`next`), so a reader can skip a value it does not need. Scalar values (after YAML's own
/// unescaping and folding) sit back to back in one byte buffer, so recording costs no allocation
/// per scalar.
///
/// There are no source marks and no diagnostics: `read` returns nil for anything the tree builder
/// would report, and for anything merely unusual, so that the caller falls back to `YAMLReader`
/// and its located diagnostics. A nil here is always safe; a log that differs from the tree is not.
/// It returns nil on: a syntax error; no document or a second one; any tag, anchor or alias; a key
/// that is not a scalar, or that is not ASCII, or `<<`, or a duplicate in its mapping; nesting as
/// deep as `maxDepth`; more than `maxNodes` nodes; a scalar longer than `maxScalarLength` bytes;
/// text longer than `maxBytes`; a mapping of more than `maxKeysPerMapping` keys (the duplicate check
/// is quadratic). C pointers and libyaml types never leave this file.
public struct YAMLEventLog {
    package enum Kind: UInt8 { case scalar, mapping, sequence }

    package struct Node {
        package var kind: Kind
        package var style: YAMLNode.ScalarStyle
        /// A scalar's value: `count` bytes from `start` in `text`.
        package var start: Int32
        package var count: Int32
        /// The index just past this node and everything inside it.
        package var next: Int32
    }

    package private(set) var nodes: [Node] = []
    /// The scalars' values, UTF-8, back to back.
    package private(set) var text: [UInt8] = []

    /// Mappings with more keys than this are left to the tree builder.
    package static let maxKeysPerMapping = 256

    /// Records the one document of `source`, or nil (see the type's comment).
    public static func read(_ source: SourceFile, limits: YAMLLimits = .default) -> YAMLEventLog? {
        var string = source.text
        let count = string.utf8.count
        guard count > 0, count <= limits.maxBytes else { return nil }
        return string.withUTF8 { read(bytes: $0, limits: limits) }
    }

    /// Records the one document of UTF-8 `bytes`, or nil (see the type's comment).
    package static func read(bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = .default) -> YAMLEventLog? {
        guard bytes.count > 0, bytes.count <= limits.maxBytes, let base = bytes.baseAddress else { return nil }
        var log = YAMLEventLog()
        log.nodes.reserveCapacity(bytes.count / 8 + 16)
        log.text.reserveCapacity(bytes.count)
        return log.run(base, bytes.count, limits) ? log : nil
    }

    /// An open collection: its node, whether a key is expected next, and where its keys begin in
    /// `keys` (mappings).
    private struct Frame {
        var node: Int32
        var isMapping: Bool
        var expectKey: Bool
        var keysStart: Int32
    }

    private mutating func run(_ base: UnsafePointer<UInt8>, _ length: Int, _ limits: YAMLLimits) -> Bool {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return false }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, base, length)

        var stack: [Frame] = []
        stack.reserveCapacity(16)
        /// The keys of the open mappings, as (start, count) in `text`.
        var keys: [(Int32, Int32)] = []
        keys.reserveCapacity(64)
        var documents = 0
        var haveRoot = false
        var event = yaml_event_t()

        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return false }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return haveRoot && stack.isEmpty

            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { return false }

            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                if s.tag != nil || s.anchor != nil { return false }
                if s.length > limits.maxScalarLength || nodes.count >= limits.maxNodes { return false }
                let start = Int32(truncatingIfNeeded: text.count)
                let count = Int32(truncatingIfNeeded: s.length)
                if s.length > 0 {
                    guard let value = s.value else { return false }
                    text.append(contentsOf: UnsafeBufferPointer(start: value, count: s.length))
                }
                let style: YAMLNode.ScalarStyle
                switch s.style {
                case YAML_PLAIN_SCALAR_STYLE: style = .plain
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: return false
                }
                if let top = stack.indices.last, stack[top].isMapping, stack[top].expectKey {
                    guard acceptKey(start: Int(start), count: Int(count), style: style, from: Int(stack[top].keysStart), keys: &keys) else {
                        return false
                    }
                }
                let index = Int32(truncatingIfNeeded: nodes.count)
                nodes.append(Node(kind: .scalar, style: style, start: start, count: count, next: index + 1))
                if !attach(&stack) { haveRoot = true }

            case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if isMapping {
                    if event.data.mapping_start.tag != nil || event.data.mapping_start.anchor != nil { return false }
                } else {
                    if event.data.sequence_start.tag != nil || event.data.sequence_start.anchor != nil { return false }
                }
                if stack.count >= limits.maxDepth || nodes.count >= limits.maxNodes { return false }
                // A collection as a mapping key.
                if let top = stack.last, top.isMapping, top.expectKey { return false }
                let index = Int32(truncatingIfNeeded: nodes.count)
                nodes.append(Node(kind: isMapping ? .mapping : .sequence, style: .plain, start: 0, count: 0, next: 0))
                stack.append(Frame(node: index, isMapping: isMapping, expectKey: true, keysStart: Int32(truncatingIfNeeded: keys.count)))

            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                guard let frame = stack.popLast() else { return false }
                if frame.isMapping {
                    // A key without its value cannot happen in libyaml's events; refuse it anyway.
                    if !frame.expectKey { return false }
                    keys.removeSubrange(Int(frame.keysStart)...)
                }
                nodes[Int(frame.node)].next = Int32(truncatingIfNeeded: nodes.count)
                if !attach(&stack) { haveRoot = true }

            case YAML_ALIAS_EVENT:
                return false

            default:
                break  // stream start, document end
            }
        }
    }

    /// Notes that a node was completed inside the innermost collection; false when it is the root.
    private func attach(_ stack: inout [Frame]) -> Bool {
        guard let top = stack.indices.last else { return false }
        if stack[top].isMapping { stack[top].expectKey.toggle() }
        return true
    }

    /// A key is an ASCII scalar, not the merge key, not a repeat of one before it in its mapping.
    private func acceptKey(start: Int, count: Int, style: YAMLNode.ScalarStyle, from: Int, keys: inout [(Int32, Int32)]) -> Bool {
        if keys.count - from >= YAMLEventLog.maxKeysPerMapping { return false }
        return text.withUnsafeBufferPointer { all -> Bool in
            let key = UnsafeBufferPointer(rebasing: all[start..<start + count])
            for b in key where b >= 0x80 { return false }
            if style == .plain && count == 2 && key[0] == 0x3C && key[1] == 0x3C { return false }  // <<
            for (s, c) in keys[from...] where Int(c) == count {
                if count == 0 || memcmp(all.baseAddress! + Int(s), all.baseAddress! + start, count) == 0 { return false }
            }
            keys.append((Int32(truncatingIfNeeded: start), Int32(truncatingIfNeeded: count)))
            return true
        }
    }

    // MARK: Reading

    /// A scalar's value as a string.
    package func string(_ i: Int) -> String {
        let n = nodes[i]
        return text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(n.start)..<Int(n.start + n.count)]), as: UTF8.self)
        }
    }

    /// A scalar's bytes equal `ascii`.
    package func equals(_ i: Int, _ ascii: StaticString) -> Bool {
        let n = nodes[i]
        guard Int(n.count) == ascii.utf8CodeUnitCount else { return false }
        return text.withUnsafeBufferPointer {
            memcmp($0.baseAddress! + Int(n.start), ascii.utf8Start, Int(n.count)) == 0
        }
    }

    /// A scalar's bytes equal the UTF-8 of `s` (for ASCII text, the same as String equality).
    package func equals(_ i: Int, _ s: String) -> Bool {
        let n = nodes[i]
        guard s.utf8.count == Int(n.count) else { return false }
        if n.count == 0 { return true }
        return text.withUnsafeBufferPointer { all in
            let mine = all.baseAddress! + Int(n.start)
            return s.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, mine, $0.count) == 0 }
                ?? s.utf8.elementsEqual(UnsafeBufferPointer(start: mine, count: Int(n.count)))
        }
    }

    /// A plain scalar that YAML 1.2 reads as null (`YAMLNode.Scalar.isNull`).
    package func isNull(_ i: Int) -> Bool {
        let n = nodes[i]
        guard n.kind == .scalar, n.style == .plain else { return false }
        return n.count == 0 || equals(i, "~") || equals(i, "null") || equals(i, "Null") || equals(i, "NULL")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
