import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// `clause diff` names what changed and why: the parameters and definitions beneath the rules,
/// with their clauses and values; the kind of each change; the packages compared; exit codes.
extension DiffTests {
    /// A transformation case applied after the proposal's effective date, in a sector the
    /// proposal leaves alone, with `extra` expenses added (YAML lines under `expenses:`).
    static func transformationCase(id: String, sector: String = "auto_parts", appliedOn: String = "2025-08-01", extra: String = "") -> String {
        """
        case: \(id)
        policy: shenyang-sme-dx-fund
        item: transformation
        applied_on: \(appliedOn)
        applicant:
          name: 沈阳示例机械有限公司
          credit_code: 91210106MA0Y3K2X1E
          kind: enterprise
          district: 铁西区
          sector: \(sector)
          is_sme: true
          in_pilot_library: true
          little_giant: false
          central_sme_fund_received: false
          in_2022_pilot: false
        project:
          digital_level: 2
          accepted_on: 2025-06-20
          previously_granted: 0
          expenses:
            - { name: MES 软件许可, category: software, amount: 100000.00, paid_on: 2025-03-10 }
        \(extra)
        """
    }

    static func entry(_ yaml: String, _ d: ImpactDiff, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ImpactDiff.Entry {
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "case.yaml", text: yaml), into: &bag), sourceLocation: sourceLocation)
        let r = d.decide(root: root, path: "case.yaml")
        guard case .decided(let e) = r else {
            Issue.record("not decided: \(r)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return e
    }

    static var proposal: Policy {
        get throws {
            let dir = Repo.path("Playground/proposals/shenyang-2025-core-sectors")
            let repository = PolicyRepository(explicit: dir, environment: ["CLAUSE_POLICY_PATH": Repo.path("Policies")])
            return try #require(repository.load(dir).policy)
        }
    }

    /// 50% → 40%: every changed case names transformation_rate (第四条第（一）项) with both values,
    /// beneath the amount rule; a parameter changed in the same copy that a case did not use
    /// (the diagnosis cap, for a transformation case) is not named for it.
    @Test func aChangedRateIsNamedWithBothValues() throws {
        let dir = try DiffTests.changedCopy("    value: 50%\n", "    value: 40%\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let diagnosis = "\(dir)/parameters.yaml"
        let text = try String(contentsOfFile: diagnosis, encoding: .utf8)
        #expect(text.contains("    value: 0.7万元\n"))
        try text.replacingOccurrences(of: "    value: 0.7万元\n", with: "    value: 0.8万元\n").write(toFile: diagnosis, atomically: true, encoding: .utf8)
        let proposed = try #require(PolicyLoader.load(dir).policy)
        let changed = DiffTests.diff(proposed).filter(\.changed)
        let transformation = changed.filter { $0.item == "transformation" }
        #expect(transformation.count > 20)
        for e in transformation {
            let rate = try #require(e.causes.first { $0.kind == .parameter && $0.name == "transformation_rate" }, "\(e.caseID)")
            #expect(rate.clause == "art4.1")
            #expect(rate.base == .value(.percent(Percent(millionths: 500_000)), .percent))
            #expect(rate.proposed == .value(.percent(Percent(millionths: 400_000)), .percent))
            #expect(e.causes.contains { $0.kind == .rule && $0.name == "transformation.amount" })
            #expect(!e.causes.contains { $0.name == "diagnosis_cap" }, "\(e.caseID)")
        }
        let diagnoses = changed.filter { $0.item == "diagnosis" }
        #expect(!diagnoses.isEmpty)
        for e in diagnoses {
            #expect(e.causes.contains { $0.kind == .parameter && $0.name == "diagnosis_cap" })
            #expect(!e.causes.contains { $0.name == "transformation_rate" }, "\(e.caseID)")
        }

        let r = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", dir, "--format", "json",
                                          "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(line.hasPrefix(#"{"case":"SY-2024-T-0001","change":"amount","item":"transformation","district":"铁西区","delta":"-38000.00","#))
        #expect(line.contains(#"{"parameter":"transformation_rate","clause":"art4.1","base":"50%","proposed":"40%","label":"改造补贴比例"}"#))
        #expect(line.contains(#"{"rule":"transformation.amount","clause":"art4.1","base":{"status":"fired","amount":"190000.00"},"proposed":{"status":"fired","amount":"152000.00"},"clauses":["art4.1"]}"#))
        let text2 = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", dir,
                                              "Playground/cases/transformation-granted.yaml"])
        #expect(text2.stdout.contains("    参数 transformation_rate「改造补贴比例」 [第四条第（一）项]：50% → 40%\n"), "\(text2.stdout)")
    }

    /// The bundled proposal: a case with consulting spending after 2025-07-01 names
    /// eligible_categories under the notice's clause (通知第二条) and 合规投入; a case without
    /// consulting spending that changes for another reason does not name it.
    @Test func theProposalNamesTheNoticeClauseOfEligibleCategories() throws {
        let proposed = try DiffTests.proposal
        let d = ImpactDiff(base: Repo.shenyang, proposed: proposed)
        let consulting = try DiffTests.entry(DiffTests.transformationCase(
            id: "SY-2025-T-9001", extra: "    - { name: 数字化咨询诊断, category: consulting, amount: 20000.00, paid_on: 2025-04-01 }"), d)
        #expect(consulting.change == .amount)
        #expect(consulting.delta == Money(fen: 1_000_000))
        let categories = try #require(consulting.causes.first { $0.kind == .parameter && $0.name == "eligible_categories" })
        #expect(categories.clause == "notice.2")
        guard case .value(.list(let before), _)? = categories.base, case .value(.list(let after), _)? = categories.proposed else {
            Issue.record("eligible_categories without both values: \(categories)")
            return
        }
        #expect(after.count == before.count + 1)
        let spending = try #require(consulting.causes.first { $0.kind == .definition && $0.name == "eligible_spending" })
        #expect(spending.base == .value(.money(Money(fen: 10_000_000)), .money))
        #expect(spending.proposed == .value(.money(Money(fen: 12_000_000)), .money))
        #expect(!consulting.causes.contains { $0.name == "core_sector_cap" || $0.name == "transformation_rate" })

        let compared = DiffRenderer.Compared(base: Repo.shenyang, baseFolder: "base", proposed: proposed, proposedFolder: "proposal")
        let json = DiffRenderer.jsonLine(consulting, compared)
        #expect(json.contains(#"{"parameter":"eligible_categories","clause":"notice.2","base":["software","cloud","gateway","router","data_acquisition"],"proposed":["software","cloud","gateway","router","data_acquisition","consulting"],"label":"可补贴支出类别"}"#), "\(json)")
        let text = DiffRenderer.table([consulting], DiffSummary([.decided(consulting)]), compared, lang: .zh, markdown: false)
        #expect(text.contains("参数 eligible_categories「可补贴支出类别」 [通知第二条]："), "\(text)")

        // A core-sector case without consulting spending, capped above 50万元: the cap's notice.
        let capped = try DiffTests.entry(DiffTests.transformationCase(
            id: "SY-2025-T-9002", sector: "machine_tools",
            extra: "    - { name: PLM 软件, category: software, amount: 1100000.00, paid_on: 2025-05-01 }"), d)
        #expect(capped.change == .amount)
        #expect(capped.delta == Money(fen: 10_000_000))
        #expect(!capped.causes.contains { $0.name == "eligible_categories" })
        #expect(!capped.causes.contains { $0.name == "eligible_spending" })
        let cap = try #require(capped.causes.first { $0.kind == .parameter && $0.name == "core_sector_cap" })
        #expect(cap.clause == "notice.1" && cap.base == nil && cap.proposed == .value(.money(Money(fen: 60_000_000)), .money))
        let rule = try #require(capped.causes.first { $0.kind == .rule && $0.name == "transformation.amount_core_sectors" })
        #expect(rule.clauses == ["art4.1", "notice.1"])
    }

    /// The same money under other clauses is a change of reasons only: classified, counted and
    /// shown apart from the money changes.
    @Test func aReasonOnlyChangeIsClassifiedApart() throws {
        let proposed = try DiffTests.proposal
        let d = ImpactDiff(base: Repo.shenyang, proposed: proposed)
        let reasons = try DiffTests.entry(DiffTests.transformationCase(id: "SY-2025-T-9003", sector: "machine_tools"), d)
        #expect(reasons.changed)
        #expect(reasons.change == .reasons)
        #expect(reasons.delta == .zero)
        #expect(reasons.base.reasons == ["art4.1"] && Set(reasons.proposed.reasons) == ["art4.1", "notice.1"])
        let money = try DiffTests.entry(DiffTests.transformationCase(
            id: "SY-2025-T-9004", extra: "    - { name: 数字化咨询诊断, category: consulting, amount: 20000.00, paid_on: 2025-04-01 }"), d)
        #expect(money.change == .amount)
        let before = try DiffTests.entry(DiffTests.transformationCase(id: "SY-2025-T-9005", sector: "machine_tools", appliedOn: "2025-06-30"), d)
        #expect(!before.changed && before.change == nil && before.causes.isEmpty)

        let summary = DiffSummary([.decided(reasons), .decided(money), .decided(before)])
        #expect(summary.total.changed == 2 && summary.total.reasonsChanged == 1 && summary.total.amountChanged == 1
                && summary.total.outcomeChanged == 0)
        let compared = DiffRenderer.Compared(base: Repo.shenyang, baseFolder: "Policies/shenyang-sme-dx-fund", proposed: proposed,
                                             proposedFolder: "Playground/proposals/shenyang-2025-core-sectors")
        #expect(DiffRenderer.jsonLine(reasons, compared).hasPrefix(#"{"case":"SY-2025-T-9003","change":"reasons","item":"transformation","district":"铁西区","delta":"0.00","#))
        let summaryLine = DiffRenderer.jsonSummary(summary, compared)
        #expect(summaryLine.contains(#""changes":{"outcome":0,"amount":1,"reasons":1},"delta":"+10000.00","packages":{"base":{"folder":"Policies/shenyang-sme-dx-fund","id":"shenyang-sme-dx-fund","version":"2024.1","digest":"\#(Repo.shenyang.digest)""#), "\(summaryLine)")
        #expect(summaryLine.contains(#""proposed":{"folder":"Playground/proposals/shenyang-2025-core-sectors","id":"shenyang-sme-dx-fund""#))
        #expect(summaryLine.contains(#"{"id":"shenyang-2025-core-sectors","version":"2025.1","digest":"#))

        let text = DiffRenderer.table([reasons, money, before], summary, compared, lang: .zh, markdown: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("现行：shenyang-sme-dx-fund 2024.1 · Policies/shenyang-sme-dx-fund · 摘要 "))
        #expect(lines[1].hasPrefix("拟议：shenyang-sme-dx-fund 2024.1 + shenyang-2025-core-sectors 2025.1（自 2025-07-01 起） · Playground/proposals/shenyang-2025-core-sectors · 摘要 "))
        let amountAt = try #require(lines.firstIndex(of: "金额变化（1 件，结论不变）"))
        let reasonsAt = try #require(lines.firstIndex(of: "仅依据条款变化（1 件，结论与金额不变）"))
        #expect(amountAt < reasonsAt)
        #expect(lines[amountAt + 2].hasPrefix("SY-2025-T-9004 "))
        #expect(lines[reasonsAt + 2].hasPrefix("SY-2025-T-9003 "))
        #expect(!text.contains("SY-2025-T-9005"))
        let markdown = DiffRenderer.table([reasons, money], summary, compared, lang: .en, markdown: true)
        #expect(markdown.contains("\n## Reason-only changes (1, same outcome and amount)\n\n| case |"))
        #expect(markdown.contains("- base: shenyang-sme-dx-fund 2024.1 · Policies/shenyang-sme-dx-fund · digest "))
        // Markdown cells are escaped (names and texts may come from files): `_` and `[` are written `\_`, `\[`.
        #expect(markdown.contains(#"parameter eligible\_categories (eligible spending categories) \[通知第二条\]: \[software, cloud services, gateway, router, data acquisition\] → "#), "\(markdown)")
    }
}

