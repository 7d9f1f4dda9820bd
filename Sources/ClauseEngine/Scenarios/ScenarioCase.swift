import ClauseLanguage
import ClauseSyntax
import Foundation

/// The case a scenario decides, as policy and workflow scenario files both write it: a base case
/// (a file path or an inline mapping), patched by `with` (dotted paths) and `without`.
package enum ScenarioCase {
    /// A path relative to the scenario file's folder.
    package static func resolve(_ p: String, _ dir: String) -> String {
        p.hasPrefix("/") ? p : (dir as NSString).appendingPathComponent(p)
    }

    /// The case tree and the path it came from (the scenario file itself for an inline case).
    package static func source(_ n: YAMLNode, dir: String, scenarioFile: String, _ access: inout NodeAccess) -> (YAMLNode, String)? {
        if case .mapping = n { return (n, scenarioFile) }
        guard let s = access.scalar(n, "a case file path or an inline case") else { return nil }
        let p = resolve(s.text, dir)
        let (_, root) = YAMLReader.read(path: p, into: &access.bag)
        guard let root else {
            access.bag.error("scenario.case", "cannot read the case '\(s.text)'", at: s.range)
            return nil
        }
        return (root, p)
    }

    /// Sets one dotted path (nil removes it), reporting a path that does not fit the case.
    package static func patch(_ node: inout YAMLNode, _ path: String, _ value: YAMLNode?, at range: SourceRange, _ access: inout NodeAccess) {
        do { node = try CasePatch.set(node, path: path, to: value) } catch {
            access.bag.error("scenario.patch", value == nil ? "cannot remove '\(path)' from the case" : "cannot set '\(path)' in the case",
                             at: range)
        }
    }

    /// Applies a scenario's `with` and `without` to its case.
    package static func patched(_ node: YAMLNode, by m: YAMLNode.Mapping, _ access: inout NodeAccess) -> YAMLNode {
        var node = node
        if let w = m["with"], let wm = access.mapping(w, "'with'") {
            for (key, value) in wm.entries { patch(&node, key.text, value, at: key.range, &access) }
        }
        if let w = m["without"], let ws = access.sequence(w, "'without'") {
            for p in ws.items {
                guard let s = access.scalar(p, "a fact path") else { continue }
                patch(&node, s.text, nil, at: s.range, &access)
            }
        }
        return node
    }

    /// A scenario's `as_of`, strictly YYYY-MM-DD.
    package static func asOf(_ m: YAMLNode.Mapping, _ access: inout NodeAccess) -> CivilDate? {
        guard let a = m["as_of"], let s = access.scalar(a, "a date") else { return nil }
        guard let d = CivilDate(iso: Substring(s.text)) else {
            access.bag.error("type.date", CivilDate.problem(s.text), at: s.range)
            return nil
        }
        return d
    }
}
