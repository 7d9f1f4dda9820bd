import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Runs workflow scenarios and says, for each that fails, what was expected and what came out.
package struct WorkflowScenarioRunner {
    package struct Result: Sendable {
        package var scenario: WorkflowScenario
        package var failures: [String]
        package var diagnostics: [Diagnostic]
        package var replay: CaseReplay?
        package var passed: Bool { failures.isEmpty && diagnostics.isEmpty }
    }

    package let session: WorkflowSession

    package init(session: WorkflowSession) { self.session = session }

    package func run(_ s: WorkflowScenario) -> Result {
        switch session.replay(root: s.caseNode, path: s.casePath, asOf: s.asOf) {
        case .failure(let e): return Result(scenario: s, failures: [], diagnostics: e.diagnostics, replay: nil)
        case .success(let r): return Result(scenario: s, failures: Self.compare(s.expect, r), diagnostics: [], replay: r)
        }
    }

    package static func compare(_ e: WorkflowExpectation, _ r: CaseReplay) -> [String] {
        var out: [String] = []
        func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ", ") + "]" }
        if let s = e.state, s != r.state.name { out.append("state: expected \(s), got \(r.state.name)") }
        if let v = e.violations, v != r.violations.map(\.clause) {
            out.append("violations: expected \(list(v)), got \(list(r.violations.map(\.clause)))")
        }
        if let f = e.findings, f != r.findings.map(\.clause) {
            out.append("findings: expected \(list(f)), got \(list(r.findings.map(\.clause)))")
        }
        if let k = e.kinds, k != r.violations.map(\.kind.rawValue) {
            out.append("kinds: expected \(list(k)), got \(list(r.violations.map(\.kind.rawValue)))")
        }
        if let a = e.at, a != r.violations.map(\.event) {
            func show(_ xs: [Int?]) -> String { list(xs.map { $0.map(String.init) ?? "none" }) }
            out.append("at: expected \(show(a)), got \(show(r.violations.map(\.event)))")
        }
        if let c = e.correctedBy, c != r.violations.map(\.correctedBy) {
            func show(_ xs: [Int?]) -> String { list(xs.map { $0.map(String.init) ?? "none" }) }
            out.append("corrected_by: expected \(show(c)), got \(show(r.violations.map(\.correctedBy)))")
        }
        if let steps = e.steps {
            let got = r.steps.map { "\($0.event):\($0.from)->\($0.to)" }
            if steps != got { out.append("steps: expected \(list(steps)), got \(list(got))") }
        }
        for (role, events) in e.next {
            guard let entry = r.next.first(where: { $0.role.name == role }) else {
                out.append("next: no role '\(role)'")
                continue
            }
            let got = entry.events.map(\.name)
            if got != events { out.append("next \(role): expected \(list(events)), got \(list(got))") }
        }
        if let c = e.clawback, c != r.clawback { out.append("clawback: expected \(c.plain), got \(r.clawback.plain)") }
        if let p = e.paid, p != r.paid { out.append("paid: expected \(p.plain), got \(r.paid.plain)") }
        if let o = e.outcome, o != r.decision?.outcome.rawValue {
            out.append("outcome: expected \(o), got \(r.decision?.outcome.rawValue ?? "no decision")")
        }
        if let a = e.amount, a != r.decision?.amount { out.append("amount: expected \(a.plain), got \(r.decision?.amount.plain ?? "no decision")") }
        if let b = e.banUntil, b != r.banUntil {
            out.append("ban_until: expected \(b?.iso ?? "none"), got \(r.banUntil?.iso ?? "none")")
        }
        for v in r.violations where e.violations == nil && e.kinds == nil {
            out.append("unexpected violation \(v.clause): \(v.message)")
        }
        return out
    }
}
