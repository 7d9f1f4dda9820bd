import ClauseSyntax
import Testing

/// `hasControlCharacters` reads eight bytes at a time where it can: it must say what the
/// character-by-character definition (`needsEscape`) says, wherever in a word a control falls.
@Suite struct TerminalTextTests {
    /// Pieces of text: plain and Chinese, punctuation led by E2 that is not a control (“”—),
    /// and every kind of character that is one.
    static let pieces = ["a", "Z9", " ", "沈阳", "数字化转型", "“", "”", "—", "\u{2028}", "¥", "\u{A0}", "é", "😀",
                         "\u{0}", "\u{1B}", "\t", "\n", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{202A}", "\u{202E}",
                         "\u{2066}", "\u{2069}", "\u{2029}", "\u{202F}"]

    @Test func wordsAtATimeAgreeWithTheCharacters() {
        var rng = SplitMix(seed: 39)
        var withControl = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 24) { text += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            let expected = text.unicodeScalars.contains(where: TerminalText.needsEscape)
            #expect(TerminalText.hasControlCharacters(text) == expected, "\(text.unicodeScalars.map(\.value))")
            if expected { withControl += 1 }
        }
        #expect(withControl > 5_000 && withControl < 19_000)
    }

    @Test func aWordOfEachByteValueIsLookedAtWhenItMustBe() {
        // A byte that can begin a control makes the word be read byte by byte, wherever it is.
        for b in [UInt8(0x00), 0x1F, 0x7F, 0xC2, 0xE2] {
            for at in 0..<8 {
                var bytes = [UInt8](repeating: 0x41, count: 8)
                bytes[at] = b
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(TerminalText.mayBeginControl(word), "\(b) at \(at)")
            }
        }
        // Chinese (E4–E9 and continuation bytes) and printable ASCII pass a word at once.
        for text in ["沈阳数字化", "ABCDEFGH"] {
            let word = Array(text.utf8.prefix(8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(!TerminalText.mayBeginControl(word), "\(text)")
        }
    }

    /// The UTF-8 read in place is the text's, for an empty text, a short one held inline, a long
    /// one, Chinese, and a text cut from another.
    @Test func aTextsUTF8ReadInPlaceIsItsUTF8() {
        let long = String(repeating: "沈阳市中小企业数字化转型 ", count: 40)
        let texts = ["", "SY-1", "a\u{1B}[31m", long, String(long.dropFirst(3).prefix(50))]
        for t in texts {
            #expect(t.withUTF8InPlace { Array($0) } == Array(t.utf8), "\(t.prefix(12))")
        }
        #expect(TerminalText.hasControlCharacters("a\u{1B}[31m") && !TerminalText.hasControlCharacters(long))
    }
}

