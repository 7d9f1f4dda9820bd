import ClauseSyntax
import Testing

@Suite struct InMemoryLimitTests {
    /// A case that never was a file (a JSON Lines line) meets the same size limit as a file.
    @Test func textOverTheLimitIsRefusedAtItsLine() {
        var bag = DiagnosticBag()
        let limits = YAMLLimits(maxBytes: 64, maxDepth: 64, maxNodes: 1_000_000, maxScalarLength: 1 << 20)
        let file = SourceFile(path: "cases.jsonl", text: "{\"case\": \"" + String(repeating: "x", count: 100) + "\"}", lineOffset: 41)
        #expect(YAMLReader.read(file, limits: limits, into: &bag) == nil)
        #expect(bag.diagnostics.map(\.message) == ["text is 112 bytes, larger than the 64 bytes limit"])
        #expect(DiagnosticRenderer().render(bag.diagnostics).hasPrefix("cases.jsonl:42:1: error: text is 112 bytes"))
    }
}
