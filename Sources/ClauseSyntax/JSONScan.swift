/// A JSON object read straight into an event log, as libyaml would read the same text.
///
/// Nearly every case file is JSON, and every JSON Lines line is: libyaml reads JSON as a YAML flow
/// mapping at about 130 instructions a byte, as much as everything else a decision costs. This scan
/// reads the JSON it is sure of in a few instructions a byte and gives up (false) on everything
/// else, which then goes to libyaml as before: so it never needs to report an error, and its whole
/// duty is that a log it does give is the one libyaml's events give (a test and the fuzzer hold it
/// to that on every text they make).
///
/// What it gives up on, beyond text that is not one JSON object: the escape `\/` and escapes of
/// surrogates (libyaml refuses those); a character libyaml refuses or reads as a line break (C0 and
/// C1 controls, DEL, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF), raw or escaped; malformed UTF-8;
/// a tab outside a string; a key that spans a line break or 1,000 bytes before its colon (libyaml
/// forgets a possible key after 1,024 characters or a line); anything after the object but spaces
/// and line breaks.
struct JSONScan {
    private let p: UnsafePointer<UInt8>
    private let end: Int
    private var i = 0

    init(_ base: UnsafePointer<UInt8>, _ count: Int) {
        p = base
        end = count
    }

    /// Whether the text, after spaces and line breaks, opens an object (and the scan is there).
    mutating func startsObject() -> Bool {
        skipSpace()
        return i < end && p[i] == UInt8(ascii: "{")
    }

    /// The whole text as one JSON object, recorded into `log`.
    mutating func document(into log: inout YAMLEventLog.Builder) -> Bool {
        guard startsObject(), value(into: &log) else { return false }
        skipSpace()
        return i == end && log.isComplete
    }

    private mutating func skipSpace() {
        while i < end {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D else { return }
            i += 1
        }
    }

    /// One value; nesting is bounded by the log's depth limit, which `open` checks.
    private mutating func value(into log: inout YAMLEventLog.Builder) -> Bool {
        guard i < end else { return false }
        switch p[i] {
        case UInt8(ascii: "{"): return object(into: &log)
        case UInt8(ascii: "["): return array(into: &log)
        case UInt8(ascii: "\""): return string(into: &log)
        case UInt8(ascii: "t"): return word("true", into: &log)
        case UInt8(ascii: "f"): return word("false", into: &log)
        case UInt8(ascii: "n"): return word("null", into: &log)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number(into: &log)
        default: return false
        }
    }

    private mutating func object(into log: inout YAMLEventLog.Builder) -> Bool {
        guard let empty = begin(mapping: true, into: &log) else { return false }
        if empty { return log.close() }
        while true {
            let keyStart = i
            guard i < end, p[i] == UInt8(ascii: "\""), string(into: &log) else { return false }
            // libyaml must still hold the key as possible when it meets the colon: on one line,
            // within 1,024 characters.
            while i < end, p[i] == 0x20 { i += 1 }
            guard i < end, p[i] == UInt8(ascii: ":"), i - keyStart < 1_000 else { return false }
            i += 1
            skipSpace()
            guard value(into: &log), let more = next(closing: UInt8(ascii: "}")) else { return false }
            if !more { return log.close() }
        }
    }

    private mutating func array(into log: inout YAMLEventLog.Builder) -> Bool {
        guard let empty = begin(mapping: false, into: &log) else { return false }
        if empty { return log.close() }
        while true {
            guard value(into: &log), let more = next(closing: UInt8(ascii: "]")) else { return false }
            if !more { return log.close() }
        }
    }

    /// Opens the collection whose bracket is at `i`: whether it is empty (its closing bracket read),
    /// or nil when the log refuses it.
    private mutating func begin(mapping: Bool, into log: inout YAMLEventLog.Builder) -> Bool? {
        guard log.open(mapping: mapping) else { return nil }
        i += 1
        skipSpace()
        guard i < end, p[i] == (mapping ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
        i += 1
        return true
    }

    /// After a member: true at a comma (another follows), false at `close` (read), nil otherwise.
    private mutating func next(closing close: UInt8) -> Bool? {
        skipSpace()
        guard i < end else { return nil }
        if p[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
            return true
        }
        guard p[i] == close else { return nil }
        i += 1
        return false
    }

    /// `true`, `false` or `null`: a plain scalar of that text.
    private mutating func word(_ w: StaticString, into log: inout YAMLEventLog.Builder) -> Bool {
        let n = w.utf8CodeUnitCount
        guard end - i >= n, memcmp(p + i, w.utf8Start, n) == 0 else { return false }
        return plain(from: i, to: i + n, into: &log)
    }

    /// A number as JSON writes it: a plain scalar of its text, which the case reader types.
    private mutating func number(into log: inout YAMLEventLog.Builder) -> Bool {
        let start = i
        var k = i
        if p[k] == UInt8(ascii: "-") { k += 1 }
        func digits() -> Int {
            let from = k
            while k < end, p[k] >= UInt8(ascii: "0"), p[k] <= UInt8(ascii: "9") { k += 1 }
            return k - from
        }
        guard k < end else { return false }
        if p[k] == UInt8(ascii: "0") { k += 1 } else if digits() == 0 { return false }
        if k < end, p[k] == UInt8(ascii: ".") {
            k += 1
            guard digits() > 0 else { return false }
        }
        if k < end, p[k] == UInt8(ascii: "e") || p[k] == UInt8(ascii: "E") {
            k += 1
            if k < end, p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-") { k += 1 }
            guard digits() > 0 else { return false }
        }
        return plain(from: start, to: k, into: &log)
    }

    /// A plain scalar of the bytes `from..<to`, which must end where a flow scalar ends.
    private mutating func plain(from start: Int, to stop: Int, into log: inout YAMLEventLog.Builder) -> Bool {
        if stop < end {
            switch p[stop] {
            case 0x20, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): break
            default: return false
            }
        }
        let at = log.textCount
        log.append(UnsafeBufferPointer(start: p + start, count: stop - start))
        i = stop
        return log.scalar(from: at, style: .plain)
    }

