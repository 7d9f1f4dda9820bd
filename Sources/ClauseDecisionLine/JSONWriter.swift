#if canImport(Glibc)
import Glibc
#endif
/// A minimal JSON writer that keeps keys in the order they are written, so the same decision
/// always gives the same bytes (Foundation's serializer does not promise an order).
///
/// Strings are escaped as RFC 8259 requires: `"`, `\` and control characters below U+0020 (as
/// `\u00XX`, newlines and tabs included); everything else, Chinese included, stays UTF-8.
package struct JSONWriter: Sendable {
    /// UTF-8 bytes written so far: appending bytes is several times cheaper than growing a String
    /// scalar by scalar, and a decision's trace is thousands of small strings.
    private var bytes: [UInt8] = []
    package var output: String { String(decoding: bytes, as: UTF8.self) }
    /// The bytes written, for a caller that sends them on as bytes: making a String of them would
    /// validate every byte again (a twentieth of a traced batch).
    package var utf8: [UInt8] { bytes }
    /// Whether the container being written needs a comma before its next member.
    private var needsComma: [Bool] = []

    package init() {}

    package init(capacity: Int) { bytes.reserveCapacity(capacity) }

    package mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    package mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    package mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    package mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":` for a key written in the code; the value written next belongs to it. Such a
    /// key is plain ASCII, copied as it is: a trace writes hundreds of keys a case, and escaping
    /// each as text was a tenth of writing it.
    package mutating func key(_ k: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { utf8 in
            assert(!JSONWriter.needsEscaping(utf8), "a key in the code needs no escaping")
            bytes.append(contentsOf: utf8)
        }
        // Two appends: an array literal here was an allocation per key.
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValue = true
    }

    /// Writes `"key":` for a key that comes from data (a fact path, a field, an enum case), escaped.
    package mutating func key(name k: String) {
        separate()
        JSONWriter.appendString(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        pendingValue = true
    }

    package mutating func string(_ s: String) { separate(); JSONWriter.appendString(s, to: &bytes) }
    package mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
    package mutating func int(_ n: Int64) { separate(); JSONWriter.appendDecimal(n, to: &bytes) }
    package mutating func int(_ n: Int) { int(Int64(n)) }
    package mutating func bool(_ b: Bool) { separate(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    package mutating func null() { separate(); bytes.append(contentsOf: "null".utf8) }

    package mutating func field(_ k: StaticString, _ s: String) { key(k); string(s) }
    package mutating func field(_ k: StaticString, _ s: String?) { key(k); string(s) }
    package mutating func field(_ k: StaticString, _ b: Bool) { key(k); bool(b) }
    package mutating func field(_ k: StaticString, _ n: Int) { key(k); int(n) }
    package mutating func field(_ k: StaticString, strings: [String]) { key(k); self.strings(strings) }
    /// The same, for a key that comes from data.
    package mutating func field(name k: String, _ s: String?) { key(name: k); string(s) }
    package mutating func field(name k: String, _ n: Int) { key(name: k); int(n) }
    package mutating func field(name k: String, strings: [String]) { key(name: k); self.strings(strings) }

    private mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    /// Writes the comma the next value needs and returns where that value will start: with the
    /// offset after it, the value can be compared with one written earlier (`sameBytes`) and taken
    /// back (`takeBack`).
    package mutating func beginValue() -> Int {
        separate()
        pendingValue = true
        return bytes.count
    }

    package var byteCount: Int { bytes.count }

    /// Whether two stretches already written hold the same bytes.
    package func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        return bytes.withUnsafeBufferPointer { p in
            memcmp(p.baseAddress! + a.lowerBound, p.baseAddress! + b.lowerBound, a.count) == 0
        }
    }

    /// Removes the value begun at `start` (by `beginValue`); the next value takes its place.
    package mutating func takeBack(to start: Int) {
        bytes.removeSubrange(start...)
        pendingValue = true
    }

    /// Appends the members of the object another writer began (and left open) to the object
    /// being written here, as if written here.
    package mutating func members(of open: JSONWriter) {
        guard open.bytes.count > 1 else { return }
        separate()
        bytes.append(contentsOf: open.bytes[1...])
    }

    /// Appends JSON another writer made (a whole value) as the next value.
    package mutating func raw(_ other: JSONWriter) { separate(); bytes.append(contentsOf: other.bytes) }

    private var pendingValue = false

    /// Puts a comma before every member of a container but the first.
    private mutating func separate() {
        if pendingValue { pendingValue = false; return }
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) } else { needsComma[needsComma.count - 1] = true }
    }

    /// Appends `s` as a quoted JSON string.
    package static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings need no escaping: copy them whole.
            guard needsEscaping(utf8) else {
                out.append(contentsOf: utf8)
                return
            }
            for b in utf8 {
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `utf8` holds a byte JSON must escape (`"`, `\\`, below U+0020), eight bytes at a
    /// time: every string of a trace passes here, and a byte-by-byte test was a twentieth of it.
    static func needsEscaping(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(utf8.baseAddress) else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// A byte of `w` below `n` (n ≤ 128), exactly as "Bit Twiddling Hacks" (hasless) gives it.
        func hasLess(_ w: UInt64, _ n: UInt64) -> Bool { (w &- ones &* n) & ~w & highs != 0 }
        var i = 0
        while i + 8 <= utf8.count {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if hasLess(w, 0x20) || hasLess(w ^ (ones &* 0x22), 1) || hasLess(w ^ (ones &* 0x5C), 1) { return true }
            i += 8
        }
        while i < utf8.count {
            let b = utf8[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return true }
            i += 1
        }
        return false
    }

    /// Whether `s` is all ASCII, eight bytes at a time.
    package static func isASCII(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { utf8 in
            guard let base = UnsafeRawPointer(utf8.baseAddress) else { return true }
            var i = 0
            while i + 8 <= utf8.count {
                if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < utf8.count {
                if utf8[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }
    }

    /// Appends `n` in decimal, without making a String of it.
    static func appendDecimal(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 digits at most, as scratch space
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                count += 1
            } while m > 0
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }

    package static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
