import ClauseSyntax

/// Edits a case tree by dotted path (`project.expenses[0].amount`), so a scenario states only how
/// it differs from its base case.
package enum CasePatch {
    package enum Failure: Error {
        case badPath(String)
    }

    /// Sets `path` to `value`, creating mappings on the way; nil removes the key.
    package static func set(_ root: YAMLNode, path: String, to value: YAMLNode?) throws -> YAMLNode {
        let steps = try parse(path)
        return try set(root, steps[...], value, path)
    }

    private enum Step {
        case key(String)
        case index(Int)
    }

    private static func parse(_ path: String) throws -> [Step] {
        var steps: [Step] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var p = Substring(part)
            guard !p.isEmpty else { throw Failure.badPath(path) }
            let name = p.prefix { $0 != "[" }
            if !name.isEmpty { steps.append(.key(String(name))) }
            p = p.dropFirst(name.count)
            while p.first == "[" {
                guard let close = p.firstIndex(of: "]"), let i = Int(p[p.index(after: p.startIndex)..<close]), i >= 0 else {
                    throw Failure.badPath(path)
                }
                steps.append(.index(i))
                p = p[p.index(after: close)...]
            }
            guard p.isEmpty else { throw Failure.badPath(path) }
        }
        return steps
    }

    private static func set(_ node: YAMLNode, _ steps: ArraySlice<Step>, _ value: YAMLNode?, _ path: String) throws -> YAMLNode {
        guard let step = steps.first else { return value ?? node }
        switch (step, node) {
        case (.key(let k), .mapping(var m)):
            if let i = m.entries.firstIndex(where: { $0.key.text == k }) {
                if steps.count == 1 && value == nil {
                    m.entries.remove(at: i)
                } else {
                    m.entries[i].value = try set(m.entries[i].value, steps.dropFirst(), value, path)
                }
            } else if let value {
                let empty = YAMLNode.mapping(.init(entries: [], range: value.range))
                let key = YAMLNode.Scalar(text: k, style: .plain, range: value.range)
                m.entries.append((key, try set(empty, steps.dropFirst(), value, path)))
            }
            return .mapping(m)
        case (.key, .scalar(let s)) where s.isNull:
            return try set(.mapping(.init(entries: [], range: s.range)), steps, value, path)
        case (.index(let i), .sequence(var s)):
            guard i < s.items.count else { throw Failure.badPath(path) }
            if steps.count == 1 && value == nil {
                s.items.remove(at: i)
            } else {
                s.items[i] = try set(s.items[i], steps.dropFirst(), value, path)
            }
            return .sequence(s)
        default:
            throw Failure.badPath(path)
        }
    }
}
