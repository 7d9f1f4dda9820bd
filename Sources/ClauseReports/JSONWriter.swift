/// A minimal JSON writer that keeps keys in the order they are written, so the same decision
/// always gives the same bytes (Foundation's serializer does not promise an order).
///
/// Strings are escaped as RFC 8259 requires: `"`, `\` and control characters below U+0020 (as
/// `\u00XX`, newlines and tabs included); everything else, Chinese included, stays UTF-8.
package struct JSONWriter: Sendable {
    package private(set) var output = ""
    /// Whether the container being written needs a comma before its next member.
    private var needsComma: [Bool] = []

    package init() {}

    package mutating func beginObject() { separate(); output += "{"; needsComma.append(false) }
    package mutating func endObject() { needsComma.removeLast(); output += "}" }
    package mutating func beginArray() { separate(); output += "["; needsComma.append(false) }
    package mutating func endArray() { needsComma.removeLast(); output += "]" }

    /// Writes `"key":`; the value written next belongs to it.
    package mutating func key(_ k: String) {
        separate()
        JSONWriter.appendString(k, to: &output)
        output += ":"
        pendingValue = true
    }

    package mutating func string(_ s: String) { separate(); JSONWriter.appendString(s, to: &output) }
    package mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
    package mutating func int(_ n: Int64) { separate(); output += String(n) }
    package mutating func int(_ n: Int) { int(Int64(n)) }
    package mutating func bool(_ b: Bool) { separate(); output += b ? "true" : "false" }
    package mutating func null() { separate(); output += "null" }

    package mutating func field(_ k: String, _ s: String) { key(k); string(s) }
    package mutating func field(_ k: String, _ s: String?) { key(k); string(s) }
    package mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }
    package mutating func field(_ k: String, _ n: Int) { key(k); int(n) }
    package mutating func field(_ k: String, strings: [String]) {
        key(k)
        beginArray()
        for s in strings { string(s) }
        endArray()
    }

    private var pendingValue = false

    /// Puts a comma before every member of a container but the first.
    private mutating func separate() {
        if pendingValue { pendingValue = false; return }
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { output += "," } else { needsComma[needsComma.count - 1] = true }
    }

    /// Appends `s` as a quoted JSON string.
    package static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    package static func quoted(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }
}
