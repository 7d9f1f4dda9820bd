@testable import ClauseDecisionLine
import Testing

/// The trace writer's table key: texts are one key exactly when their bytes are the same.
@Suite struct ExactTextTests {
    @Test func equalBytesAreOneKeyWhateverTheLength() {
        let texts = ["", "a", "申报日期", "applicant", "applicant.credit_code", String(repeating: "项目投资额×50%", count: 20)]
        for t in texts {
            // A copy made from other storage, so equality cannot lean on sharing one buffer.
            let copy = String(decoding: Array(t.utf8), as: UTF8.self)
            #expect(ExactText(t) == ExactText(copy), "\(t)")
            #expect(ExactText(t).hashValue == ExactText(copy).hashValue, "\(t)")
            #expect(Set([ExactText(t), ExactText(copy)]).count == 1, "\(t)")
        }
    }

    /// Texts differing only where the hash does not look (the middle of a long text, away from
    /// its three sampled words) are still two keys.
    @Test func differentBytesAreTwoKeys() {
        let long = String(repeating: "x", count: 101)
        var bytes = Array(long.utf8)
        bytes[20] = UInt8(ascii: "y")
        let other = String(decoding: bytes, as: UTF8.self)
        #expect(ExactText(long) != ExactText(other))
        #expect(Set([ExactText(long), ExactText(other), ExactText("ab"), ExactText("ba")]).count == 4)
    }

    /// A composed and a decomposed é are one `String` but two JSON keys: the writer's tables keep them apart.
    @Test func canonicallyEquivalentTextsAreTwoKeys() {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        #expect(ExactText(composed) != ExactText(decomposed))
        #expect([ExactText(composed): 1, ExactText(decomposed): 2].count == 2)
    }
}
