import ClauseSyntax
import Foundation

/// What a text fact is, beyond text: a shape its values must have and one canonical spelling.
package enum TextFormat: String, Sendable, CaseIterable {
    /// A 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
    case creditCode = "credit_code"
}

/// Text that the fund's record matches on (an enterprise, a platform, a selected subject), read
/// in one spelling, so that one enterprise written two ways is still one enterprise: Unicode
/// NFKC (full-width letters and digits become ASCII), white space trimmed and collapsed.
///
/// Format characters (zero-width spaces, direction marks, the BOM) are refused rather than
/// dropped: a key that differs from another only by an invisible character is either a mistake
/// or an attempt to be counted twice, and the person typing it should see which.
package enum KeyText {
    /// The canonical spelling of `text`, or why it cannot be a key.
    package static func normalised(_ text: String) -> Result<String, String> {
        if isCanonical(text) { return .success(text) }
        for (i, u) in text.unicodeScalars.enumerated() where u.properties.generalCategory == .format {
            let hex = String(u.value, radix: 16, uppercase: true)
            return .failure("has an invisible format character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex) at character \(i + 1): retype it without it")
        }
        let folded = text.precomposedStringWithCompatibilityMapping
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for ch in folded {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(ch)
        }
        return .success(out)
    }

    /// Whether `text` is already in its one spelling, decided from its bytes: printable ASCII and
    /// CJK unified ideographs (which NFKC leaves as they are, alone or together), single spaces
    /// only between other characters. Nearly every key a case gives is; Foundation's NFKC over
    /// each one was a tenth of reading a case.
    static func isCanonical(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        var previousWasSpace = true  // a leading space is not canonical
        var any = false
        while let b = utf8.next() {
            any = true
            if b == 0x20 {
                if previousWasSpace { return false }
                previousWasSpace = true
                continue
            }
            previousWasSpace = false
            if b > 0x20 && b < 0x7F { continue }
            // Three bytes 1110xxxx 10xxxxxx 10xxxxxx: U+4E00...U+9FFF is E4 B8 80 ... E9 BF BF.
            guard b >= 0xE4 && b <= 0xE9, let b1 = utf8.next(), let b2 = utf8.next(),
                  b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return false }
            if b == 0xE4 && b1 < 0xB8 { return false }
        }
        return !any || !previousWasSpace
    }
}

/// The unified social credit code (统一社会信用代码, GB 32100-2015): 17 characters and a check
/// character computed from them, over an alphabet of 31 (no I, O, S, V or Z).
package enum CreditCode {
    package static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    private static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    /// The code in its canonical form (upper case, ASCII), or why it is not a credit code.
    /// Lower-case and full-width spellings are read as the code they spell.
    package static func read(_ text: String) -> Result<String, String> {
        if checks(text) { return .success(text) }
        let code: String
        switch KeyText.normalised(text) {
        case .failure(let why): return .failure(why)
        case .success(let t): code = t.uppercased()
        }
        let chars = Array(code)
        guard chars.count == 18 else {
            return .failure("a credit code has 18 characters, found \(chars.count)")
        }
        var sum = 0
        for (i, ch) in chars.enumerated() {
            guard let v = values[ch] else {
                let shown = TerminalText.escape(String(ch))
                return .failure("'\(shown)' (character \(i + 1)) is not used in a credit code: it is written with 0-9 and the letters A-Z without I, O, S, V and Z")
            }
            if i < 17 { sum += v * weights[i] }
        }
        let check = (31 - sum % 31) % 31
        guard values[chars[17]] == check else {
            return .failure("the 18th character does not check against the first 17: a character is mistyped")
        }
        return .success(code)
    }

    /// Whether `text` is a credit code already in its canonical form (18 characters of the
    /// alphabet, upper case) whose check character checks: read from its bytes, no Unicode work.
    static func checks(_ text: String) -> Bool {
        guard text.utf8.count == 18 else { return false }
        var sum = 0, k = 0, last = -1
        for b in text.utf8 {
            let v = Int(byteValues[Int(b)])
            if v < 0 { return false }
            if k < 17 { sum += v * weights[k] } else { last = v }
            k += 1
        }
        return last == (31 - sum % 31) % 31
    }

    /// The value of each byte that is a character of the alphabet, -1 for every other byte.
    private static let byteValues: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (v, ch) in alphabet.enumerated() { table[Int(ch.asciiValue!)] = Int8(v) }
        return table
    }()

    /// The check character of 17 characters of the alphabet (for tests and generated cases).
    package static func checkCharacter(_ first17: String) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, ch) in chars.enumerated() {
            guard let v = values[ch] else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }
}
