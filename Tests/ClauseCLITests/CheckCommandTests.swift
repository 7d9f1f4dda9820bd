import ClauseTestSupport
import Foundation
import Testing

/// `clause check` as policy staff meet it: scenarios checked without running, amendments checked
/// on their base, JSON for CI, and `clause init` giving a package that passes as written.
@Suite struct CheckCommandTests {
    static let scenarioFixtures = Repo.path("Tests/Fixtures/invalid-scenarios")

    static func scratch() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clause-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// A copy of the package with the fixture scenario files in its tests/: every mistake is
    /// reported where it is written, and a missing base once, not once per scenario.
    @Test func checkLooksInsideScenarios() throws {
        let root = try CheckCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: Repo.shenyangDirectory, toPath: "\(root)/pkg")
        for name in ["mistakes.yaml", "missing-base.yaml"] {
            try FileManager.default.copyItem(atPath: "\(CheckCommandTests.scenarioFixtures)/\(name)", toPath: "\(root)/pkg/tests/\(name)")
        }
        let r = try ClauseBinary.clause(["check", "pkg"], cwd: root)
        #expect(r.status == 1)
        #expect(r.stdout == "pkg: 10 errors\n")
        FixtureFiles.compare(r.stderr, expectedAt: "\(CheckCommandTests.scenarioFixtures)/expected.txt")
        let json = try ClauseBinary.clause(["check", "pkg", "--format", "json"], cwd: root)
        #expect(json.status == 1)
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 10)
        #expect(lines.contains(#"{"file":"pkg/tests/mistakes.yaml","line":13,"column":24,"severity":"error","id":"scenario.outcome","message":"unknown outcome 'grant': write one of granted, refused, incomplete, review","notes":[]}"#))
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["severity"] as? String == "error")
        }
        #expect(json.stderr == "pkg: 10 errors\n")
    }

    @Test func theProposalChecksOnItsBaseFromAnyFolder() throws {
        let r = try ClauseBinary.clause(["check", Repo.path("Playground/proposals/shenyang-2025-core-sectors"),
                                          "--base", Repo.shenyangDirectory], cwd: NSTemporaryDirectory())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains(": ok — shenyang-sme-dx-fund 2024.1 (shenyang-sme-dx-fund + shenyang-2025-core-sectors):"))
    }

    /// An amendment whose new cap forgets the fund's record (the core-sector room without
    /// `ledger.enterprise_transformation`) would grant its whole cap at every application: a
    /// warning at the rule, not an error.
    @Test func anAwardThatDropsTheLedgerFigureIsWarnedAt() throws {
        let root = try CheckCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let proposal = "\(root)/shenyang-2025-core-sectors"
        try FileManager.default.copyItem(atPath: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), toPath: proposal)
        let file = "\(proposal)/policy.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(" - ledger.enterprise_transformation, 0元)"))
        try text.replacingOccurrences(of: " - ledger.enterprise_transformation, 0元)", with: ", 0元)")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["check", "shenyang-2025-core-sectors", "--base", Repo.shenyangDirectory], cwd: root)
        #expect(r.status == 0, "a warning, not an error: \(r.stderr)")
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("- id: transformation.amount_core_sectors") }) + 1
        #expect(r.stderr.contains("shenyang-2025-core-sectors/policy.yaml:\(line):9: warning: rule 'transformation.amount_core_sectors' awards "
                                      + "without reading 'ledger.enterprise_transformation': with a record, a grant could exceed the room left "
                                      + "under its limit 'transformation_cap', since earlier grants would not count (subtract the figure in "
                                      + "its cap, as the rule it replaces does)"), "\(r.stderr)")
        #expect(!r.stderr.contains("transformation.amount_other_sectors"), "that rule still caps by transformation_room")
    }

    /// Enacted beside its base and listed in `amended_by`, the proposal passes a bare `check`;
    /// beside its base but unlisted, it is a warning that says it applies only when named.
    @Test func anEnactedAmendmentPassesABareCheck() throws {
        let root = try CheckCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(root)/Policies", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Repo.shenyangDirectory, toPath: "\(root)/Policies/shenyang-sme-dx-fund")
        try fm.copyItem(atPath: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), toPath: "\(root)/Policies/shenyang-2025-core-sectors")
        let unlisted = try ClauseBinary.clause(["check"], cwd: root)
        #expect(unlisted.status == 0)
        #expect(unlisted.stderr.contains("warning: 'shenyang-2025-core-sectors' is not listed in 'amended_by' of 'shenyang-sme-dx-fund'"))
        let policy = "\(root)/Policies/shenyang-sme-dx-fund/policy.yaml"
        try (try String(contentsOfFile: policy, encoding: .utf8) + "amended_by: [shenyang-2025-core-sectors]\n")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        let listed = try ClauseBinary.clause(["check"], cwd: root)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.isEmpty)
        #expect(listed.stdout.contains("Policies/shenyang-sme-dx-fund: ok — shenyang-sme-dx-fund 2024.1 (shenyang-sme-dx-fund + shenyang-2025-core-sectors)"))
    }

    @Test func initScaffoldsAPackageThatChecksAndTestsFully() throws {
        let root = try CheckCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let made = try ClauseBinary.clause(["init", "示例-fund"], cwd: root)
        #expect(made.status == 0)
        #expect(made.stdout.hasPrefix("created ./示例-fund\n"))
        let check = try ClauseBinary.clause(["check", "示例-fund"], cwd: root)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.isEmpty, "no warnings either")
        let test = try ClauseBinary.clause(["test", "示例-fund", "--min-coverage", "100"], cwd: root)
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.hasSuffix("7 passed, 0 failed\n"))
        let again = try ClauseBinary.clause(["init", "示例-fund"], cwd: root)
        #expect(again.status == 1)
        #expect(again.stderr == "error: ./示例-fund already exists; nothing was written\n")
        let bad = try ClauseBinary.clause(["init", "../escape"], cwd: root)
        #expect(bad.status == 2)
    }
}
