import ClauseLanguage

extension CheckedExpr {
    /// Whether the expression reads a fact whose dotted name satisfies `test` (`decision.outcome`).
    func readsFact(_ test: (String) -> Bool) -> Bool {
        var found = false
        visit { e in
            if case .fact(_, let name) = e.kind, test(name) { found = true }
        }
        return found
    }

    /// Calls `body` on this node and every node under it.
    func visit(_ body: (CheckedExpr) -> Void) {
        body(self)
        switch kind {
        case .constant, .fact, .local, .asOf, .parameter, .definition: break
        case .member(let b, _, _), .negate(let b), .not(let b), .present(let b), .periodBound(let b, _): b.visit(body)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b),
             .inList(let a, let b, _), .inPeriod(let a, let b, _), .otherwise(let a, let b), .lookup(let a, let b):
            a.visit(body)
            b.visit(body)
        case .list(let items), .extremum(_, let items): items.forEach { $0.visit(body) }
        case .conditional(let c, let a, let b): [c, a, b].forEach { $0.visit(body) }
        case .aggregate(_, let b, _, _, let source, let filter):
            source.visit(body)
            filter?.visit(body)
            b.visit(body)
        }
    }
}
