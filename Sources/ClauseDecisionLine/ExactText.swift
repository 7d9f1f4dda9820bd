import ClauseSyntax
#if canImport(Glibc)
import Glibc
#endif

/// A text used as a dictionary key by its exact UTF-8 bytes, for the trace writer's tables.
///
/// Two reasons not to key by `String` itself. A trace's tables become JSON objects, whose keys
/// differ when their bytes do, while `String` equality merges canonically equivalent texts (a
/// composed and a decomposed é). And `String` hashes every byte, after checking that non-ASCII text
/// is normalised: the writer looks up long expression texts at every root and name, and that
/// hashing was an eighth of writing a trace. This key hashes the length and at most three eight-byte
/// words, so a lookup costs the same for any text; equal keys are compared byte for byte.
struct ExactText: Hashable {
    let text: String
    /// The length mixed with a few words of the text: this key's hash, used as it is by `ExactTextTable`.
    let sample: Int

    init(_ text: String) {
        self.text = text
        sample = text.withUTF8InPlace { Self.sample($0) }
    }

    static func == (a: ExactText, b: ExactText) -> Bool {
        guard a.sample == b.sample else { return false }
        return a.text.withUTF8InPlace { p in
            b.text.withUTF8InPlace { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) }
        }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(sample) }

    /// The length mixed with the first, middle and last eight bytes (fewer for a short text).
    private static func sample(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        let n = utf8.count
        guard let base = UnsafeRawPointer(utf8.baseAddress), n > 0 else { return 0 }
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            func mix(_ offset: Int) { h = (h ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD }
            mix(0)
            mix((n - 8) / 2)
            mix(n - 8)
        } else {
            for i in 0..<n { h = (h ^ UInt64(utf8[i])) &* 0xFF51_AFD7_ED55_8CCD }
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
