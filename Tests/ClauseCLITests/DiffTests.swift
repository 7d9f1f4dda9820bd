import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// `clause diff`: the cases a change affects, the rules that cause it, and the money to the fen.
@Suite struct DiffTests {
    /// A copy of the Shenyang package with one text replacement in parameters.yaml.
    static func changedCopy(_ from: String, _ to: String) throws -> String {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("clause-diff-\(UUID().uuidString)").path
        try fm.copyItem(atPath: Repo.shenyangDirectory, toPath: dir)
        let file = "\(dir)/parameters.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacingOccurrences(of: from, with: to).write(toFile: file, atomically: true, encoding: .utf8)
        return dir
    }

    /// The oracle corpus, one case per line, as trees.
    static let corpus: [(String, YAMLNode)] = {
        let text = (try? String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").enumerated().compactMap { i, line in
            var bag = DiagnosticBag()
            let path = "cases.jsonl:\(i + 1)"
            return YAMLReader.read(SourceFile(path: path, text: String(line)), into: &bag).map { (path, $0) }
        }
    }()

    static func diff(_ proposed: Policy) -> [ImpactDiff.Entry] {
        let d = ImpactDiff(base: Repo.shenyang, proposed: proposed)
        return corpus.compactMap { path, root in
            if case .decided(let e) = d.decide(root: root, path: path) { return e }
            return nil
        }
    }

    @Test func theSamePackageChangesNothing() {
        let entries = DiffTests.diff(Repo.shenyang)
        #expect(entries.count == DiffTests.corpus.count)
        #expect(entries.allSatisfy { !$0.changed && $0.causes.isEmpty })
    }

    /// Raising the cap changes exactly the transformation cases that were capped (or had the cap
    /// used up), attributes each to the amount rule, and the totals add up to the fen.
    @Test func raisingTheCapChangesExactlyTheCappedCases() throws {
        let dir = try DiffTests.changedCopy("    value: 50万元\n  minimum_digital_level", "    value: 60万元\n  minimum_digital_level")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let proposed = try #require(PolicyLoader.load(dir).policy)
        let entries = DiffTests.diff(proposed)
        let changed = entries.filter(\.changed)
        #expect(!changed.isEmpty)
        for e in changed {
            #expect(e.item == "transformation")
            #expect(e.causes.filter { $0.kind == .rule }.map(\.name) == ["transformation.amount"], "\(e.caseID)")
            // Beneath the rule: the room under the cap, and the cap itself with both values.
            #expect(e.causes.filter { $0.kind == .definition }.map(\.name) == ["transformation_room"], "\(e.caseID)")
            let parameters = e.causes.filter { $0.kind == .parameter }
            #expect(parameters.map(\.name) == ["transformation_cap"] && parameters.map(\.clause) == ["art4.1"], "\(e.caseID)")
            #expect(parameters.first?.base == .value(.money(Money(fen: 50_000_000)), .money))
            #expect(parameters.first?.proposed == .value(.money(Money(fen: 60_000_000)), .money))
        }
        // Independently of the diff: every granted case whose amount the 50万元 room capped must
        // change, and every case that changes had its amount capped (or the room used up) before.
        var cappedGranted = Set<String>(), capped = Set<String>()
        for (path, root) in DiffTests.corpus {
            var bag = DiagnosticBag()
            guard let c = CaseReader.read(root, path: path, policy: Repo.shenyang, into: &bag),
                  case .success(let d) = Interpreter.decide(c, policy: Repo.shenyang, tracing: false),
                  let amountRule = d.rules.first(where: { $0.rule == "transformation.amount" }), amountRule.capped
            else { continue }
            capped.insert(d.caseID)
            if d.outcome == .granted { cappedGranted.insert(d.caseID) }
        }
        let changedIDs = Set(changed.map(\.caseID))
        #expect(changedIDs.isSuperset(of: cappedGranted))
        #expect(changedIDs.isSubset(of: capped))
        let summary = DiffSummary(entries.map { .decided($0) })
        var delta: Int64 = 0
        for e in entries {
            delta += (e.proposed.outcome == .granted ? e.proposed.amount.fen : 0) - (e.base.outcome == .granted ? e.base.amount.fen : 0)
        }
        #expect(summary.total.moneyProposed.fen - summary.total.moneyBase.fen == delta)
        #expect(delta > 0)
        #expect(summary.byItem.filter { $0.key != "transformation" }.allSatisfy { $0.tally.changed == 0 })
    }

    @Test func movingThePilotEndChangesOnlyCasesWithSpendingOnThoseDays() throws {
        let dir = try DiffTests.changedCopy("value: 2024-01-01..2025-12-31", "value: 2024-01-01..2025-12-30")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let entries = DiffTests.diff(try #require(PolicyLoader.load(dir).policy))
        let changed = entries.filter(\.changed)
        #expect(!changed.isEmpty)
        #expect(changed.allSatisfy { $0.causes.contains { $0.kind == .rule && $0.name == "transformation.amount" } })
        #expect(changed.allSatisfy { $0.causes.contains { $0.kind == .parameter && $0.name == "pilot_period" && $0.clause == "art4.1" } })
        #expect(changed.allSatisfy { $0.causes.contains { $0.kind == .definition && $0.name == "eligible_spending" } })
    }

    @Test func jsonLinesFollowTheContract() throws {
        let dir = try DiffTests.changedCopy("    value: 50万元\n  minimum_digital_level", "    value: 60万元\n  minimum_digital_level")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", dir, "--format", "json",
                                          "Playground/cases/transformation-capped.yaml", "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == #"{"case":"SY-2024-T-0002","change":"amount","item":"transformation","district":"大东区","delta":"+100000.00","base":{"outcome":"granted","amount":"500000.00","reasons":["art4.1"]},"proposed":{"outcome":"granted","amount":"600000.00","reasons":["art4.1"]},"causes":[{"rule":"transformation.amount","clause":"art4.1","base":{"status":"fired","amount":"500000.00"},"proposed":{"status":"fired","amount":"600000.00"},"clauses":["art4.1"]},{"definition":"transformation_room","clause":"art4.1","base":"500000.00","proposed":"600000.00","label":"剩余改造补贴额度"},{"parameter":"transformation_cap","clause":"art4.1","base":"500000.00","proposed":"600000.00","label":"改造补贴上限"}]}"#)
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix(#"{"summary":{"cases":2,"changed":1,"granted":{"base":2,"proposed":2},"money":{"base":"690000.00","proposed":"790000.00"},"failed":0,"by_item":"#))
        let failing = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", dir, "--fail-on-change",
                                                "Playground/cases/transformation-capped.yaml"])
        #expect(failing.status == 3)
    }
}

