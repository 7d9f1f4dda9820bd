import ClauseLanguage
import ClauseSyntax

/// Reads one scalar of a case file as a value of a declared type. The messages name the YAML 1.1
/// reading a person may have expected, because that is where such inputs come from.
package enum ScalarValue {
    package static func read(_ s: YAMLNode.Scalar, as type: ValueType, policy: Policy) -> Result<Value, String> {
        read(text: s.text, style: s.style, as: type, policy: policy)
    }

    /// The same from a scalar's text (after YAML's unescaping) and style, for readers that build
    /// no tree (`FastCaseReader`).
    package static func read(text: String, style: YAMLNode.ScalarStyle, as type: ValueType, policy: Policy) -> Result<Value, String> {
        read(text: text, style: style, as: type, enums: policy.enums)
    }

    /// The same, knowing only the policy's enums (all a scalar's type can name).
    package static func read(text: String, style: YAMLNode.ScalarStyle, as type: ValueType, enums: [EnumType]) -> Result<Value, String> {
        switch type {
        case .bool:
            return ScalarTyping.bool(text: text, style: style).map { .bool($0) }
        case .text:
            if let problem = controlCharacter(in: text, allowLineBreaks: true) { return .failure(problem) }
            return .success(.text(text))
        case .int:
            return integer(text).map { .int($0) }
        case .money:
            return money(text).map { .money($0) }
        case .percent:
            guard text.hasSuffix("%") else { return .failure("a rate is written with '%', such as 50%, found '\(text)'") }
            switch DecimalText.scaled(Substring(text.dropLast()), scale: 4, maxDigits: 6) {
            case .success(let v): return .success(.percent(Percent(millionths: v)))
            case .failure: return .failure("'\(text)' is not a rate such as 50% or 12.5%")
            }
        case .date:
            if let d = CivilDate(iso: Substring(text)) { return .success(.date(d)) }
            if CivilDate.looksLikeDate(Substring(text)) { return .failure(CivilDate.notADate(Substring(text))) }
            return .failure(CivilDate.problem(text))
        case .period:
            let parts = text.components(separatedBy: "..")
            if parts.count == 2, let a = CivilDate(iso: Substring(parts[0])), let b = CivilDate(iso: Substring(parts[1])), a <= b {
                return .success(.period(Period(start: a, end: b)))
            }
            return .failure("'\(text)' is not a period: write YYYY-MM-DD..YYYY-MM-DD")
        case .duration:
            if case .success(let e) = Parser.parse(text), case .literal(.value(.duration(let d))) = e.kind { return .success(.duration(d)) }
            return .failure("'\(text)' is not a duration such as '3 years'")
        case .enumeration(let t):
            if let i = enums[t].index[text] { return .success(.enumCase(type: t, index: i)) }
            let e = enums[t]
            if let i = e.cases.firstIndex(where: { $0.label == text }) { return .success(.enumCase(type: t, index: i)) }
            let shown = e.cases.prefix(12).map(\.name).joined(separator: ", ")
            return .failure("'\(text)' is not one of \(e.name): \(shown)\(e.cases.count > 12 ? ", …" : "")\(Suggestion.hint(text, e.cases.map(\.name)))")
        case .optional(let w):
            return read(text: text, style: style, as: w, enums: enums)
        case .list, .record, .noneLiteral, .emptyList, .table:
            return .failure("expected a group of facts, found '\(text)'")
        }
    }

    /// Why `text` cannot be a text fact, or nil: NUL would cut the record short in the store (an
    /// id stored as someone else's), ESC, CR and the rest would act on a terminal when printed.
    /// Free text may hold tab and line feed (a YAML block scalar `|`); identifiers and codes
    /// (`allowLineBreaks: false`) may not.
    package static func controlCharacter(in text: String, allowLineBreaks: Bool) -> String? {
        // Asked of the bytes first (`TerminalText` also finds the bidirectional controls, which
        // then go to the walk below and pass it): nearly every text holds none, and walking its
        // characters one by one to find none was a sixteenth of reading a case.
        guard TerminalText.hasControlCharacters(text) else { return nil }
        var column = 0
        for s in text.unicodeScalars {
            column += 1
            let v = s.value
            guard v < 0x20 || (0x7F...0x9F).contains(v) else { continue }
            if allowLineBreaks && (s == "\t" || s == "\n") { continue }
            let hex = String(v, radix: 16, uppercase: true)
            let name = Self.controlNames[v].map { " (\($0))" } ?? ""
            return "text holds the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)\(name) at character \(column): remove it"
        }
        return nil
    }

    private static let controlNames: [UInt32: String] = [0x00: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return", 0x1B: "ESC", 0x7F: "DEL"]

    /// Whole numbers as people write them; `010` (octal in YAML 1.1), `1:30` (sexagesimal),
    /// `0x1F`, `1e3` and `1_000` are refused rather than guessed.
    static func integer(_ text: String) -> Result<Int64, String> {
        var digits = Substring(text)
        if digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitChar) else {
            if text.contains(":") { return .failure("'\(text)' is not a whole number (YAML 1.1 would read it as base 60)") }
            if text.contains(".") { return .failure("'\(text)' is not a whole number") }
            return .failure("'\(text)' is not a whole number")
        }
        if digits.count > 1, digits.first == "0" {
            return .failure("'\(text)' has a leading zero (YAML 1.1 would read it as octal): write \(Int64(digits) ?? 0)")
        }
        guard digits.count <= 18, let v = Int64(text) else { return .failure("'\(text.prefix(24))…' is too large a number") }
        return .success(v)
    }

    /// The common amount, `300000.00` or `0`: ASCII digits, then at most a point and digits, read
    /// in one pass over the bytes. It gives exactly what the general reading below gives for such
    /// text, and nil for anything else or for any text that reading refuses (more than 13
    /// significant digits, more than two decimals that are not zeros), so the message is the
    /// general reading's.
    package static func plainYuan(_ text: String) -> Int64? {
        var value: Int64 = 0
        var significant = 0
        var fraction = 0  // digits after the point so far
        var fen: Int64 = 0
        var point = false
        var count = 0
        for b in text.utf8 {
            count += 1
            if count > 40 { return nil }
            if b == UInt8(ascii: ".") {
                if point || count == 1 { return nil }
                point = true
                continue
            }
            guard b >= 48, b <= 57 else { return nil }
            let d = Int64(b - 48)
            if !point {
                if significant == 0 && d == 0 { continue }
                significant += 1
                if significant > 13 { return nil }
                value = value * 10 + d
            } else {
                fraction += 1
                if fraction == 1 { fen += d * 10 } else if fraction == 2 { fen += d } else if d != 0 { return nil }
            }
        }
        // Nothing, or a point with no digit after it: the general reading's business.
        if count == 0 || (point && fraction == 0) { return nil }
        let total = value * 100 + fen
        return total <= maxFen ? total : nil
    }

    /// 1万亿元, the largest amount a case may give (13 digits of yuan would allow nearly ten times it).
    package static let maxFen: Int64 = 100_000_000_000_000

    private static func tooLarge(_ text: String) -> Result<Money, String> {
        let shown = text.count > 24 ? "\(text.prefix(20))… (\(text.count) characters)" : text
        return .failure("'\(shown)' is too large an amount: at most 1万亿元")
    }

    /// Yuan with at most two decimals (`300000.00`), or with the unit as the text writes it
    /// (`50万元`, `500000元`). Never negative, never above 1万亿元.
    package static func money(_ text: String) -> Result<Money, String> {
        if let fen = plainYuan(text) { return .success(Money(fen: fen)) }
        return anyMoney(text)
    }

    /// `money` without its shortcut for plain amounts: every form, every message.
    package static func anyMoney(_ text: String) -> Result<Money, String> {
        var t = Substring(text.trimmingCharacters(in: " "))
        var scale = 2
        var maxDigits = 13
        if t.hasSuffix("万元") {
            t = t.dropLast(2)
            scale = 6
            maxDigits = 9
        } else if t.hasSuffix("元") {
            t = t.dropLast()
        }
        if t.first == "¥" || t.first == "￥" { t = t.dropFirst() }
        if t.first == "-" { return .failure("an amount cannot be negative, found '\(text)'") }
        switch DecimalText.scaled(t, scale: scale, maxDigits: maxDigits) {
        case .success(let fen): return fen <= maxFen ? .success(Money(fen: fen)) : tooLarge(text)
        case .failure(.tooManyDecimals):
            return .failure("'\(text)' has more than two decimals: amounts are exact to the fen")
        case .failure(.tooLarge):
            return tooLarge(text)
        case .failure(.notANumber):
            if text.contains(",") { return .failure("'\(text)' is not an amount: write it without thousands separators") }
            // `30万` as the text says it, without 元: the unit clause reads is 万元.
            if text.hasSuffix("万"), case .success = anyMoney(text + "元") { return .failure("'\(text)' is not an amount: write '\(text)元'") }
            if text.lowercased().contains("e") { return .failure("'\(text)' is not an amount: write plain digits, not exponents") }
            return .failure("'\(text)' is not an amount in yuan such as 300000.00")
        }
    }
}
