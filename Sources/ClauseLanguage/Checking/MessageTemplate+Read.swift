import ClauseSyntax

extension MessageTemplate {
    /// Reads a message with `{expression}` holes (a rule's `say`, a workflow guard's `say`); each
    /// hole is checked like any expression, its errors located at its column in `scalar`.
    package static func read(_ scalar: YAMLNode.Scalar, checker: ExpressionChecker, _ ctx: ExpressionChecker.Context,
                             key: String) -> MessageTemplate? {
        // Walked over the text's own scalars, each run of words taken whole: built one scalar at a
        // time, the templates were a sixth of loading a package. `offset` counts scalars, as a
        // hole's errors are located.
        var parts: [Part] = []
        let view = scalar.text.unicodeScalars
        var at = view.startIndex, literalStart = at
        var offset = 0
        while at != view.endIndex {
            guard view[at] == "{" else {
                at = view.index(after: at)
                offset += 1
                continue
            }
            guard let close = view[at...].firstIndex(of: "}") else {
                checker.bag.error("message.brace", "'{' without a closing '}'", at: scalar.range(from: offset, to: offset + 1))
                return nil
            }
            if literalStart != at { parts.append(.text(String(view[literalStart..<at]))) }
            let inner = String(view[view.index(after: at)..<close])
            if let c = checker.check(text: inner, offset: offset + 1, ctx, expected: nil, what: "a value in '\(key)'") {
                parts.append(.value(c))
            }
            offset += view.distance(from: at, to: close) + 1
            at = view.index(after: close)
            literalStart = at
        }
        if literalStart != at { parts.append(.text(String(view[literalStart..<at]))) }
        return MessageTemplate(parts: parts)
    }
}
