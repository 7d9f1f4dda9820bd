import ClauseDecisionLine
import Testing

/// Replay asks of every recorded line whether it carries a trace, and in which shape, by looking
/// for a key's bytes in it; the search must find exactly what a plain search finds.
@Suite struct LineSearchTests {
    @Test func findsWhatAPlainSearchFinds() {
        let lines = ["", "a", "aab", "aaab", "xaaab", "{\"a\":1,\"trace\":{}}", "审核：\"trace\"", "abcabd", "abcab"]
        for line in lines {
            #expect(JSONDecisionRenderer.contains(line, "aab") == line.contains("aab"), "\(line)")
            #expect(JSONDecisionRenderer.contains(line, "abd") == line.contains("abd"), "\(line)")
            #expect(JSONDecisionRenderer.contains(line, ",\"trace\":") == line.contains(",\"trace\":"), "\(line)")
            #expect(JSONDecisionRenderer.contains(line, "\"trace\"") == line.contains("\"trace\""), "\(line)")
            #expect(JSONDecisionRenderer.contains(line, "a") == line.contains("a"), "\(line)")
            #expect(JSONDecisionRenderer.contains(line, ""))
        }
        #expect(!JSONDecisionRenderer.contains("ab", "abc"))
    }

    @Test func aLeanLineAndATracedOneAreToldApart() {
        let lean = #"{"case":"X","outcome":"granted","reasons":[{"message":"\",\"trace\":"}]}"#
        let traced = #"{"case":"X","outcome":"granted","trace":{"trace_version":2,"rules":[]}}"#
        #expect(!JSONDecisionRenderer.hasTrace(lean))
        #expect(JSONDecisionRenderer.hasTrace(traced))
        #expect(JSONDecisionRenderer.traceVersion(of: traced) == 2)
        #expect(JSONDecisionRenderer.traceVersion(of: #"{"case":"X","trace":{"rules":[]}}"#) == 1)
    }
}
