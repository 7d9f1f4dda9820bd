import ClauseSyntax

/// Warnings about a package that loads but is probably not what its author meant: parameters,
/// definitions and enums that nothing uses (often a typo's twin, or a rule deleted without its
/// numbers). They do not stop a package from deciding cases.
package enum PolicyLint {
    package static func warnings(_ p: Policy) -> [Diagnostic] {
        var parameters = Set<Int>(), definitions = Set<Int>(), enums = Set<Int>()
        func visit(_ e: CheckedExpr) {
            note(e.type)
            switch e.kind {
            case .parameter(let i): parameters.insert(i)
            case .definition(let i): definitions.insert(i)
            case .constant, .fact, .local, .asOf: break
            case .member(let b, _, _), .negate(let b), .not(let b), .present(let b), .periodBound(let b, _): visit(b)
            case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b),
                 .inList(let a, let b, _), .inPeriod(let a, let b, _), .otherwise(let a, let b), .lookup(let a, let b):
                visit(a)
                visit(b)
            case .list(let items), .extremum(_, let items): items.forEach(visit)
            case .conditional(let c, let a, let b): [c, a, b].forEach(visit)
            case .aggregate(_, let body, _, _, let source, let filter):
                visit(body)
                visit(source)
                filter.map(visit)
            }
        }
        func note(_ t: ValueType) {
            switch t {
            case .enumeration(let i): enums.insert(i)
            case .list(let w), .optional(let w): note(w)
            case .table(let k, let v):
                note(k)
                note(v)
            default: break
            }
        }
        for d in p.definitions { visit(d.expr) }
        for r in p.rules {
            ([r.applies, r.cap, r.clawback, r.banUntil].compactMap { $0 } + [r.main] + r.needs + r.lets.map(\.expr)
                + r.citeWhen.map(\.when)).forEach(visit)
            for t in [r.say, r.sayEn, r.fix, r.fixEn].compactMap({ $0 }) {
                for case .value(let e) in t.parts { visit(e) }
            }
        }
        // A ledger limit that depends on the case reads what it names.
        for m in p.ledger { if case .expression(let e, _)? = m.limit { visit(e) } }
        for a in p.indicators.compactMap({ $0.measure.aggregate }) { [a.filter, a.date].compactMap { $0 }.forEach(visit) }
        if let f = p.funding { enums.insert(f.sourceEnum) }
        // An enum a fact is declared with counts as used: case files are validated against it.
        for schema in p.records { schema.fields.forEach { note($0.type) } }
        p.parameters.forEach { note($0.type) }
        var out: [Diagnostic] = []
        for (i, x) in p.parameters.enumerated() where !parameters.contains(i) && !x.readByWorkflows {
            out.append(Diagnostic(.warning, id: "lint.unused-parameter", "parameter '\(x.name)' is not used by any rule", at: x.range))
        }
        for (i, x) in p.definitions.enumerated() where !definitions.contains(i) {
            out.append(Diagnostic(.warning, id: "lint.unused-definition", "definition '\(x.name)' is not used by any rule", at: x.range))
        }
        for (i, x) in p.enums.enumerated() where !enums.contains(i) {
            out.append(Diagnostic(.warning, id: "lint.unused-enum", "enum '\(x.name)' is not the type of any fact or parameter",
                                  at: x.range))
        }
        // Roles taken by name still work, but a reader of facts.yaml cannot see them.
        for role in p.rolesByName {
            let path: [Int]? = role == "item" ? p.itemSlot.map { [$0] } : p.districtPath
            guard let path, let field = p.fields(along: pathText(path, p)).last else { continue }
            out.append(Diagnostic(.note, id: "lint.role-by-name",
                                  "fact '\(field.path)' is taken as the \(role) by its name: declare 'role: \(role)' on it", at: field.range))
        }
        return out + restatedValidity(p) + awardsIgnoringLedgerRoom(p)
    }

    /// A rule citing the clause of `valid:` that compares the application date with other dates
    /// than `valid:` says: two readings of one article, and the stricter one wins unseen.
    static func restatedValidity(_ p: Policy) -> [Diagnostic] {
        guard let valid = p.valid, let v = p.rules.first(where: { $0.id == PolicyLoader.validityName }), let clause = v.clauses.first else {
            return []
        }
        let bounds: Set<Int32> = [valid.start.days, valid.end.days, valid.start.days - 1, valid.end.days + 1]
        var out: [Diagnostic] = []
        for r in p.rules where r.id != v.id && r.clauses.contains(clause) {
            var dates: [CivilDate] = []
            func dateValues(_ e: CheckedExpr) -> [CivilDate] {
                switch e.kind {
                case .constant(.date(let d)): return [d]
                case .constant(.period(let q)): return [q.start, q.end]
                case .parameter(let i):
                    return p.parameters[i].values.flatMap { dv -> [CivilDate] in
                        switch dv.value {
                        case .date(let d): [d]
                        case .period(let q): [q.start, q.end]
                        default: []
                        }
                    }
                default: return []
                }
            }
            func isApplicationDate(_ e: CheckedExpr) -> Bool {
                if case .fact(_, let name) = e.kind { return name == PolicyLoader.applicationDateFact }
                if case .asOf = e.kind { return true }
                return false
            }
            func visit(_ e: CheckedExpr) {
                switch e.kind {
                case .compare(_, let a, let b), .inPeriod(let a, let b, _):
                    if isApplicationDate(a) { dates += dateValues(b) }
                    if isApplicationDate(b) { dates += dateValues(a) }
                case .not(let a): visit(a)
                case .and(let a, let b), .or(let a, let b): visit(a); visit(b)
                default: break
                }
            }
            ([r.applies].compactMap { $0 } + [r.main]).forEach(visit)
            if let other = dates.first(where: { !bounds.contains($0.days) }) {
                out.append(Diagnostic(.warning, id: "lint.validity-restated",
                                      "rule '\(r.id)' judges the application date against \(other.iso), but 'valid:' already refuses "
                                          + "applications outside \(valid.start.iso)..\(valid.end.iso) under '\(clause)': keep one reading",
                                      at: r.range))
            }
        }
        return out
    }

    private static func pathText(_ path: [Int], _ p: Policy) -> String {
        var schema = p.caseSchema
        var names: [String] = []
        for i in path {
            let f = schema.fields[i]
            names.append(f.name)
            if case .record(let r) = f.type.unwrapped { schema = p.records[r] }
        }
        return names.joined(separator: ".")
    }
}
