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
            var package = RandomPackage(rng: rng)
            let text = package.policyYAML()
            rng = package.rng
            let dir = "\(root)/p\(n)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try text.write(toFile: "\(dir)/policy.yaml", atomically: true, encoding: .utf8)
            let repository = PolicyRepository(explicit: dir, environment: [:])
            guard let policy = repository.load(dir).policy else {
                Issue.record("random package \(n) does not load")
                continue
            }
            let compiled = repository.compiled(policy)
            let reads = RemedyReads(policy)
            let loader = CaseLoader(repository: repository)
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
        // Changes to a list's elements are among those compared.
        #expect(elements > 0)
    }
}
