/// The syntax tree built from libyaml's events: every node keeps its source range and, for
/// scalars, the raw text and style, so the loader types scalars by schema (YAML 1.2 and 1.1
/// guessing never happens here).
public indirect enum YAMLNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    package enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public struct Scalar: Sendable {
        /// The scalar's value after YAML's own unescaping and folding.
        package var text: String
        package var style: ScalarStyle
        package var range: SourceRange
        package init(text: String, style: ScalarStyle, range: SourceRange) {
            self.text = text
            self.style = style
            self.range = range
        }

        /// A plain scalar that YAML 1.2 reads as null: `null`, `Null`, `NULL`, `~` or nothing.
        package var isNull: Bool {
            style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
        }
    }

    public struct Mapping: Sendable {
        /// Entries in document order; duplicate keys were already reported by the reader.
        package var entries: [(key: Scalar, value: YAMLNode)]
        package var range: SourceRange
        package init(entries: [(key: Scalar, value: YAMLNode)], range: SourceRange) {
            self.entries = entries
            self.range = range
        }

        public subscript(key: String) -> YAMLNode? {
            entries.first { $0.key.text == key }?.value
        }
    }

    public struct Sequence: Sendable {
        package var items: [YAMLNode]
        package var range: SourceRange
        package init(items: [YAMLNode], range: SourceRange) {
            self.items = items
            self.range = range
        }
    }

    package var range: SourceRange {
        switch self {
        case .scalar(let s): s.range
        case .mapping(let m): m.range
        case .sequence(let s): s.range
        }
    }

    /// A word for the kind of node, for messages such as "expected a mapping, found a sequence".
    package var kindDescription: String {
        switch self {
        case .scalar(let s): s.isNull ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        }
    }
}