/// `clause diff` exit codes: nothing to decide is an error; changes outrank unreadable cases.
@Suite struct DiffExitTests {
    static let args = ["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "Playground/proposals/shenyang-2025-core-sectors"]

    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-diff-exit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anEmptyFolderExits1() throws {
        let dir = try DiffExitTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try ClauseBinary.clause(DiffExitTests.args + ["--fail-on-change", dir])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: no cases found under \(dir)\n"), "\(r.stderr)")
        // Beside a folder that has cases, still an error.
        let both = try ClauseBinary.clause(DiffExitTests.args + [dir, "Playground/cases/transformation-granted.yaml"])
        #expect(both.status == 1)
        #expect(both.stderr.contains("error: no cases found under \(dir)\n"))
    }

    @Test func anEmptyJSONLinesFileExits1() throws {
        let dir = try DiffExitTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "\n\n".write(toFile: "\(dir)/cases.jsonl", atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(DiffExitTests.args + ["--format", "json", "--jsonl", "\(dir)/cases.jsonl"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: no cases found in \(dir)/cases.jsonl\n"), "\(r.stderr)")
    }

    /// Unreadable cases alone exit 1; with a change and --fail-on-change, 3, the bad file on stderr.
    @Test func failOnChangeOutranksUnreadableCases() throws {
        let dir = try DiffExitTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "case: [unclosed\n".write(toFile: "\(dir)/bad.yaml", atomically: true, encoding: .utf8)
        try DiffTests.transformationCase(id: "SY-2025-T-9010", sector: "machine_tools")
            .write(toFile: "\(dir)/changes.yaml", atomically: true, encoding: .utf8)
        let alone = try ClauseBinary.clause(DiffExitTests.args + ["--fail-on-change", "\(dir)/bad.yaml"])
        #expect(alone.status == 1)
        let unchanged = try ClauseBinary.clause(DiffExitTests.args + ["--fail-on-change", "\(dir)/bad.yaml",
                                                                       "Playground/cases/transformation-granted.yaml"])
        #expect(unchanged.status == 1)
        let r = try ClauseBinary.clause(DiffExitTests.args + ["--fail-on-change", dir])
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("\(dir)/bad.yaml:1:"), "\(r.stderr)")
        #expect(r.stdout.contains("1 个案件文件无法读取"))
        let withoutFlag = try ClauseBinary.clause(DiffExitTests.args + [dir])
        #expect(withoutFlag.status == 1)
    }

    /// `--base .` from inside the package folder (it crashed with SIGILL): decided, nothing changes.
    @Test func dotFromInsideThePackageFolder() throws {
        let r = try ClauseBinary.clause(["diff", "--base", ".", "--proposed", ".", "--format", "json",
                                          "../../Playground/cases/transformation-granted.yaml"],
                                         cwd: Repo.shenyangDirectory)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(#"{"summary":{"cases":1,"changed":0,"#), "\(r.stdout)")
        #expect(r.stdout.contains(#""folder":"\#(Repo.shenyangDirectory)""#))
        let proposal = try ClauseBinary.clause(["diff", "--base", ".", "--proposed", "../../Playground/proposals/shenyang-2025-core-sectors",
                                                 "../../Playground/corpus"], cwd: Repo.shenyangDirectory)
        #expect(proposal.status == 0, "\(proposal.stderr)")
        #expect(proposal.stdout.contains("现行：shenyang-sme-dx-fund 2024.1 · \(Repo.shenyangDirectory) · 摘要 "))
    }
}
