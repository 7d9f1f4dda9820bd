import ClauseLanguage

/// Why one case's decision differs between two packages: the rules whose results differ, and
/// beneath them the definitions and parameters whose values differ and that those rules read.
///
/// A parameter is compared by the value in force on the case's evaluation date in each package;
/// a definition by its value in each decision's trace. The search goes down from a changed rule
/// through the definitions it reads, and through a definition only when its value differs for
/// this case: a parameter that changed but did not move any value this case used is not its cause.
package struct ChangeCauses: Sendable {
    let base: Policy
    let proposed: Policy
    let baseReferences: PolicyReferences
    let proposedReferences: PolicyReferences

    package init(base: Policy, proposed: Policy) {
        self.base = base
        self.proposed = proposed
        baseReferences = PolicyReferences(base)
        proposedReferences = PolicyReferences(proposed)
    }

    /// The causes for a case decided `a` under the base and `b` under the proposal, both traced:
    /// rules first (in package order), then definitions, then parameters (in the order reached).
    package func causes(_ a: Decision, _ b: Decision) -> [ImpactDiff.Cause] {
        let rules = ChangeCauses.changedRules(a, b)
        var out = rules
        var definitions: [ImpactDiff.Cause] = [], parameters: [ImpactDiff.Cause] = []
        var seenDefinitions = Set<String>(), seenParameters = Set<String>()
        let baseDefinitions = Dictionary(a.definitions.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let proposedDefinitions = Dictionary(b.definitions.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })

        func follow(_ names: [PolicyReferences.Names?]) {
            for n in names.compactMap({ $0 }) {
                for p in n.parameters where seenParameters.insert(p).inserted {
                    if let c = parameterCause(p, a.asOf, b.asOf) { parameters.append(c) }
                }
                for d in n.definitions where seenDefinitions.insert(d).inserted {
                    guard let c = definitionCause(d, baseDefinitions[d], proposedDefinitions[d]) else { continue }
                    definitions.append(c)
                    follow([baseReferences.definitions[d], proposedReferences.definitions[d]])
                }
            }
        }
        for r in rules { follow([baseReferences.rules[r.name], proposedReferences.rules[r.name]]) }
        out += definitions
        out += parameters
        return out
    }

    /// The rules whose status, amount or missing facts differ; a rule in one package only counts
    /// when it decided (or awaited facts) there.
    package static func changedRules(_ a: Decision, _ b: Decision) -> [ImpactDiff.Cause] {
        var before: [String: RuleTrace] = [:]
        for r in a.rules where before[r.rule] == nil { before[r.rule] = r }
        var out: [ImpactDiff.Cause] = []
        var seen = Set<String>()
        func differs(_ x: RuleTrace?, _ y: RuleTrace?) -> Bool {
            guard let x, let y else { return (x ?? y).map { $0.status == .fired || $0.status == .pending } ?? false }
            return x.status != y.status || x.amount != y.amount || x.missing != y.missing
        }
        func cause(_ x: RuleTrace?, _ y: RuleTrace?) -> ImpactDiff.Cause {
            let r = (y ?? x)!
            return ImpactDiff.Cause(kind: .rule, name: r.rule, clause: r.clauses.first ?? "", clauses: r.clauses,
                                    base: x.map { .rule($0.status, $0.amount) }, proposed: y.map { .rule($0.status, $0.amount) })
        }
        for r in b.rules where differs(before[r.rule], r) && seen.insert(r.rule).inserted {
            out.append(cause(before[r.rule], r))
        }
        let after = Set(b.rules.map(\.rule))
        for r in a.rules where !after.contains(r.rule) && differs(r, nil) && seen.insert(r.rule).inserted {
            out.append(cause(r, nil))
        }
        return out
    }

    /// A parameter whose value in force differs (or that only one package has).
    private func parameterCause(_ name: String, _ baseDate: CivilDate, _ proposedDate: CivilDate) -> ImpactDiff.Cause? {
        let x = base.parameters.first { $0.name == name }.map { ($0, $0.value(on: baseDate)) }
        let y = proposed.parameters.first { $0.name == name }.map { ($0, $0.value(on: proposedDate)) }
        switch (x, y) {
        case (nil, nil): return nil
        case (let x?, let y?) where ValueComparison.same(x.1.value, in: base, y.1.value, in: proposed): return nil
        default: break
        }
        // The clause of the value that now applies: an amendment's notice when it set it.
        let clause = y?.1.clause ?? x?.1.clause ?? ""
        return ImpactDiff.Cause(kind: .parameter, name: name, clause: clause, clauses: [clause], label: y?.0.label ?? x?.0.label,
                                base: x.map { .value($0.1.value, $0.0.type) }, proposed: y.map { .value($0.1.value, $0.0.type) })
    }

    /// A definition whose traced value differs (or that only one decision evaluated).
    private func definitionCause(_ name: String, _ x: DefinitionTrace?, _ y: DefinitionTrace?) -> ImpactDiff.Cause? {
        func shown(_ t: DefinitionTrace?) -> ImpactDiff.Shown? {
            guard let t else { return nil }
            switch t.node.result {
            case .value(let v): return .value(v, t.node.type)
            case .missing(let m): return .missing(m)
            }
        }
        let xs = shown(x), ys = shown(y)
        switch (xs, ys) {
        case (nil, nil): return nil
        case (.value(let a, _)?, .value(let b, _)?) where ValueComparison.same(a, in: base, b, in: proposed): return nil
        case (.missing?, .missing?): return nil
        default: break
        }
        let definition = proposed.definitions.first { $0.name == name } ?? base.definitions.first { $0.name == name }
        let clause = (y ?? x)?.clause ?? definition?.clause ?? ""
        return ImpactDiff.Cause(kind: .definition, name: name, clause: clause, clauses: clause.isEmpty ? [] : [clause],
                                label: (y ?? x)?.label, base: xs, proposed: ys)
    }
}

/// Values of two packages compared by what they mean: enum values by name, since two packages
/// may declare an enum's cases (and so number them) differently.
package enum ValueComparison {
    package static func same(_ a: Value, in pa: Policy, _ b: Value, in pb: Policy) -> Bool {
        switch (a, b) {
        case (.enumCase(let t, let i), .enumCase(let u, let j)):
            return pa.enums[t].cases[i].name == pb.enums[u].cases[j].name
        case (.list(let xs), .list(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { same($0, in: pa, $1, in: pb) }
        case (.record(let xs), .record(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { x, y in
                switch (x, y) {
                case (nil, nil): true
                case (let x?, let y?): same(x, in: pa, y, in: pb)
                default: false
                }
            }
        default:
            return a == b
        }
    }
}
