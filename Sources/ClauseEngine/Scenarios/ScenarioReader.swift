import ClauseLanguage
import ClauseSyntax
import Foundation

/// Reads scenario files (`tests/*.yaml` of a package):
///
///     base: ../../../Playground/cases/transformation-granted.yaml   # or an inline case
///     scenarios:
///       - name: 合规投入一分钱，补贴五厘四舍五入为一分
///         with: { project.expenses: [{name: 网关, category: gateway, amount: 0.01, paid_on: 2024-05-01}] }
///         expect: { outcome: granted, amount: 0.01, reasons: [art4.1] }
package enum ScenarioReader {
    static let fileKeys = ["base", "policy", "scenarios", "description"]
    static let scenarioKeys = ["name", "case", "with", "without", "as_of", "expect", "description", "recorded"]
    static let expectKeys = ["outcome", "amount", "reasons", "only_reasons", "not_reasons", "missing", "clawback", "blacklisted_until"]

    package static func read(path: String, into bag: inout DiagnosticBag) -> [Scenario] {
        let (_, rootNode) = YAMLReader.read(path: path, into: &bag)
        guard let rootNode else { return [] }
        var access = NodeAccess()
        defer { bag.append(contentsOf: access.bag) }
        guard let root = access.mapping(rootNode, "a scenario file") else { return [] }
        access.checkKeys(root, allowed: fileKeys, required: ["scenarios"], in: "a scenario file")
        let dir = (path as NSString).deletingLastPathComponent
        var base: (node: YAMLNode, path: String)?
        if let b = root["base"] { base = ScenarioCase.source(b, dir: dir, scenarioFile: path, &access) }
        // The package under test: the file's `policy:` folder, else the package whose tests/ holds it.
        let policyDir = root["policy"].flatMap { access.scalar($0, "a policy folder") }.map { ScenarioCase.resolve($0.text, dir) }
            ?? owningPackage(of: path)
        guard let list = root["scenarios"].flatMap({ access.sequence($0, "'scenarios'") }) else { return [] }
        var out: [Scenario] = []
        for item in list.items {
            guard let m = access.mapping(item, "a scenario") else { continue }
            access.checkKeys(m, allowed: scenarioKeys, required: ["name", "expect"], in: "a scenario")
            let name = access.text(m, "name", "a scenario") ?? "?"
            var source = base
            if let c = m["case"] { source = ScenarioCase.source(c, dir: dir, scenarioFile: path, &access) }
            guard let (start, casePath) = source else {
                // A file-level base that could not be read was reported once, where it is written.
                if root["base"] == nil || m["case"] != nil {
                    access.bag.error("scenario.no-case", "scenario '\(name)' has no case: give 'case' or a file-level 'base'", at: m.range)
                }
                continue
            }
            let node = ScenarioCase.patched(start, by: m, &access)
            let asOf = ScenarioCase.asOf(m, &access)
            guard let e = m["expect"], let em = access.mapping(e, "'expect'") else { continue }
            out.append(Scenario(name: name, file: path, range: m.range, caseNode: node, casePath: casePath, asOf: asOf,
                                policyDirectory: policyDir, expect: expectation(em, &access),
                                recorded: m["recorded"].map { recordedGrants($0, case: node, &access) } ?? []))
        }
        return out
    }

    /// `recorded: [{ case: ID, amount: MONEY, on: DATE?, with: {…}? }, …]`: prior grants.
    private static func recordedGrants(_ n: YAMLNode, case node: YAMLNode, _ access: inout NodeAccess) -> [RecordedGrant] {
        guard let seq = access.sequence(n, "'recorded' (a list of prior grants)") else { return [] }
        var out: [RecordedGrant] = []
        for item in seq.items {
            guard let m = access.mapping(item, "a recorded grant") else { continue }
            access.checkKeys(m, allowed: ["case", "amount", "on", "with", "parts", "description"], required: ["case", "amount"], in: "a recorded grant")
            guard let id = access.text(m, "case", "a recorded grant"), let a = m["amount"], let s = access.scalar(a, "an amount") else { continue }
            var amount = Money.zero
            switch ScalarValue.money(s.text) {
            case .success(let v): amount = v
            case .failure(let msg): access.bag.error("type.money", msg, at: s.range)
            }
            var on: CivilDate?
            if let o = m["on"], let os = access.scalar(o, "a date") {
                on = CivilDate(iso: Substring(os.text))
                if on == nil { access.bag.error("type.date", CivilDate.problem(os.text), at: os.range) }
            }
            var recorded = node
            if let w = m["with"], let wm = access.mapping(w, "'with'") {
                for (key, value) in wm.entries { ScenarioCase.patch(&recorded, key.text, value, at: key.range, &access) }
            }
            ScenarioCase.patch(&recorded, "case", .scalar(.init(text: id, style: .plain, range: m.range)), at: m.range, &access)
            var parts: [String: Money] = [:]
            if let p = m["parts"], let pm = access.mapping(p, "'parts' (award part: amount)") {
                for (key, value) in pm.entries {
                    guard let s = access.scalar(value, "an amount") else { continue }
                    switch ScalarValue.money(s.text) {
                    case .success(let v): parts[key.text] = v
                    case .failure(let msg): access.bag.error("type.money", msg, at: s.range)
                    }
                }
            }
            out.append(RecordedGrant(caseID: id, amount: amount, on: on, caseNode: recorded, range: m.range, parts: parts))
        }
        return out
    }

    /// The package a scenario file belongs to: `PKG/tests/FILE.yaml` with a `PKG/policy.yaml`.
    package static func owningPackage(of file: String) -> String? {
        let tests = PackagePath.parent(of: file)
        guard (tests as NSString).lastPathComponent == "tests" else { return nil }
        let package = PackagePath.parent(of: tests)
        return PackagePath.isPackage(package) ? package : nil
    }

    private static func expectation(_ m: YAMLNode.Mapping, _ access: inout NodeAccess) -> Expectation {
        access.checkKeys(m, allowed: expectKeys, in: "'expect'")
        var e = Expectation()
        if let o = m["outcome"], let s = access.scalar(o, "an outcome") {
            e.outcome = Decision.Outcome(rawValue: s.text)
            if e.outcome == nil {
                // Four words: name them all (`grant` is two edits from `granted`, too far for a guess).
                let outcomes = Decision.Outcome.allCases.map(\.rawValue)
                access.bag.error("scenario.outcome", "unknown outcome '\(s.text)': write one of \(outcomes.joined(separator: ", "))"
                                 + Suggestion.hint(s.text, outcomes), at: s.range)
            }
        }
        func money(_ key: String) -> Money? {
            guard let n = m[key], let s = access.scalar(n, "an amount") else { return nil }
            switch ScalarValue.money(s.text) {
            case .success(let v): return v
            case .failure(let msg):
                access.bag.error("type.money", msg, at: s.range)
                return nil
            }
        }
        func ids(_ key: String, _ kind: Expectation.Reference.Kind = .clause) -> [String]? {
            guard let n = m[key] else { return nil }
            guard let seq = access.sequence(n, kind == .clause ? "a list of clause ids" : "a list of fact paths") else { return [] }
            let scalars = seq.items.compactMap { access.scalar($0, kind == .clause ? "a clause id" : "a fact path") }
            e.references += scalars.map { .init(kind: kind, text: $0.text, range: $0.range) }
            return scalars.map(\.text)
        }
        e.amount = money("amount")
        e.clawback = money("clawback")
        e.reasons = ids("reasons") ?? []
        e.onlyReasons = ids("only_reasons")
        e.notReasons = ids("not_reasons") ?? []
        e.missing = ids("missing", .fact)
        if let b = m["blacklisted_until"] {
            if case .scalar(let s) = b, s.isNull || s.text == "none" {
                e.blacklistedUntil = .some(nil)
            } else if let s = access.scalar(b, "a date") {
                if let d = CivilDate(iso: Substring(s.text)) { e.blacklistedUntil = .some(d) } else {
                    access.bag.error("type.date", CivilDate.problem(s.text), at: s.range)
                }
            }
        }
        return e
    }
}
