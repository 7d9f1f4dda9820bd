@testable import ClauseLanguage
import Foundation
import Testing

/// Keys and credit codes already in their one spelling are recognised from their bytes, without
/// Foundation's NFKC; what they read as must be exactly what the Unicode path gives.
@Suite struct KeyTextFastPathTests {
    /// NFKC, white space trimmed and collapsed: the spelling a key is read in, computed the long way.
    static func reference(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static let samples = [
        "", "a", "ABC-123", "沈阳嘉禾减速机有限公司", "沈阳 嘉禾", "Shenyang Jiahe Co., Ltd.", "一", "鿿", "丁丂",
        // Not in their one spelling, or not decided by bytes: the Unicode path reads them.
        " 沈阳", "沈阳 ", "沈阳  嘉禾", "沈阳\t嘉禾", "ＡＢＣ１２３", "沈阳（嘉禾）", "㐀", "\u{F900}", "ﬁ", "e\u{301}", "Å", "①",
        "沈阳\u{3000}嘉禾", "\u{2F00}", "ｶ", "a\u{A0}b", "x\u{2028}y",
    ]

    @Test(arguments: samples) func fastPathAgreesWithNFKC(_ text: String) {
        if KeyText.isCanonical(text) { #expect(Self.reference(text) == text, "taken as canonical: \(text.debugDescription)") }
        #expect(KeyText.normalised(text) == .success(Self.reference(text)))
    }

    @Test func whatTheFastPathTakes() {
        #expect(KeyText.isCanonical("沈阳嘉禾减速机有限公司"))
        #expect(KeyText.isCanonical("91210123KGWL053K80"))
        #expect(KeyText.isCanonical("Jiahe Co. Ltd"))
        for text in [" a", "a ", "a  b", "ＡＢ", "沈阳（嘉禾）", "\u{F900}", "a\tb", "\u{7F}"] { #expect(!KeyText.isCanonical(text), "\(text.debugDescription)") }
    }

    /// A code checked from its bytes is one the character-by-character reading accepts as it is;
    /// anything else goes the long way and keeps its words.
    @Test func creditCodesFromBytes() {
        let valid = "91210123KGWL053K80"
        #expect(CreditCode.checks(valid))
        #expect(CreditCode.read(valid) == .success(valid))
        for text in ["91210123KGWL053K81", "91210123kgwl053k80", "91210123KGWL053K8", "91210123KGWL053K800", "91210123KGWL053KO0",
                     "９1210123KGWL053K80", " 91210123KGWL053K80"] {
            #expect(!CreditCode.checks(text), "\(text.debugDescription)")
        }
        #expect(CreditCode.read("91210123kgwl053k80") == .success(valid))
        #expect(CreditCode.read("91210123KGWL053K81")
                == .failure("the 18th character does not check against the first 17: a character is mistyped"))
        // Over many codes, the bytes check exactly when the check character is the one computed.
        for k in 0..<200 {
            let first = String((0..<17).map { CreditCode.alphabet[($0 * 7 + k * 13) % CreditCode.alphabet.count] })
            for last in CreditCode.alphabet {
                let code = first + String(last)
                #expect(CreditCode.checks(code) == (CreditCode.checkCharacter(first) == last))
            }
        }
    }
}
