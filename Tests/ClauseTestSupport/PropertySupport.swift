import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// A seeded random number generator (SplitMix64): property tests draw the same inputs on every
/// run and every machine, so a failure names a seed that reproduces it.
package struct SeededGenerator: RandomNumberGenerator {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    package mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// Writes a case's YAML tree back as text in a randomly chosen form that means the same case:
/// keys in another order, block or flow collections, scalars plain, single- or double-quoted
/// (some characters as `\u` escapes), amounts in 元 or 万元 (`300000.00`, `30万元`, `¥300000元`),
/// null as `null` or `~`, comments; or the whole case as one JSON line. Null words and texts that
/// YAML would read otherwise keep a form that reads the same.
package struct CaseRewriter {
    package var rng: SeededGenerator
    package let policy: Policy
    /// JSON: one flow line, every string double-quoted, no comments.
    package var json = false
    /// What the last rewrite changed, so a test can check the rewrites are not all trivial.
    package var amountsRewritten = 0

    package init(seed: UInt64, policy: Policy) {
        rng = SeededGenerator(seed: seed)
        self.policy = policy
    }

    package mutating func rewrite(_ root: YAMLNode) -> String {
        json = rng.chance(0.25)
        if json { return flow(root, type: .record(0)) + "\n" }
        let start = rng.chance(0.2) ? "---\n" : ""
        if rng.chance(0.15) { return start + flow(root, type: .record(0)) + "\n" }
        return start + block(root, type: .record(0), indent: 0)
    }

    // MARK: - Types along the tree

    /// The declared type of `key` in a mapping of type `type` (nil for keys the schema lacks).
    package func fieldType(_ key: String, in type: ValueType?) -> ValueType? {
        guard case .record(let r)? = type?.unwrapped, r < policy.records.count,
              let i = policy.records[r].index[key] else { return nil }
        return policy.records[r].fields[i].type
    }

    package func elementType(_ type: ValueType?) -> ValueType? {
        if case .list(let t)? = type?.unwrapped { return t }
        return nil
    }

    // MARK: - Collections

    package mutating func block(_ node: YAMLNode, type: ValueType?, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case .scalar(let s):
            return pad + scalar(s, type: type, inFlow: false) + "\n"
        case .mapping(let m) where m.entries.isEmpty:
            return pad + "{}\n"
        case .sequence(let q) where q.items.isEmpty:
            return pad + "[]\n"
        case .mapping(let m):
            var out = ""
            for (key, value) in m.entries.shuffled(using: &rng) {
                let t = fieldType(key.text, in: type)
                out += pad + keyText(key.text, inFlow: false) + ":" + blockValue(value, type: t, indent: indent)
            }
            return out
        case .sequence(let q):
            var out = ""
            for item in q.items {
                let t = elementType(type)
                if isInline(item) || rng.chance(0.2) {
                    out += pad + "- " + inline(item, type: t) + comment() + "\n"
                } else {
                    let inner = block(item, type: t, indent: indent + 2)
                    out += pad + "- " + inner.dropFirst(indent + 2)
                }
            }
            return out
        }
    }

    /// What follows `key:` in a block mapping.
    package mutating func blockValue(_ value: YAMLNode, type: ValueType?, indent: Int) -> String {
        if isInline(value) || rng.chance(0.15) { return " " + inline(value, type: type) + comment() + "\n" }
        if case .sequence = value, rng.chance(0.5) {
            // A block sequence may sit at its key's own indentation.
            return comment() + "\n" + block(value, type: type, indent: indent)
        }
        return comment() + "\n" + block(value, type: type, indent: indent + 2)
    }

    package func isInline(_ node: YAMLNode) -> Bool {
        switch node {
        case .scalar: true
        case .mapping(let m): m.entries.isEmpty
        case .sequence(let q): q.items.isEmpty
        }
    }

    package mutating func inline(_ node: YAMLNode, type: ValueType?) -> String {
        if case .scalar(let s) = node { return scalar(s, type: type, inFlow: false) }
        return flow(node, type: type)
    }

    package mutating func flow(_ node: YAMLNode, type: ValueType?) -> String {
        let space = json ? "" : rng.pick(["", " "])
        switch node {
        case .scalar(let s):
            return scalar(s, type: type, inFlow: true)
        case .mapping(let m):
            var parts: [String] = []
            for (key, value) in m.entries.shuffled(using: &rng) {
                parts.append(keyText(key.text, inFlow: true) + ": " + flow(value, type: fieldType(key.text, in: type)))
            }
            return "{" + space + parts.joined(separator: "," + (json ? "" : " ")) + space + "}"
        case .sequence(let q):
            return "[" + space + q.items.map { flow($0, type: elementType(type)) }.joined(separator: ", ") + space + "]"
        }
    }

    package mutating func comment() -> String {
        json || !rng.chance(0.1) ? "" : rng.pick(["  # 注释", " # note: 30万元", "\t# ~"])
    }

    // MARK: - Scalars

    package mutating func keyText(_ key: String, inFlow: Bool) -> String {
        if json { return doubleQuoted(key) }
        if Self.plainIsSafe(key, inFlow: inFlow), rng.chance(0.8) { return key }
        return rng.chance(0.5) || !Self.singleIsSafe(key) ? doubleQuoted(key) : singleQuoted(key)
    }

    package mutating func scalar(_ s: YAMLNode.Scalar, type: ValueType?, inFlow: Bool) -> String {
        if s.isNull { return json ? "null" : rng.pick(["null", "~", "null"]) }
        var text = s.text
        if type?.unwrapped == .money, case .success(let m) = ScalarValue.anyMoney(text) {
            let form = moneyForm(m)
            if form != text { amountsRewritten += 1 }
            text = form
        }
        let plainBool = s.style == .plain && (text == "true" || text == "false")
        if json {
            // JSON: numbers and booleans bare, everything else a string.
            if plainBool || (Self.isJSONNumber(text) && rng.chance(0.5)) { return text }
            return doubleQuoted(text)
        }
        if plainBool && rng.chance(0.7) { return text }
        let plain = Self.plainIsSafe(text, inFlow: inFlow)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0 where plain: return text
        case 1 where Self.singleIsSafe(text): return singleQuoted(text)
        default: return plain && rng.chance(0.5) ? text : doubleQuoted(text)
        }
    }

    /// One of the ways to write `m` that the case reader reads as exactly `m`.
    package mutating func moneyForm(_ m: Money) -> String {
        let yuan = m.fen / 100, cents = m.fen % 100
        var forms = [String(format: "%lld.%02lld", yuan, cents)]
        if cents == 0 { forms += ["\(yuan)", "\(yuan)元", "¥\(yuan)", "￥\(yuan).00"] }
        if cents % 10 == 0 { forms.append("\(yuan).\(cents / 10)") }
        forms.append(String(format: "%lld.%02lld元", yuan, cents))
        // 万元: 1万元 is 1,000,000 fen; six decimals at most, trailing zeros dropped.
        let wan = m.fen / 1_000_000, rest = m.fen % 1_000_000
        var decimals = String(format: "%06lld", rest)
        while decimals.last == "0" { decimals.removeLast() }
        forms.append(decimals.isEmpty ? "\(wan)万元" : "\(wan).\(decimals)万元")
        // Only forms the reader gives back exactly (万元 has fewer digits to spare).
        let exact = forms.filter { (try? ScalarValue.anyMoney($0).get()) == m }
        return exact.isEmpty ? forms[0] : rng.pick(exact)
    }

    package static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// Whether `text` written plain reads back as the same text (and not as null or a structure).
    package static func plainIsSafe(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              !nullWords.contains(text), first != " ", last != " ", last != ":" else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if text.contains(": ") || text.contains(" #") || text.contains("\t") { return false }
        if inFlow && text.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
        return !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) || $0 == "\u{FEFF}" || $0 == "\u{2028}" || $0 == "\u{2029}" }
    }

    package static func singleIsSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) || $0 == "\u{FEFF}" || $0 == "\u{2028}" || $0 == "\u{2029}" }
    }

    package static func isJSONNumber(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigitChar),
              whole == "0" || whole.first != "0" else { return false }
        return parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigitChar))
    }

    package func singleQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// A double-quoted scalar; in YAML some other characters are written as `\u` escapes too.
    package mutating func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) || u == "\u{FEFF}" || u == "\u{2028}" || u == "\u{2029}":
                out += Self.escape(u)
            case _ where u.value > 0x7F && u.value <= 0xFFFF && rng.chance(0.2):
                out += Self.escape(u)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    package static func escape(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
