import ClauseLanguage
import ClauseSyntax
import Synchronization

/// One application, read and validated against a policy's facts schema.
public struct CaseFile: Sendable {
    public var path: String
    public var id: String
    public var policyID: String
    /// The case record's slots in schema order; nil is a fact the case does not give.
    package var facts: [Value?]
    /// Facts filled from the schema's defaults (dotted paths), so a justification can say so.
    /// The raw tree, kept for workflows and scenario patches. A case read by `FastCaseReader`
    /// has no tree until one is asked for: it is then parsed again from the case's text (which
    /// parsed without a problem the first time) and kept.
    package var root: YAMLNode {
        get { tree.node }
        set { tree = CaseTree(node: newValue) }
    }
    private var tree: CaseTree
    /// Whether the case's text has a top-level `history` key; true unless the fast reader saw none.
    private var historyKey = true

    /// Whether `root` may hold a `history:`. False only for a case the fast reader found without
    /// one while its tree is still unbuilt: recording then skips parsing the whole text again just
    /// to find no history (a tenth of recording). A built or replaced tree is simply read.
    package var mayHaveHistory: Bool { historyKey || !tree.isPending }

    package init(path: String, id: String, policyID: String, facts: [Value?], root: YAMLNode) {
        self.init(path: path, id: id, policyID: policyID, facts: facts, tree: CaseTree(node: root))
    }

    /// A case whose tree is built from `source` when first asked for; `hasHistory` says whether
    /// its text has a top-level `history` key.
    package init(path: String, id: String, policyID: String, facts: [Value?], source: SourceFile, hasHistory: Bool = true) {
        self.init(path: path, id: id, policyID: policyID, facts: facts, tree: CaseTree(source: source))
        historyKey = hasHistory
    }

    private init(path: String, id: String, policyID: String, facts: [Value?], tree: CaseTree) {
        self.path = path
        self.id = id
        self.policyID = policyID
        self.facts = facts
        self.tree = tree
    }

    /// True when the tree has not been built (the case came from the fast reader and nothing
    /// has asked for `root` yet).
    package var rootIsPending: Bool { tree.isPending }
}

/// A case's tree, or the text to build it from on first use. A class so copies of a `CaseFile`
/// share one tree; the mutex makes that safe across the cores of a batch.
private final class CaseTree: Sendable {
    private let source: SourceFile?
    private let built: Mutex<YAMLNode?>

    init(node: YAMLNode) {
        source = nil
        built = Mutex(node)
    }

    init(source: SourceFile) {
        self.source = source
        built = Mutex(nil)
    }

    var isPending: Bool { built.withLock { $0.map { _ in false } ?? true } }

    var node: YAMLNode {
        built.withLock { node in
            if let node { return node }
            var bag = DiagnosticBag()
            // The text parsed without a problem before; an empty mapping at its start is only
            // a guard against the impossible.
            let parsed = source.flatMap { YAMLReader.read($0, into: &bag) }
                ?? .mapping(.init(entries: [], range: SourceRange(file: source, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1))))
            node = parsed
            return parsed
        }
    }
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
