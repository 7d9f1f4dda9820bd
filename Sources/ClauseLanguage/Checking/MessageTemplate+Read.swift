import ClauseSyntax

extension MessageTemplate {
    /// Reads a message with `{expression}` holes (a rule's `say`, a workflow guard's `say`); each
    /// hole is checked like any expression, its errors located at its column in `scalar`.
    package static func read(_ scalar: YAMLNode.Scalar, checker: ExpressionChecker, _ ctx: ExpressionChecker.Context,
                             key: String) -> MessageTemplate? {
        var parts: [Part] = []
        let chars = Array(scalar.text.unicodeScalars)
        var i = 0
        var literal = ""
        while i < chars.count {
            if chars[i] == "{" {
                guard let close = chars[i...].firstIndex(of: "}") else {
                    checker.bag.error("message.brace", "'{' without a closing '}'", at: scalar.range(from: i, to: i + 1))
                    return nil
                }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                let inner = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                if let c = checker.check(text: inner, offset: i + 1, ctx, expected: nil, what: "a value in '\(key)'") {
                    parts.append(.value(c))
                }
                i = close + 1
            } else {
                literal.unicodeScalars.append(chars[i])
                i += 1
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return MessageTemplate(parts: parts)
    }
}