    /// A string: a double-quoted scalar of its value, unescaped as libyaml unescapes it.
    private mutating func string(into log: inout YAMLEventLog.Builder) -> Bool {
        i += 1
        let at = log.textCount
        var run = i  // the start of the bytes not yet copied
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                log.append(UnsafeBufferPointer(start: p + run, count: i - run))
                i += 1
                return log.scalar(from: at, style: .doubleQuoted)
            }
            if b == UInt8(ascii: "\\") {
                log.append(UnsafeBufferPointer(start: p + run, count: i - run))
                guard escape(into: &log) else { return false }
                run = i
                continue
            }
            if b < 0x80 {
                guard b >= 0x20, b != 0x7F else { return false }
                i += 1
                continue
            }
            // A three-byte sequence led by E3–EC (U+3000–U+CFFF: Chinese, and nothing the scan
            // refuses) needs only its continuation bytes checked, not decoding.
            if b >= 0xE3 && b <= 0xEC && end - i >= 3 && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 {
                i += 3
                continue
            }
            guard let (scalar, length) = decode(at: i), allowed(scalar) else { return false }
            i += length
        }
        return false
    }

    /// One escape, `\` at `i`, appended as its character.
    private mutating func escape(into log: inout YAMLEventLog.Builder) -> Bool {
        guard i + 1 < end else { return false }
        let c = p[i + 1]
        i += 2
        switch c {
        case UInt8(ascii: "\""): log.append(0x22)
        case UInt8(ascii: "\\"): log.append(0x5C)
        case UInt8(ascii: "n"): log.append(0x0A)
        case UInt8(ascii: "r"): log.append(0x0D)
        case UInt8(ascii: "t"): log.append(0x09)
        case UInt8(ascii: "b"): log.append(0x08)
        case UInt8(ascii: "f"): log.append(0x0C)
        case UInt8(ascii: "u"):
            guard end - i >= 4 else { return false }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let h = p[i]
                let digit: UInt8
                switch h {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = h - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = h - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = h - UInt8(ascii: "A") + 10
                default: return false
                }
                v = v << 4 | UInt32(digit)
                i += 1
            }
            // What libyaml refuses or would fold as a line break, and the controls a case reader
            // refuses anyway, are left to libyaml and its located error.
            guard allowed(v), let scalar = Unicode.Scalar(v) else { return false }
            for unit in UTF8.encode(scalar)! { log.append(unit) }
        default:
            return false
        }
        return true
    }

    /// A character libyaml takes inside a double-quoted scalar as itself (not a control, not a
    /// line break, not one it refuses).
    private func allowed(_ v: UInt32) -> Bool {
        if v < 0xA0 { return v >= 0x20 && v < 0x7F }  // C1 controls and NEL (a YAML 1.1 line break)
        if v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF { return false }
        return !(0xD800...0xDFFF).contains(v) && v <= 0x10FFFF
    }

    /// The well-formed UTF-8 sequence at `k` (not ASCII) and its length, or nil.
    private func decode(at k: Int) -> (UInt32, Int)? {
        let b0 = UInt32(p[k])
        let length: Int, initial: UInt32, least: UInt32
        switch b0 {
        case 0xC2...0xDF: (length, initial, least) = (2, b0 & 0x1F, 0x80)
        case 0xE0...0xEF: (length, initial, least) = (3, b0 & 0x0F, 0x800)
        case 0xF0...0xF4: (length, initial, least) = (4, b0 & 0x07, 0x10000)
        default: return nil
        }
        guard end - k >= length else { return nil }
        var v = initial
        for j in 1..<length {
            let c = UInt32(p[k + j])
            guard c & 0xC0 == 0x80 else { return nil }
            v = v << 6 | (c & 0x3F)
        }
        guard v >= least, v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else { return nil }
        return (v, length)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