extension DiffTests {
    /// A case read once from its events and typed by both packages (the fast reader) gives the
    /// entry the tree path gives, on every line of the oracle corpus.
    @Test func fastReadingDiffsLikeTheTreePath() throws {
        let dir = Repo.path("Playground/proposals/shenyang-2025-core-sectors")
        let repository = PolicyRepository(explicit: dir, environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
        let proposed = try #require(repository.load(dir).policy)
        let d = ImpactDiff(base: Repo.shenyang, proposed: proposed)
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8).split(separator: "\n")
        var compared = 0, changed = 0
        for ((path, root), line) in zip(DiffTests.corpus, lines) {
            guard case .decided(let slow) = d.decide(root: root, path: path),
                  case .decided(let fast) = d.decide(.line(path: path, text: String(line), lineOffset: 0)) else {
                Issue.record("\(path) not decided both ways")
                continue
            }
            compared += 1
            if slow.changed { changed += 1 }
            // The fast reader types the line under both packages, so the fast path was the one taken.
            let file = SourceFile(path: path, text: String(line))
            #expect(FastCaseReader.read(file, path: path, policy: Repo.shenyang) != nil && FastCaseReader.read(file, path: path, policy: proposed) != nil)
            #expect(fast.base == slow.base && fast.proposed == slow.proposed && fast.causes == slow.causes
                    && fast.district == slow.district && fast.item == slow.item && fast.caseID == slow.caseID, "\(path)")
        }
        #expect(compared == lines.count && changed > 50)
    }

    /// The same cases as JSON Lines or as files give the same totals.
    @Test func jsonLinesAndFilesAgree() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("clause-diff-jsonl-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: "\(dir)/cases", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(300)
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/cases.jsonl", atomically: true, encoding: .utf8)
        for (i, line) in lines.enumerated() {
            try String(line).write(toFile: "\(dir)/cases/\(i).json", atomically: true, encoding: .utf8)
        }
        let args = ["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "Playground/proposals/shenyang-2025-core-sectors", "--format", "json"]
        let viaLines = try ClauseBinary.clause(args + ["--jsonl", "\(dir)/cases.jsonl"])
        let viaFiles = try ClauseBinary.clause(args + ["\(dir)/cases"])
        #expect(viaLines.status == 0 && viaFiles.status == 0)
        let summary = { (r: ClauseBinary.Run) in r.stdout.split(separator: "\n").last.map(String.init) ?? "" }
        #expect(summary(viaLines).hasPrefix(#"{"summary":{"cases":300,"#))
        #expect(summary(viaLines) == summary(viaFiles))
    }
}

/// `clause test --coverage`: every Shenyang rule seen deciding and not deciding; a gap is named.
@Suite struct CoverageTests {
    static func coverage(skipping skipped: Set<String> = []) -> RuleCoverage {
        let runner = ScenarioRunner(repository: Repo.repository)
        var c = RuleCoverage()
        let dir = "\(Repo.shenyangDirectory)/tests"
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
            var bag = DiagnosticBag()
            for s in ScenarioReader.read(path: "\(dir)/\(file)", into: &bag) where !skipped.contains(s.name) {
                let r = runner.run(s)
                if let d = r.decision, let p = r.policy { c.record(d, under: p) }
            }
        }
        return c
    }

    @Test func theShenyangSuiteCoversEveryRuleBothWays() throws {
        let c = CoverageTests.coverage()
        let p = try #require(c.policies.first)
        #expect(c.policies.count == 1)
        #expect(p.rules.filter { !$0.covered }.map(\.rule) == [])
        #expect(p.percent == 100)
        #expect(p.clauses.allSatisfy { $0.covered })
    }

    @Test func deletingAScenarioShowsTheGap() throws {
        let c = CoverageTests.coverage(skipping: ["其他列支范围由人工审核", "其他列支范围遇第六条仍不予支持"])
        let p = try #require(c.policies.first)
        #expect(p.rules.filter { !$0.covered }.map(\.rule) == ["other.review"])
        let text = CoverageRenderer.text(c)
        #expect(text.contains("  uncovered: [第四条第（七）项] other.review: never seen deciding\n"))
        #expect(text.contains("  uncovered clause: 第四条第（七）项 (art4.7)\n"))
    }

    @Test func minCoverageFailsTheRun() throws {
        let ok = try ClauseBinary.clause(["test", "--min-coverage", "100", "Policies/shenyang-sme-dx-fund"])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("coverage of shenyang-sme-dx-fund: 32/32 rules seen deciding and not deciding (100%), 17/17 clauses"))
    }
}
