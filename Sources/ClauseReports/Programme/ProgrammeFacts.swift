import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The facts of a recorded case that the programme report reads, and nothing else.
///
/// The report holds every case of the programme at once (a distinct count, a payment's case, a
/// row per sector all look across cases). Whole, a case is its text and every fact, a few
/// kilobytes: 100,000 cases took 450 MiB. Kept to the fact paths the indicators, the item and
/// the district read (every path an expression of theirs reads, through the definitions it
/// uses), a case is a few hundred bytes, and the report counts exactly what it counted before.
package struct ProgrammeFacts: Sendable {
    /// Field-index paths kept, as a tree: a leaf keeps its whole value.
    private final class Node: @unchecked Sendable {
        var children: [Int: Node] = [:]
        var whole = false
    }
    private let root = Node()

    package init(policy: Policy) {
        var visited = Set<Int>()
        for ind in policy.indicators {
            guard let a = ind.measure.aggregate else { continue }
            if let f = a.filter { add(f, policy, &visited) }
            if let d = a.date { add(d, policy, &visited) }
            if case .countDistinct(let path) = a.kind { add(dotted: path, policy) }
            if let per = ind.per { add(dotted: per.path, policy) }
        }
        if let slot = policy.itemSlot { keep([slot]) }
        if let path = policy.districtPath { keep(path) }
    }

    /// The workflow events the report counts: those an indicator counts, and the funding plan's
    /// payment event.
    package static func eventsCounted(by policy: Policy) -> Set<String> {
        var wanted = Set(policy.indicators.compactMap { i -> String? in
            if case .event(let e)? = i.measure.aggregate?.source { return e }
            return nil
        })
        if let f = policy.funding { wanted.insert(f.paymentEvent) }
        return wanted
    }

    /// The case with only the kept facts, and no text or tree.
    package func project(_ c: CaseFile) -> CaseFile {
        CaseFile(path: c.path, id: c.id, policyID: c.policyID, facts: Self.project(c.facts, root),
                 source: SourceFile(path: c.path, text: ""), hasHistory: false)
    }

    private static func project(_ slots: [Value?], _ node: Node) -> [Value?] {
        var out = [Value?](repeating: nil, count: slots.count)
        for (i, child) in node.children where i < slots.count {
            guard let v = slots[i] else { continue }
            if child.whole {
                out[i] = v
            } else if case .record(let fields) = v {
                out[i] = .record(project(fields, child))
            }
        }
        return out
    }

    private func keep(_ path: [Int]) {
        var node = root
        for i in path {
            if node.whole { return }
            let next = node.children[i] ?? Node()
            node.children[i] = next
            node = next
        }
        node.whole = true
    }

    private func add(dotted path: String, _ policy: Policy) {
        var schema = policy.caseSchema
        var indices: [Int] = []
        let parts = path.split(separator: ".").map(String.init)
        for (k, name) in parts.enumerated() {
            guard let i = schema.index[name] else { return }
            indices.append(i)
            if k < parts.count - 1 {
                guard case .record(let r) = schema.fields[i].type.unwrapped else { return }
                schema = policy.records[r]
            }
        }
        keep(indices)
    }

    /// Every fact path `e` reads, through the definitions it names.
    private func add(_ e: CheckedExpr, _ policy: Policy, _ visited: inout Set<Int>) {
        switch e.kind {
        case .fact(let path, _): keep(path)
        case .definition(let i):
            guard visited.insert(i).inserted, i < policy.definitions.count else { return }
            add(policy.definitions[i].expr, policy, &visited)
        case .constant, .local, .parameter, .asOf: break
        case .member(let x, _, _), .negate(let x), .not(let x), .present(let x), .periodBound(let x, _): add(x, policy, &visited)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b), .inList(let a, let b, _),
             .inPeriod(let a, let b, _), .otherwise(let a, let b), .lookup(let a, let b):
            add(a, policy, &visited)
            add(b, policy, &visited)
        case .list(let xs), .extremum(_, let xs): for x in xs { add(x, policy, &visited) }
        case .aggregate(_, let body, _, _, let source, let filter):
            add(body, policy, &visited)
            add(source, policy, &visited)
            if let filter { add(filter, policy, &visited) }
        case .conditional(let c, let a, let b):
            add(c, policy, &visited)
            add(a, policy, &visited)
            add(b, policy, &visited)
        }
    }
}
