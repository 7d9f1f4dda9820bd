/// Which parameters and definitions each rule and each definition reads, by name: what `clause
/// diff` follows down from a rule whose result changed to the numbers that changed it.
///
/// Only the expressions that decide count (`for`, `let`, the condition or award, `needs`, `cap`,
/// `clawback`, `ban_until`); a parameter named only in a rule's message does not change a decision.
package struct PolicyReferences: Sendable {
    package struct Names: Sendable, Equatable {
        /// In the order first read, each once.
        package var parameters: [String] = []
        package var definitions: [String] = []

        mutating func add(parameter name: String) {
            if !parameters.contains(name) { parameters.append(name) }
        }

        mutating func add(definition name: String) {
            if !definitions.contains(name) { definitions.append(name) }
        }
    }

    /// By rule id (an id used twice, as an amendment may, unites both rules' references).
    package private(set) var rules: [String: Names] = [:]
    package private(set) var definitions: [String: Names] = [:]

    package init(_ policy: Policy) {
        for d in policy.definitions {
            var names = Names()
            PolicyReferences.visit(d.expr, policy, &names)
            definitions[d.name] = names
        }
        for r in policy.rules {
            var names = rules[r.id] ?? Names()
            let exprs = [r.applies].compactMap { $0 } + r.lets.map(\.expr) + [r.main] + r.needs
                + [r.cap, r.clawback, r.banUntil].compactMap { $0 } + r.citeWhen.map(\.when)
            for e in exprs { PolicyReferences.visit(e, policy, &names) }
            rules[r.id] = names
        }
    }

    private static func visit(_ e: CheckedExpr, _ policy: Policy, _ names: inout Names) {
        func go(_ e: CheckedExpr) { visit(e, policy, &names) }
        switch e.kind {
        case .parameter(let i): names.add(parameter: policy.parameters[i].name)
        case .definition(let i): names.add(definition: policy.definitions[i].name)
        case .constant, .fact, .local, .asOf: break
        case .member(let b, _, _), .negate(let b), .not(let b), .present(let b), .periodBound(let b, _): go(b)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b),
             .inList(let a, let b, _), .inPeriod(let a, let b, _), .otherwise(let a, let b), .lookup(let a, let b):
            go(a)
            go(b)
        case .list(let items), .extremum(_, let items): items.forEach(go)
        case .conditional(let c, let a, let b): [c, a, b].forEach(go)
        case .aggregate(_, let body, _, _, let source, let filter):
            go(source)
            filter.map(go)
            go(body)
        }
    }
}
