@testable import ClauseEngine
import ClauseLanguage
import ClauseTestSupport
import Foundation
import Testing

/// The remedy search decides a changed case again with only the rules that read the changed
/// fact; on random packages (lists of records aggregated with filters, dated parameters,
/// optional and defaulted facts, definitions), that must find what deciding it whole finds.
@Suite struct RandomPackageRerunTests {
    @Test func rerunningTheReadersDecidesAsAWholeVerdictOnRandomPackages() throws {
        var rng = SeededGenerator(seed: RandomPackageTests.seed)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clause-random-rerun-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var tally = RerunTally()
        var elements = 0
        for n in 0..<20 {
            var (package, repository, loaded, _) = try RandomPackage.written(n, rng: &rng, under: root)
            let policy = try #require(loaded.policy, "random package \(n) does not load")
            let (compiled, reads, loader) = (repository.compiled(policy), RemedyReads(policy), CaseLoader(repository: repository))
            for k in 0..<20 {
                guard case .ready(let c, _) = loader.load(text: package.caseYAML(k), path: "case-\(k).yaml") else { continue }
                tally.compare(c, compiled, reads, candidates: 60)
                var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: CivilDate(days: 20_000), sites: reads.sites)
                for r in policy.rules.indices { candidates.collect(r) }
                elements += candidates.found.filter { $0.address.namesAnElement }.count
            }
        }
        #expect(tally.compared > 2000)
        #expect(tally.kept > 0)
        // Random packages date their parameters: changes that move the date are compared too.
        #expect(tally.keptOnAnotherDate > 0)
        // Changes to a list's elements are among those compared.
        #expect(elements > 0)
    }
}
