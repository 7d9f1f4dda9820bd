import ClauseSyntax
#if canImport(Glibc)
import Glibc
#endif
/// A minimal JSON writer that keeps keys in the order they are written, so the same decision
/// always gives the same bytes (Foundation's serializer does not promise an order).
///
/// Strings are escaped as RFC 8259 requires: `"`, `\` and control characters below U+0020 (as
/// `\u00XX`, newlines and tabs included); everything else, Chinese included, stays UTF-8.
///
/// The bytes live in a buffer the writer alone owns: it cannot be copied, so no write asks whether
/// the buffer is shared before it appends. A traced line is a few hundred thousand small writes,
/// and an array's uniqueness and capacity checks on each were a third of writing it.
package struct JSONWriter: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// For each container open, innermost last: whether its next member needs a comma before it.
    private var needsComma: UnsafeMutablePointer<Bool>
    private var depth = 0
    private var depthCapacity = 16
    /// A key was just written: its value needs no comma.
    private var pendingValue = false

    package init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        needsComma = .allocate(capacity: depthCapacity)
    }

    deinit {
        base.deallocate()
        needsComma.deallocate()
    }

    /// The text written so far.
    package var output: String { String(decoding: written, as: UTF8.self) }
    /// The bytes written, for a caller that sends them on as bytes: making a String of them would
    /// validate every byte again (a twentieth of a traced batch).
    package var utf8: [UInt8] { Array(written) }
    private var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
    package var byteCount: Int { count }

    // MARK: - The buffer

    @inline(__always) private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private mutating func grow(to needed: Int) {
        let larger = Swift.max(capacity * 2, needed)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = larger
    }

    @inline(__always) private mutating func put(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    private mutating func put(_ literal: StaticString) {
        literal.withUTF8Buffer { put($0) }
    }

    // MARK: - Containers

    package mutating func beginObject() { separate(); put(UInt8(ascii: "{")); open() }
    package mutating func endObject() { depth -= 1; put(UInt8(ascii: "}")) }
    package mutating func beginArray() { separate(); put(UInt8(ascii: "[")); open() }
    package mutating func endArray() { depth -= 1; put(UInt8(ascii: "]")) }

    private mutating func open() {
        if depth == depthCapacity {
            let fresh = UnsafeMutablePointer<Bool>.allocate(capacity: depthCapacity * 2)
            fresh.update(from: needsComma, count: depth)
            needsComma.deallocate()
            needsComma = fresh
            depthCapacity *= 2
        }
        needsComma[depth] = false
        depth += 1
    }

    /// Puts a comma before every member of a container but the first.
    @inline(__always) private mutating func separate() {
        if pendingValue { pendingValue = false; return }
        guard depth > 0 else { return }
        if needsComma[depth - 1] { put(UInt8(ascii: ",")) } else { needsComma[depth - 1] = true }
    }

    // MARK: - Keys and values

    /// Writes `"key":` for a key written in the code; the value written next belongs to it. Such a
    /// key is plain ASCII, copied as it is: a trace writes hundreds of keys a case, and escaping
    /// each as text was a tenth of writing it.
    ///
    /// Written with one check for room and one copy, the comma included: the key's bytes lie in
    /// the program, and a trace writes over a thousand keys a case.
    package mutating func key(_ k: StaticString) {
        let n = k.utf8CodeUnitCount
        assert(!JSONWriter.needsEscaping(UnsafeBufferPointer(start: k.utf8Start, count: n)), "a key in the code needs no escaping")
        reserve(n + 4)
        var at = base + count
        if pendingValue {
            pendingValue = false
        } else if depth > 0 {
            if needsComma[depth - 1] { at.pointee = UInt8(ascii: ","); at += 1 } else { needsComma[depth - 1] = true }
        }
        at[0] = UInt8(ascii: "\"")
        (at + 1).update(from: k.utf8Start, count: n)
        at[n + 1] = UInt8(ascii: "\"")
        at[n + 2] = UInt8(ascii: ":")
        count = at - base + n + 3
        pendingValue = true
    }

    /// Writes `"key":` for a key that comes from data (a fact path, a field, an enum case), escaped.
    package mutating func key(name k: String) {
        separate()
        quote(k)
        put(UInt8(ascii: ":"))
        pendingValue = true
    }

    package mutating func string(_ s: String) { separate(); quote(s) }
    package mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
    package mutating func int(_ n: Int64) {
        separate()
        reserve(JSONWriter.decimalWidth)
        count += JSONWriter.writeDecimal(n, at: base + count)
    }
    package mutating func int(_ n: Int) { int(Int64(n)) }
    package mutating func bool(_ b: Bool) { separate(); put(b ? "true" : "false") }
    /// A newline after the value written: the end of a line of JSON Lines.
    package mutating func endLine() { put(UInt8(ascii: "\n")) }
    package mutating func null() { separate(); put("null") }

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
        return count
    }

    /// Whether two stretches already written hold the same bytes.
    package func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
    }

    /// Removes the value begun at `start` (by `beginValue`); the next value takes its place.
    package mutating func takeBack(to start: Int) {
        count = start
        pendingValue = true
    }

    /// Appends the members of the object another writer began (and left open) to the object
    /// being written here, as if written here.
    package mutating func members(of open: borrowing JSONWriter) {
        guard open.count > 1 else { return }
        separate()
        put(UnsafeBufferPointer(rebasing: open.written[1...]))
    }

    /// Appends JSON another writer made (a whole value) as the next value.
    package mutating func raw(_ other: borrowing JSONWriter) { separate(); put(other.written) }

    // MARK: - Text

    /// Writes `s` as a quoted JSON string.
    private mutating func quote(_ s: String) {
        s.withUTF8InPlace { utf8 in
            // Most strings need no escaping: copied whole between their quotes, after one check for room.
            guard JSONWriter.needsEscaping(utf8) else {
                reserve(utf8.count + 2)
                let at = base + count
                at[0] = UInt8(ascii: "\"")
                if let from = utf8.baseAddress { (at + 1).update(from: from, count: utf8.count) }
                at[utf8.count + 1] = UInt8(ascii: "\"")
                count += utf8.count + 2
                return
            }
            put(UInt8(ascii: "\""))
            for b in utf8 { escaped(b) }
            put(UInt8(ascii: "\""))
        }
    }

    private mutating func escaped(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""): put("\\\"")
        case UInt8(ascii: "\\"): put("\\\\")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            put("\\u00")
            put(hex.utf8Start[Int(b >> 4)])
            put(hex.utf8Start[Int(b & 0xF)])
        default: put(b)
        }
    }

    /// Appends `s` as a quoted JSON string to bytes kept elsewhere.
    package static func appendString(_ s: String, to out: inout [UInt8]) {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.quote(s)
        out.append(contentsOf: w.written)
    }

    package static func quoted(_ s: String) -> String {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.quote(s)
        return w.output
    }

    /// Whether `utf8` holds a byte JSON must escape (`"`, `\\`, below U+0020), eight bytes at a
    /// time: every string of a trace passes here, and a byte-by-byte test was a twentieth of it.
    static func needsEscaping(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(utf8.baseAddress) else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// A byte of `w` below `n` (n ≤ 128), exactly as "Bit Twiddling Hacks" (hasless) gives it.
        func hasLess(_ w: UInt64, _ n: UInt64) -> Bool { (w &- ones &* n) & ~w & highs != 0 }
        func special(_ w: UInt64) -> Bool { hasLess(w, 0x20) || hasLess(w ^ (ones &* 0x22), 1) || hasLess(w ^ (ones &* 0x5C), 1) }
        let n = utf8.count
        var i = 0
        while i + 8 <= n {
            if special(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return true }
            i += 8
        }
        guard i < n else { return false }
        // The last few bytes: the final eight again when the text has eight (they overlap bytes
        // already tested, which passed), else the bytes padded with a letter that needs nothing.
        if n >= 8 { return special(base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) }
        var tail = ones &* UInt64(UInt8(ascii: "a"))
        withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: base, byteCount: n) }
        return special(tail)
    }

    /// Whether `s` is all ASCII, eight bytes at a time.
    package static func isASCII(_ s: String) -> Bool {
        s.withUTF8InPlace { utf8 in
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

    /// The most bytes `writeDecimal` writes: a sign and 19 digits.
    static let decimalWidth = 20

    /// Writes `n` in decimal at `out` (room for `decimalWidth` bytes), without making a String of
    /// it, and returns how many bytes it wrote.
    static func writeDecimal(_ n: Int64, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var at = 0
        if n < 0 { out[0] = UInt8(ascii: "-"); at = 1 }
        var m = n.magnitude
        var digits = 0
        var t = m
        repeat { digits += 1; t /= 10 } while t > 0
        var i = at + digits
        repeat {
            i -= 1
            out[i] = UInt8(ascii: "0") + UInt8(m % 10)
            m /= 10
        } while m > 0
        return at + digits
    }

    /// Appends `n` in decimal to bytes kept elsewhere.
    static func appendDecimal(_ n: Int64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: decimalWidth) { scratch in
            let written = writeDecimal(n, at: scratch.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<written]))
        }
    }
}
