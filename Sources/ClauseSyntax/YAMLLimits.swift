/// Bounds on what the YAML reader accepts, so that a hostile or broken file (an alias bomb, a
/// 10 000-deep bracket nest, a gigabyte log pasted by mistake) fails fast with a located error
/// instead of exhausting memory or the stack.
public struct YAMLLimits: Sendable {
    /// Largest file `YAMLReader.read(path:)` will read; checked before reading.
    package var maxBytes: Int
    /// Deepest nesting of mappings and sequences.
    package var maxDepth: Int
    /// Most nodes in one document, counted after alias expansion (the alias-bomb guard).
    package var maxNodes: Int
    /// Longest scalar, in characters (Unicode scalars).
    package var maxScalarLength: Int

    public static let `default` = YAMLLimits()

    package init(
        maxBytes: Int = 4 * 1024 * 1024, maxDepth: Int = 64, maxNodes: Int = 1_000_000,
        maxScalarLength: Int = 1 << 20
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxScalarLength = maxScalarLength
    }
}
