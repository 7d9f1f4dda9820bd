/// The raw text of one member of a JSON object, found without building the rest: replay reads a
/// decision line's `ledger` (a few hundred bytes) out of a line of 10 KB, and parsing the whole
/// line with Foundation was a fifth of `replay --all`.
///
/// Values are skipped by their syntax alone (strings with their escapes, nested objects and
/// arrays), so a key-like text inside a string or a nested object is never taken for the member.
/// Input that is not a JSON object gives nil; the text returned is parsed by the caller.
package enum JSONMember {
    package static func raw(_ key: String, in json: String) -> Substring? {
        let bytes = Array(json.utf8)
        let wanted = Array(key.utf8)
        var i = 0
        func blanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        /// Moves past the string opening at `i`; false when it never closes.
        func string() -> Bool {
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""): i += 1; return true
                default: i += 1
                }
            }
            return false
        }
        /// Moves past the value starting at `i`; false when it is not whole.
        func value() -> Bool {
            guard i < bytes.count else { return false }
            switch bytes[i] {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: "\""): if !string() { return false }; continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                // A number, true, false or null: up to the next separator.
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
                return true
            }
        }
        blanks()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            blanks()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            guard string() else { return nil }
            let isWanted = bytes[keyStart..<(i - 1)].elementsEqual(wanted)
            blanks()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            blanks()
            let start = i
            guard value() else { return nil }
            if isWanted {
                let utf8 = json.utf8
                return Substring(json[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: i)])
            }
            blanks()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }
}
