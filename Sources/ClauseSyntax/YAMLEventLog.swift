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

    package struct Node: Equatable {
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
        source.withUTF8 { bytes in
            guard bytes.count > 0, bytes.count <= limits.maxBytes else { return nil }
            return read(bytes: bytes, limits: limits)
        }
    }

    /// Records the one document of UTF-8 `bytes`, or nil (see the type's comment). A JSON object
    /// (most case files and every JSON Lines line) is scanned directly, as libyaml would read it;
    /// anything that scan is unsure of is left to libyaml.
    package static func read(bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = .default) -> YAMLEventLog? {
        if let log = readJSON(bytes: bytes, limits: limits) { return log }
        return readYAML(bytes: bytes, limits: limits)
    }

    /// The log libyaml's events give, or nil.
    package static func readYAML(bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = .default) -> YAMLEventLog? {
        guard bytes.count > 0, bytes.count <= limits.maxBytes, let base = bytes.baseAddress else { return nil }
        var builder = Builder(capacity: bytes.count, limits: limits)
        return builder.runLibyaml(base, bytes.count) ? builder.finished() : nil
    }

    /// The log of a JSON object scanned without libyaml, or nil for anything else, and for any JSON
    /// whose reading as YAML the scan does not promise to match (`JSONScan`).
    package static func readJSON(bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = .default) -> YAMLEventLog? {
        guard bytes.count > 0, bytes.count <= limits.maxBytes, let base = bytes.baseAddress else { return nil }
        var scan = JSONScan(base, bytes.count)
        // A YAML file is not a JSON object from its first byte: no log is made for it here.
        guard scan.startsObject() else { return nil }
        var builder = Builder(capacity: bytes.count, limits: limits)
        return scan.document(into: &builder) ? builder.finished() : nil
    }

    /// Whether the JSON scan, when it reads `source` at all, reads it exactly as libyaml does: for
    /// the tests and the fuzzer, which hold the scan to this on every text they make.
    public static func jsonScanAgreesWithLibyaml(_ source: SourceFile, limits: YAMLLimits = .default) -> Bool {
        return source.text.withUTF8InPlace { bytes in
            guard let json = readJSON(bytes: bytes, limits: limits) else { return true }
            guard let yaml = readYAML(bytes: bytes, limits: limits) else { return false }
            return json.nodes == yaml.nodes && json.text == yaml.text
        }
    }

    /// Builds a log from a document's events, whoever reads them (libyaml or the JSON scan), and
    /// refuses what the type's comment lists.
    struct Builder {
        var log = YAMLEventLog()
        let limits: YAMLLimits
        /// The open collections, innermost last.
        private var stack: [Frame] = []
        /// The keys of the open mappings, as (start, count) in `log.text`.
        private var keys: [(Int32, Int32)] = []
        private var haveRoot = false

        /// How many bytes of `log.text` hold scalars: the array is made at its full size at once
        /// and written in place (`append`), and cut to this length when the log is done (`finished`).
        private var used = 0

        init(capacity: Int, limits: YAMLLimits) {
            self.limits = limits
            log.nodes.reserveCapacity(capacity / 8 + 16)
            // A JSON text's scalars never take more bytes than the text (an escape is longer than
            // what it stands for); libyaml's may (`\L` is three), and `append` grows the array then.
            log.text = [UInt8](repeating: 0, count: capacity)
            stack.reserveCapacity(16)
            keys.reserveCapacity(64)
        }

        /// The log, its text cut to the bytes written.
        mutating func finished() -> YAMLEventLog {
            log.text.removeLast(log.text.count - used)
            return log
        }

        /// An open collection: its node, whether a key is expected next, and where its keys begin in
        /// `keys` (mappings).
        private struct Frame {
            var node: Int32
            var isMapping: Bool
            var expectKey: Bool
            var keysStart: Int32
        }

        /// Where the next scalar's bytes begin in `log.text`: the reader appends them, then calls `scalar`.
        var textCount: Int { used }

        /// Appends scalar bytes: copied into the array's room, where `Array.append(contentsOf:)`
        /// cost a hundred instructions a call, most of a short key's reading.
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            let n = bytes.count
            guard n > 0, let from = bytes.baseAddress else { return }
            makeRoom(n)
            let at = used
            log.text.withUnsafeMutableBufferPointer { all in
                let to = all.baseAddress! + at
                if n <= 16 {
                    for k in 0..<n { to[k] = from[k] }
                } else {
                    to.update(from: from, count: n)
                }
            }
            used += n
        }

        mutating func append(_ byte: UInt8) {
            makeRoom(1)
            log.text[used] = byte
            used += 1
        }

        private mutating func makeRoom(_ n: Int) {
            if log.text.count - used < n { log.text.append(contentsOf: repeatElement(0, count: max(n, log.text.count))) }
        }

        /// A scalar whose value was appended from `start` on.
        mutating func scalar(from start: Int, style: YAMLNode.ScalarStyle) -> Bool {
            let count = used - start
            if count > limits.maxScalarLength || log.nodes.count >= limits.maxNodes { return false }
            if let top = stack.indices.last, stack[top].isMapping, stack[top].expectKey {
                guard acceptKey(start: start, count: count, style: style, from: Int(stack[top].keysStart)) else { return false }
            }
            let index = Int32(truncatingIfNeeded: log.nodes.count)
            log.nodes.append(Node(kind: .scalar, style: style, start: Int32(truncatingIfNeeded: start),
                                  count: Int32(truncatingIfNeeded: count), next: index + 1))
            attach()
            return true
        }

        mutating func open(mapping isMapping: Bool) -> Bool {
            if stack.count >= limits.maxDepth || log.nodes.count >= limits.maxNodes { return false }
            // A collection as a mapping key.
            if let top = stack.last, top.isMapping, top.expectKey { return false }
            let index = Int32(truncatingIfNeeded: log.nodes.count)
            log.nodes.append(Node(kind: isMapping ? .mapping : .sequence, style: .plain, start: 0, count: 0, next: 0))
            stack.append(Frame(node: index, isMapping: isMapping, expectKey: true, keysStart: Int32(truncatingIfNeeded: keys.count)))
            return true
        }

        mutating func close() -> Bool {
            guard let frame = stack.popLast() else { return false }
            if frame.isMapping {
                // A key without its value cannot happen in libyaml's events; refuse it anyway.
                if !frame.expectKey { return false }
                keys.removeSubrange(Int(frame.keysStart)...)
            }
            log.nodes[Int(frame.node)].next = Int32(truncatingIfNeeded: log.nodes.count)
            attach()
            return true
        }

        /// Whether the document's one root is complete.
        var isComplete: Bool { haveRoot && stack.isEmpty }

        /// Notes that a node was completed inside the innermost collection, or as the root.
        private mutating func attach() {
            guard let top = stack.indices.last else {
                haveRoot = true
                return
            }
            if stack[top].isMapping { stack[top].expectKey.toggle() }
        }

        /// A key is an ASCII scalar, not the merge key, not a repeat of one before it in its mapping.
        private mutating func acceptKey(start: Int, count: Int, style: YAMLNode.ScalarStyle, from: Int) -> Bool {
            if keys.count - from >= YAMLEventLog.maxKeysPerMapping { return false }
            let accepted = log.text.withUnsafeBufferPointer { all -> Bool in
                let key = UnsafeBufferPointer(rebasing: all[start..<start + count])
                for b in key where b >= 0x80 { return false }
                if style == .plain && count == 2 && key[0] == 0x3C && key[1] == 0x3C { return false }  // <<
                for (s, c) in keys[from...] where Int(c) == count {
                    if count == 0 || memcmp(all.baseAddress! + Int(s), all.baseAddress! + start, count) == 0 { return false }
                }
                return true
            }
            if accepted { keys.append((Int32(truncatingIfNeeded: start), Int32(truncatingIfNeeded: count))) }
            return accepted
        }

        /// libyaml's events for the document, recorded; false for anything the type's comment lists.
        mutating func runLibyaml(_ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return false }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, base, length)
            var documents = 0
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return false }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return isComplete

                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 { return false }

                case YAML_SCALAR_EVENT:
                    let s = event.data.scalar
                    if s.tag != nil || s.anchor != nil { return false }
                    if s.length > limits.maxScalarLength { return false }
                    let style: YAMLNode.ScalarStyle
                    switch s.style {
                    case YAML_PLAIN_SCALAR_STYLE: style = .plain
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                    case YAML_LITERAL_SCALAR_STYLE: style = .literal
                    case YAML_FOLDED_SCALAR_STYLE: style = .folded
                    default: return false
                    }
                    let start = textCount
                    if s.length > 0 {
                        guard let value = s.value else { return false }
                        append(UnsafeBufferPointer(start: value, count: s.length))
                    }
                    guard scalar(from: start, style: style) else { return false }

                case YAML_MAPPING_START_EVENT:
                    let m = event.data.mapping_start
                    if m.tag != nil || m.anchor != nil { return false }
                    guard open(mapping: true) else { return false }

                case YAML_SEQUENCE_START_EVENT:
                    let q = event.data.sequence_start
                    if q.tag != nil || q.anchor != nil { return false }
                    guard open(mapping: false) else { return false }

                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    guard close() else { return false }

                case YAML_ALIAS_EVENT:
                    return false

                default:
                    break  // stream start, document end
                }
            }
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
        // By length first: asked of every value a case gives, and most are not four bytes long.
        switch n.count {
        case 0: return true
        case 1: return text[Int(n.start)] == UInt8(ascii: "~")
        case 4: return equals(i, "null" as StaticString) || equals(i, "Null" as StaticString) || equals(i, "NULL" as StaticString)
        default: return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
