import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// Reads workflow scenario files:
///
///     base: ../../Playground/cases/history-paid.yaml
///     workflow_scenarios:
///       - name: 浑南区工信部门初审铁西区企业，违反属地原则
///         with: { history[1].by.district: 浑南区 }
///         expect: { state: paid, violations: [art8.2], kinds: [guard] }
///
/// A scenario changes its base with `with` (dotted paths, `history[2].amount`), replaces the
/// whole history with `history`, or adds events at its end with `append`.
package enum WorkflowScenarioReader {
    static let fileKeys = ["base", "description", "workflow_scenarios"]
    static let scenarioKeys = ["name", "description", "case", "with", "without", "history", "append", "as_of", "expect"]
    static let expectKeys = ["state", "violations", "findings", "kinds", "at", "corrected_by", "next", "steps", "clawback", "paid", "outcome", "amount", "ban_until"]

    /// Whether the file holds workflow scenarios (a top-level `workflow_scenarios:`).
    package static func isWorkflowScenarioFile(_ path: String) -> Bool {
        var bag = DiagnosticBag()
        guard case .mapping(let m)? = YAMLReader.read(path: path, into: &bag).root else { return false }
        return m["workflow_scenarios"] != nil
    }

    package static func read(path: String, into bag: inout DiagnosticBag) -> [WorkflowScenario] {
        let (_, rootNode) = YAMLReader.read(path: path, into: &bag)
        guard let rootNode else { return [] }
        var access = NodeAccess()
        defer { bag.append(contentsOf: access.bag) }
        guard let root = access.mapping(rootNode, "a workflow scenario file") else { return [] }
        access.checkKeys(root, allowed: fileKeys, required: ["workflow_scenarios"], in: "a workflow scenario file")
        let dir = (path as NSString).deletingLastPathComponent
        var base: (YAMLNode, String)?
        if let b = root["base"] { base = ScenarioCase.source(b, dir: dir, scenarioFile: path, &access) }
        guard let list = root["workflow_scenarios"].flatMap({ access.sequence($0, "'workflow_scenarios'") }) else { return [] }
        var out: [WorkflowScenario] = []
        for item in list.items {
            guard let m = access.mapping(item, "a workflow scenario") else { continue }
            access.checkKeys(m, allowed: scenarioKeys, required: ["name", "expect"], in: "a workflow scenario")
            let name = access.text(m, "name", "a workflow scenario") ?? "?"
            var source = base
            if let c = m["case"] { source = ScenarioCase.source(c, dir: dir, scenarioFile: path, &access) }
            guard let (start, casePath) = source else {
                access.bag.error("scenario.no-case", "scenario '\(name)' has no case: give 'case' or a file-level 'base'", at: m.range)
                continue
            }
            var node = start
            if let h = m["history"] { ScenarioCase.patch(&node, "history", h, at: h.range, &access) }
            node = ScenarioCase.patched(node, by: m, &access)
            if let a = m["append"], let extra = access.sequence(a, "'append'") {
                var items: [YAMLNode] = []
                if case .mapping(let cm) = node, case .sequence(let s)? = cm["history"] { items = s.items }
                ScenarioCase.patch(&node, "history", .sequence(YAMLNode.Sequence(items: items + extra.items, range: extra.range)), at: a.range,
                                   &access)
            }
            let asOf = ScenarioCase.asOf(m, &access)
            guard let e = m["expect"], let em = access.mapping(e, "'expect'") else { continue }
            out.append(WorkflowScenario(name: name, file: path, range: m.range, caseNode: node, casePath: casePath, asOf: asOf,
                                        expect: expectation(em, &access)))
        }
        return out
    }

    private static func expectation(_ m: YAMLNode.Mapping, _ access: inout NodeAccess) -> WorkflowExpectation {
        access.checkKeys(m, allowed: expectKeys, in: "'expect'")
        var e = WorkflowExpectation()
        func words(_ key: String) -> [String]? {
            guard let n = m[key] else { return nil }
            guard let seq = access.sequence(n, "a list for '\(key)'") else { return [] }
            return seq.items.compactMap { access.scalar($0, "a name")?.text }
        }
        e.state = access.text(m, "state", "'expect'")
        e.violations = words("violations")
        e.findings = words("findings")
        e.kinds = words("kinds")
        for k in e.kinds ?? [] where CaseReplay.Violation.Kind(rawValue: k) == nil {
            let all = CaseReplay.Violation.Kind.allCases.map(\.rawValue)
            access.bag.error("scenario.kind", "unknown violation kind '\(k)'\(Suggestion.hint(k, all))", at: m["kinds"]!.range)
        }
        func indices(_ key: String) -> [Int?]? {
            guard let n = m[key], let seq = access.sequence(n, "a list of history indices") else { return nil }
            return seq.items.map { item -> Int? in
                guard case .scalar(let s) = item, !s.isNull, s.text != "none" else { return nil }
                if let i = Int(s.text) { return i }
                access.bag.error("type.int", "expected a history index or none, found '\(s.text)'", at: s.range)
                return nil
            }
        }
        e.at = indices("at")
        e.correctedBy = indices("corrected_by")
        e.steps = words("steps")
        if let n = m["next"], let nm = access.mapping(n, "'next'") {
            for (role, value) in nm.entries {
                var events: [String] = []
                if let seq = access.sequence(value, "a list of events") { events = seq.items.compactMap { access.scalar($0, "an event")?.text } }
                e.next.append((role.text, events))
            }
        }
        for key in ["clawback", "paid", "amount"] {
            guard let n = m[key], let s = access.scalar(n, "an amount") else { continue }
            switch DecimalText.scaled(Substring(s.text), scale: 2) {
            case .success(let fen):
                switch key {
                case "clawback": e.clawback = Money(fen: fen)
                case "paid": e.paid = Money(fen: fen)
                default: e.amount = Money(fen: fen)
                }
            case .failure: access.bag.error("type.money", "'\(s.text)' is not an amount such as 120000.00", at: s.range)
            }
        }
        if let n = m["outcome"], let s = access.scalar(n, "an outcome") {
            if Decision.Outcome(rawValue: s.text) == nil {
                access.bag.error("scenario.outcome", "unknown outcome '\(s.text)': expected granted, refused, incomplete or review", at: s.range)
            } else {
                e.outcome = s.text
            }
        }
        if let b = m["ban_until"] {
            if case .scalar(let s) = b, s.isNull || s.text == "none" { e.banUntil = .some(nil) } else if let s = access.scalar(b, "a date") {
                if let d = CivilDate(iso: Substring(s.text)) { e.banUntil = .some(d) } else {
                    access.bag.error("type.date", CivilDate.problem(s.text), at: s.range)
                }
            }
        }
        return e
    }
}
