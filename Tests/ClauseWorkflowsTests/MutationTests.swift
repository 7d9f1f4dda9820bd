import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Mutation testing of the Shenyang scenario suite: every parameter of the package is moved a
/// little (a fen, a day, a percent, a level, an element of a list) in a copy of the package, and
/// at least one scenario must fail against that copy. A parameter the suite does not pin down
/// would let a wrong amendment through unnoticed.
@Suite struct MutationTests {
    struct Mutation: Sendable, CustomTestStringConvertible {
        var parameter: String
        var literal: String
        var testDescription: String { "\(parameter) → \(literal)" }
    }

    static let mutations: [Mutation] = {
        var out: [Mutation] = []
        let p = Repo.shenyang
        for param in p.parameters {
            for literal in neighbours(param.values[0].value, param.type, p) {
                out.append(Mutation(parameter: param.name, literal: literal))
            }
        }
        return out
    }()

    /// Literals a small step away from `v`, written as a policy author would write them.
    static func neighbours(_ v: Value, _ type: ValueType, _ p: Policy) -> [String] {
        func day(_ d: CivilDate, _ k: Int32) -> String { CivilDate(days: d.days + k).iso }
        switch v {
        case .money(let m): return ["\(Money(fen: m.fen + 1).plain)元", "\(Money(fen: m.fen - 1).plain)元"]
        case .percent(let r): return [Percent(millionths: r.millionths + 10_000).display, Percent(millionths: r.millionths - 10_000).display]
        case .int(let n): return ["\(n + 1)", "\(n - 1)"]
        case .date(let d): return [day(d, 1), day(d, -1)]
        case .period(let r):
            return ["\(day(r.start, 1))..\(r.end.iso)", "\(day(r.start, -1))..\(r.end.iso)",
                    "\(r.start.iso)..\(day(r.end, 1))", "\(r.start.iso)..\(day(r.end, -1))"]
        case .duration(let d): return ["\(d.years + 1) years", "\(d.years - 1) years", "\(d.years) years + 1 day"]
        case .table(let t):
            // A table of dates (the work plan's windows): each row a day later and a day earlier.
            let rows = t.rows.compactMap { r -> (Int64, CivilDate)? in
                guard case .int(let k) = r.key, case .date(let d) = r.value else { return nil }
                return (k, d)
            }
            guard rows.count == t.rows.count, t.fallback == nil else { return [] }
            func written(_ changed: Int, _ k: Int32) -> String {
                "{ " + rows.enumerated().map { i, r in "\(r.0): \(i == changed ? day(r.1, k) : r.1.iso)" }.joined(separator: ", ") + " }"
            }
            return rows.indices.flatMap { [written($0, 1), written($0, -1)] }
        case .list(let items):
            guard case .list(.enumeration(let t)) = type else { return [] }
            let names = items.compactMap { item -> String? in
                if case .enumCase(_, let i) = item { return p.enums[t].cases[i].name }
                return nil
            }
            var out = names.indices.map { i in "[" + names.enumerated().filter { $0.offset != i }.map(\.element).joined(separator: ", ") + "]" }
            for extra in p.enums[t].cases.map(\.name) where !names.contains(extra) {
                out.append("[" + (names + [extra]).joined(separator: ", ") + "]")
            }
            return out
        default: return []
        }
    }

    @Test func everyParameterHasMutations() {
        #expect(Set(MutationTests.mutations.map(\.parameter)) == Set(Repo.shenyang.parameters.map(\.name)))
    }

    @Test(arguments: mutations)
    func scenarioSuiteNoticesTheChange(_ m: Mutation) throws {
        let dir = try Self.mutatedCopy(m)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PolicyLoader.load(dir).policy != nil, "the mutated package must still load")
        let runner = ScenarioRunner(repository: PolicyRepository(explicit: dir))
        var failed = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: "\(Repo.shenyangDirectory)/tests").sorted() where file.hasSuffix(".yaml") {
            var bag = DiagnosticBag()
            for var s in ScenarioReader.read(path: "\(Repo.shenyangDirectory)/tests/\(file)", into: &bag) {
                s.policyDirectory = dir
                if !runner.run(s).passed { failed += 1 }
            }
        }
        // A number only the workflows read (a work-plan window) is pinned by the workflow scenarios.
        if failed == 0 { failed = try WorkflowMutationTests.failingWorkflowScenarios(dir).count }
        #expect(failed > 0, "no scenario fails when \(m.parameter) becomes \(m.literal)")
    }

    /// A copy of the package with one parameter's `value:` replaced.
    static func mutatedCopy(_ m: Mutation) throws -> String {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("clause-mutant-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: Repo.shenyangDirectory) where name.hasSuffix(".yaml") {
            var text = try String(contentsOfFile: "\(Repo.shenyangDirectory)/\(name)", encoding: .utf8)
            if m.parameter == PolicyLoader.validityName, name == "policy.yaml" {
                // `valid:` is the parameter `validity`: its period is written in policy.yaml.
                let bounds = m.literal.components(separatedBy: "..")
                var lines = text.components(separatedBy: "\n")
                let v = try #require(lines.firstIndex { $0.hasPrefix("valid: ") })
                lines[v] = "valid: { from: \(bounds[0]), to: \(bounds[1]), clause: art16 }"
                text = lines.joined(separator: "\n")
            }
            if name == "parameters.yaml", m.parameter != PolicyLoader.validityName {
                var lines = text.components(separatedBy: "\n")
                let start = try #require(lines.firstIndex(of: "  \(m.parameter):"))
                let v = try #require(lines[start...].firstIndex { $0.hasPrefix("    value: ") })
                lines[v] = "    value: \(m.literal)"
                text = lines.joined(separator: "\n")
            }
            try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
        }
        return dir
    }
}
