import ClauseLanguage

/// Which rules (and clauses) a scenario suite exercised, both deciding and not deciding.
///
/// A rule is *covered* when some scenario saw it decide (refuse, award, send to review, or for a
/// `needs` rule make the case incomplete) and some scenario saw it not decide (pass, or not apply).
/// A rule seen only one way could be changed in the other without any scenario noticing.
package struct RuleCoverage: Sendable {
    package struct Entry: Sendable {
        package var rule: String
        package var clauses: [String]
        package var decided = false
        package var notDecided = false
        package var covered: Bool { decided && notDecided }
    }

    /// One policy as the scenarios ran it: a base package, or a base with its amendments.
    package struct PolicyCoverage: Sendable {
        package var policy: Policy
        package var rules: [Entry]

        package var name: String { policy.packages.map(\.id).joined(separator: " + ") }
        package var coveredCount: Int { rules.filter(\.covered).count }
        package var percent: Double { rules.isEmpty ? 100 : Double(coveredCount) * 100 / Double(rules.count) }

        /// Clauses cited by rules, and whether at least one of their rules is covered.
        package var clauses: [(id: String, covered: Bool)] {
            var order: [String] = []
            var covered: [String: Bool] = [:]
            for r in rules {
                for c in r.clauses {
                    if covered[c] == nil { order.append(c) }
                    covered[c] = (covered[c] ?? false) || r.covered
                }
            }
            return order.map { ($0, covered[$0]!) }
        }
    }

    package private(set) var policies: [PolicyCoverage] = []
    private var index: [String: Int] = [:]

    package init() {}

    package mutating func record(_ d: Decision, under policy: Policy) {
        let key = policy.digest
        if index[key] == nil {
            index[key] = policies.count
            policies.append(PolicyCoverage(policy: policy, rules: policy.rules.map { r in
                // The clauses a rule cites on a branch (`cite:`) are its clauses too.
                Entry(rule: r.id, clauses: r.clauses + r.citeWhen.flatMap(\.clauses).filter { !r.clauses.contains($0) })
            }))
        }
        let i = index[key]!
        for (k, rt) in d.rules.enumerated() where k < policies[i].rules.count {
            switch rt.status {
            case .fired: policies[i].rules[k].decided = true
            case .pending where rt.kind == .needs: policies[i].rules[k].decided = true
            case .passed, .notApplicable: policies[i].rules[k].notDecided = true
            case .pending, .notInForce: break
            }
        }
    }
}
