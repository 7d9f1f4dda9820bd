/// Splits an expression string into tokens.
///
/// Literals are read as the policy text writes them: `50万元`, `0.7万元`, `500000元`, `50%`,
/// `2024-01-01`; `×`, `÷`, `−`, `≤`, `≥`, `≠` are accepted beside their ASCII forms, and identifiers
/// may be Chinese.
package struct Lexer {
    package struct Failure: Error, Equatable {
        package var message: String
        package var offset: Int
        package init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }
    }

    private let s: [Unicode.Scalar]
    private var i = 0

    package init(_ text: String) { s = Array(text.unicodeScalars) }

    package static func tokens(_ text: String) -> Result<[Token], Failure> {
        var lexer = Lexer(text)
        var out: [Token] = []
        do {
            while true {
                let t = try lexer.next()
                out.append(t)
                if t.kind == .end { return .success(out) }
            }
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(Failure(message: "unreadable expression", offset: 0))
        }
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }

    package static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        // ASCII without a Unicode property lookup (they are slow, and most names are ASCII).
        if c.isASCII { return c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        return c.properties.isAlphabetic
    }

    package static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c)
    }

    private mutating func next() throws -> Token {
        while let c = peek(), c.properties.isWhitespace { i += 1 }
        let start = i
        guard let c = peek() else { return Token(kind: .end, start: i, end: i) }
        if Lexer.isDigit(c) { return try number(start) }
        if c == "¥" || c == "￥" {
            i += 1
            guard Lexer.isDigit(peek()) else { throw Failure(message: "expected an amount after '¥'", offset: start) }
            let t = try number(i)
            guard case .integer(let digits) = t.kind else {
                if case .decimal(let d) = t.kind { return Token(kind: .money(d, tenThousand: false), start: start, end: t.end) }
                if case .money = t.kind { return Token(kind: t.kind, start: start, end: t.end) }
                throw Failure(message: "expected an amount after '¥'", offset: start)
            }
            return Token(kind: .money(digits, tenThousand: false), start: start, end: t.end)
        }
        if Lexer.isIdentifierStart(c) {
            var name = ""
            while let d = peek(), Lexer.isIdentifierContinue(d) {
                name.unicodeScalars.append(d)
                i += 1
            }
            if let k = Token.Keyword(rawValue: name) { return Token(kind: .keyword(k), start: start, end: i) }
            return Token(kind: .identifier(name), start: start, end: i)
        }
        if c == "\"" || c == "“" || c == "'" {
            let close: Unicode.Scalar = c == "“" ? "”" : c
            i += 1
            var text = ""
            while let d = peek(), d != close {
                text.unicodeScalars.append(d)
                i += 1
            }
            guard peek() == close else { throw Failure(message: "unterminated text literal", offset: start) }
            i += 1
            return Token(kind: .string(text), start: start, end: i)
        }
        i += 1
        let two: String? = peek().map { String(c) + String($0) }
        func sym(_ s: Token.Symbol, width: Int = 1) -> Token {
            i += width - 1
            return Token(kind: .symbol(s), start: start, end: i)
        }
        switch c {
        case "+": return sym(.plus)
        case "-", "−": return sym(.minus)
        case "*", "×": return sym(.times)
        case "/", "÷": return sym(.divide)
        case "(", "（": return sym(.leftParen)
        case ")", "）": return sym(.rightParen)
        case "[": return sym(.leftBracket)
        case "]": return sym(.rightBracket)
        case ",", "，": return sym(.comma)
        case "≤": return sym(.lessEqual)
        case "≥": return sym(.greaterEqual)
        case "≠": return sym(.notEqual)
        case ".": return two == ".." ? sym(.range, width: 2) : sym(.dot)
        case "=":
            if two == "==" { return sym(.equal, width: 2) }
            throw Failure(message: "'=' is not an operator here: write '==' to compare", offset: start)
        case "!":
            if two == "!=" { return sym(.notEqual, width: 2) }
            throw Failure(message: "'!' is not an operator: write 'not'", offset: start)
        case "<": return two == "<=" ? sym(.lessEqual, width: 2) : sym(.less)
        case ">": return two == ">=" ? sym(.greaterEqual, width: 2) : sym(.greater)
        case "&", "|":
            throw Failure(message: "'\(c)' is not an operator: write '\(c == "&" ? "and" : "or")'", offset: start)
        default:
            throw Failure(message: "unexpected character '\(c)'", offset: start)
        }
    }

    /// A numeral and its unit: a date, `N万元`, `N元`, `N%`, or a bare number.
    private mutating func number(_ start: Int) throws -> Token {
        // A date: four digits, '-', two digits, '-', two digits.
        if i + 10 <= s.count, s[i + 4] == "-", s[i + 7] == "-",
            [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ Lexer.isDigit(s[i + $0]) }),
            !Lexer.isDigit(peek(10))
        {
            let text = String(String.UnicodeScalarView(s[i..<(i + 10)]))
            i += 10
            return Token(kind: .date(text), start: start, end: i)
        }
        var digits = ""
        while let d = peek(), Lexer.isDigit(d) || d == "_" {
            if d != "_" { digits.unicodeScalars.append(d) }
            i += 1
        }
        var isDecimal = false
        if peek() == ".", Lexer.isDigit(peek(1)) {
            isDecimal = true
            digits.append(".")
            i += 1
            while let d = peek(), Lexer.isDigit(d) {
                digits.unicodeScalars.append(d)
                i += 1
            }
        }
        if peek() == "万", peek(1) == "元" {
            i += 2
            return Token(kind: .money(digits, tenThousand: true), start: start, end: i)
        }
        if peek() == "元" {
            i += 1
            return Token(kind: .money(digits, tenThousand: false), start: start, end: i)
        }
        if peek() == "%" || peek() == "％" {
            i += 1
            return Token(kind: .percent(digits), start: start, end: i)
        }
        if let d = peek(), Lexer.isIdentifierStart(d), !(d.properties.isWhitespace) {
            // `3years` or `50万` without 元: say what is wrong rather than reading two tokens.
            if d == "万" { throw Failure(message: "write '\(digits)万元' for an amount in ten thousands of yuan", offset: i) }
        }
        return Token(kind: isDecimal ? .decimal(digits) : .integer(digits), start: start, end: i)
    }
}
