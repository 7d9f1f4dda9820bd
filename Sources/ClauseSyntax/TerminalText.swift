/// Text from an input file (a case id, a fact, a file name from a store) made safe to print on
/// a terminal, the one boundary every text renderer and diagnostic goes through.
///
/// A case can hold ESC, CR or LF through a YAML or JSON escape; printed raw, they would move
/// the cursor, recolour the screen or forge a line of the justification. Each such character is
/// shown as a visible escape instead (`\u{1B}`), so the reader sees exactly what the file holds.
/// Chinese and every other printable character pass unchanged.
package enum TerminalText {
    /// `text` with every control character (C0, DEL, C1) and every bidirectional override
    /// written as `\u{HEX}`; `text` itself when it holds none (the common case costs one scan).
    package static func escape(_ text: String) -> String {
        guard hasControlCharacters(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            if needsEscape(s) {
                out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// Substring convenience for renderers that slice.
    package static func escape(_ text: Substring) -> String { escape(String(text)) }

    /// Whether `s` would act on the terminal (or reorder what follows it) rather than show.
    package static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true   // bidi embeddings, overrides, isolates
        default: return false
        }
    }

    /// Whether `text` holds a character `escape` would rewrite.
    /// Scans UTF-8 bytes, not scalars: the fast case reader asks it of every text fact.
    /// Takes String itself, not `some StringProtocol`: a generic across modules is not
    /// specialized, and walking its UTF-8 view through the protocol cost more than reading the YAML.
    package static func hasControlCharacters(_ text: String) -> Bool {
        text.withUTF8InPlace { hasControlCharacters(utf8: $0) }
    }

    private static func hasControlCharacters(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        var i = 0
        while i < utf8.count {
            // Eight bytes at a time while no sequence is open: bytes that cannot begin one of
            // these characters or be one pass in a word; the rest are looked at one by one.
            if i + 8 <= utf8.count && previous != 0xC2 && previous != 0xE2 && beforePrevious != 0xE2,
               !mayBeginControl(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                (beforePrevious, previous) = (base[i + 6], base[i + 7])
                i += 8
                continue
            }
            let b = base[i]
            if b < 0x20 || b == 0x7F { return true }
            if previous == 0xC2 && b >= 0x80 && b <= 0x9F { return true }  // C1: U+0080–U+009F
            if beforePrevious == 0xE2 && previous == 0x80 && b >= 0xAA && b <= 0xAE { return true }  // U+202A–U+202E
            if beforePrevious == 0xE2 && previous == 0x81 && b >= 0xA6 && b <= 0xA9 { return true }  // U+2066–U+2069
            beforePrevious = previous
            previous = b
            i += 1
        }
        return false
    }

    /// Whether eight bytes of UTF-8 hold a byte below 0x20, DEL, or the first byte of a C1
    /// control (C2) or of a bidirectional control (E2): the only bytes that begin one of the
    /// characters `escape` rewrites. Exact for "none" (no such byte is ever missed); a word that
    /// holds one is looked at byte by byte.
    package static func mayBeginControl(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ w: UInt64) -> Bool { (w &- ones) & ~w & highs != 0 }
        let below20 = (word &- ones &* 0x20) & ~word & highs != 0
        return below20 || hasZero(word ^ (ones &* 0x7F)) || hasZero(word ^ (ones &* 0xC2)) || hasZero(word ^ (ones &* 0xE2))
    }
}
