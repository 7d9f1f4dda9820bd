import ClauseLanguage
import ClauseSyntax

/// One application, read and validated against a policy's facts schema.
package struct CaseFile: Sendable {
    package var path: String
    package var id: String
    package var policyID: String
    /// The case record's slots in schema order; nil is a fact the case does not give.
    package var facts: [Value?]
    /// Facts filled from the schema's defaults (dotted paths), so a justification can say so.
    package var defaulted: Set<String>
    /// The raw tree, kept for workflows and scenario patches.
    package var root: YAMLNode
}

/// Reads the `policy:` and `case:` of a case tree before its package is known.
package enum CaseHeader {
    package static func policyID(_ root: YAMLNode, into bag: inout DiagnosticBag) -> String? {
        guard case .mapping(let m) = root else {
            bag.error("case.shape", "a case file is a mapping of facts, found \(root.kindDescription)", at: root.range)
            return nil
        }
        guard let p = m["policy"] else {
            bag.error("case.no-policy", "the case does not say which policy decides it: add 'policy: <id>'", at: m.range)
            return nil
        }
        guard case .scalar(let s) = p, !s.isNull else {
            bag.error("case.no-policy", "'policy' must name a policy package", at: p.range)
            return nil
        }
        return s.text
    }
}
