import ClauseSyntax

/// Strict reading of YAML nodes for the loaders: every unexpected shape or key is a located
/// error in the bag, with a suggestion when it looks like a typo.
package struct NodeAccess {
    package var bag = DiagnosticBag()

    package init() {}

    package mutating func mapping(_ node: YAMLNode, _ what: String) -> YAMLNode.Mapping? {
        if case .mapping(let m) = node { return m }
        bag.error("schema.shape", "expected a mapping for \(what), found \(node.kindDescription)", at: node.range)
        return nil
    }

    package mutating func sequence(_ node: YAMLNode, _ what: String) -> YAMLNode.Sequence? {
        if case .sequence(let s) = node { return s }
        bag.error("schema.shape", "expected a list for \(what), found \(node.kindDescription)", at: node.range)
        return nil
    }

    package mutating func scalar(_ node: YAMLNode, _ what: String) -> YAMLNode.Scalar? {
        if case .scalar(let s) = node, !s.isNull { return s }
        bag.error("schema.shape", "expected \(what), found \(node.kindDescription)", at: node.range)
        return nil
    }

    /// Reports keys outside `allowed` and `required` keys that are absent.
    package mutating func checkKeys(
        _ m: YAMLNode.Mapping, allowed: [String], required: [String] = [], in what: String
    ) {
        for (key, _) in m.entries where !allowed.contains(key.text) {
            // A near miss gets its guess; anything else gets the keys there are, to choose from.
            let hint = Suggestion.hint(key.text, allowed)
            bag.error(
                "schema.unknown-key",
                "unknown key '\(key.text)' in \(what)\(hint.isEmpty ? ": the keys here are \(allowed.joined(separator: ", "))" : hint)",
                at: key.range)
        }
        for r in required where m[r] == nil {
            bag.error("schema.missing-key", "\(what) needs '\(r)'", at: m.range)
        }
    }

    package mutating func text(_ m: YAMLNode.Mapping, _ key: String, _ what: String) -> String? {
        guard let node = m[key] else { return nil }
        return scalar(node, "text for '\(key)' of \(what)")?.text
    }

    /// `true`/`false` only: YAML 1.1's `yes`, `no`, `on`, `off` are refused with a word on why.
    package mutating func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        guard let s = scalar(node, "true or false for \(what)") else { return nil }
        switch ScalarTyping.bool(s) {
        case .success(let b): return b
        case .failure(let message):
            bag.error("type.bool", message, at: s.range)
            return nil
        }
    }
}

/// How a scalar's text becomes a typed value: by the schema, never by YAML's guessing.
package enum ScalarTyping {
    package static let yaml11Booleans: Set<String> = [
        "yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "Y", "N", "True", "False",
        "TRUE", "FALSE",
    ]

    package static func bool(_ s: YAMLNode.Scalar) -> Result<Bool, String> {
        bool(text: s.text, style: s.style)
    }

    /// The same from a scalar's text and style, for readers that build no tree.
    package static func bool(text: String, style: YAMLNode.ScalarStyle) -> Result<Bool, String> {
        if style == .plain || style == .doubleQuoted || style == .singleQuoted {
            if text == "true" { return .success(true) }
            if text == "false" { return .success(false) }
        }
        if yaml11Booleans.contains(text) {
            let meaning = ["yes", "on", "y", "true"].contains(text.lowercased()) ? "true" : "false"
            return .failure(
                "'\(text)' is not a boolean here: write true or false (YAML 1.1 would have read it as \(meaning))")
        }
        return .failure("expected true or false, found '\(text)'")
    }
}

extension Result where Failure == String {}
extension String: @retroactive Error {}
