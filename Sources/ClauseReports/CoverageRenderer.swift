import ClauseEngine
import ClauseLanguage

/// `clause test --coverage`: per package, the rules seen deciding and not deciding, and the gaps
/// listed by clause citation so policy staff can find them in the text.
package enum CoverageRenderer {
    package static func text(_ c: RuleCoverage) -> String {
        var out = ""
        for p in c.policies {
            out += "coverage of \(p.name): \(p.coveredCount)/\(p.rules.count) rules seen deciding and not deciding (\(percent(p.percent)))"
            let clauses = p.clauses
            out += ", \(clauses.filter(\.covered).count)/\(clauses.count) clauses\n"
            for r in p.rules where !r.covered {
                let cite = r.clauses.map { p.policy.cite($0) ?? $0 }.joined(separator: "、")
                let gap = !r.decided && !r.notDecided ? "never evaluated" : r.decided ? "never seen not deciding" : "never seen deciding"
                out += "  uncovered: [\(cite)] \(r.rule): \(gap)\n"
            }
            for (id, covered) in clauses where !covered {
                out += "  uncovered clause: \(p.policy.cite(id) ?? id) (\(id))\n"
            }
        }
        return out
    }

    package static func percent(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }
}
