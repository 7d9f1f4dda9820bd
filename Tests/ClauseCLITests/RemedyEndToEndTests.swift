import ClauseTestSupport
import Foundation
import Testing

/// Remedies, merged reasons, the memo's computation and the notice, as a user sees them from
/// the built `clause`.
@Suite struct RemedyEndToEndTests {
    static func clause(_ args: [String]) throws -> ClauseBinary.Run { try ClauseBinary.clause(args) }

    /// The lines of one section of a justification, from its heading to the next blank line.
    static func section(_ text: String, _ heading: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: heading) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    /// The memo shows the computation `explain` shows, line for line (it used to print an empty
    /// 计算过程 and blank rule checks, deciding without a trace).
    @Test func theMarkdownMemoShowsTheSameComputationAsExplain() throws {
        let file = "Playground/cases/transformation-granted.yaml"
        let explain = try Self.clause(["explain", file]).stdout
        let memo = try Self.clause(["evaluate", "--format", "markdown", file]).stdout
        let plain = Self.section(explain, "计算过程").map { $0.trimmingCharacters(in: .whitespaces) }
        let fromMemo = Self.section(memo.replacingOccurrences(of: "## 计算过程\n\n", with: "## 计算过程\n"), "## 计算过程").map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "- ", with: "", options: .anchored)
                .replacingOccurrences(of: "\\", with: "")
        }.filter { !$0.isEmpty }
        #expect(plain.count >= 10)
        #expect(fromMemo == plain)
        // Every rule check has its finding, none blank.
        let checks = memo.components(separatedBy: "\n").filter { $0.hasPrefix("| ✓") }
        #expect(checks.count >= 12)
        #expect(checks.allSatisfy { !$0.hasSuffix("|  |") })
    }

    @Test func aRuleCitingTwoClausesIsOneReasonLine() throws {
        let r = try Self.clause(["evaluate", "Playground/cases/unapproved-change.yaml"])
        let lines = r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  [") }
        #expect(lines == ["  [第九条、第九条第（一）项 art9, art9.1] 项目主体发生变更，未经区县工信部门审核并报市工信局备案"])
        let capped = try Self.clause(["evaluate", "--lang", "en", "Playground/cases/acceptance-monitoring.yaml"])
        #expect(capped.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  [") }.count == 1)
    }

    /// English never says an amount is granted in a case that is not.
    @Test func englishWordsDoNotContradictTheOutcome() throws {
        let refused = try Self.clause(["explain", "--lang", "en", "Playground/cases/transformation-level-too-low.yaml"]).stdout
        let calculation = Self.section(refused, "Calculation")
        #expect(!calculation.isEmpty)
        #expect(!calculation.contains { $0.contains(": granted ¥") }, "\(calculation)")
        #expect(calculation.contains { $0.contains("not paid") })
        let incomplete = try Self.clause(["evaluate", "--lang", "en", "Playground/cases/transformation-incomplete.yaml"]).stdout
        #expect(incomplete.contains("cannot decide without project · third-party acceptance date (project.accepted_on)"))
    }

    @Test func everyOutputCarriesTheRemedies() throws {
        let file = "Playground/cases/transformation-level-too-low.yaml"
        let text = try Self.clause(["evaluate", file]).stdout
        #expect(text.contains("  怎样可以获得支持：若改造项目 · 改造后数字化水平等级由 1 改为 2，则予以支持 ¥55,000.00\n"))
        let explain = try Self.clause(["explain", file]).stdout
        #expect(Self.section(explain, "怎样可以获得支持") == ["  若改造项目 · 改造后数字化水平等级由 1 改为 2，则予以支持 ¥55,000.00"])
        let memo = try Self.clause(["evaluate", "--format", "markdown", file]).stdout
        #expect(memo.contains("## 怎样可以获得支持\n\n- 若改造项目 · 改造后数字化水平等级由 1 改为 2，则予以支持 ¥55,000.00\n"))
        let json = try Self.clause(["evaluate", "--format", "json", file]).stdout
        #expect(json.contains(#""fix":"改造后数字化水平须经测评达到 2 级及以上"}"#))
        #expect(json.contains(#""remedies":[{"changes":{"project.digital_level":2},"outcome":"granted","amount":"55000.00","#))
        let none = try Self.clause(["evaluate", "--format", "json", "Playground/cases/banned-applicant.yaml"]).stdout
        #expect(none.contains(#""remedies":[],"no_remedy":{"message":"本案中可以改变的事实无论怎样改变，均不能获得支持","tried":[{"changes":{"applied_on":"2026-04-01"},"outcome":"refused","clauses":["art16"]"#))
        let granted = try Self.clause(["evaluate", "--format", "json", "Playground/cases/transformation-granted.yaml"]).stdout
        #expect(!granted.contains("remedies") && !granted.contains("\"fix\""))
        // --no-trace keeps every key, remedies included; --no-remedies leaves the search out.
        let corpus = try Self.clause(["evaluate", "--format", "json", "--no-trace", file]).stdout
        #expect(corpus.contains(#""remedies":[{"changes":{"project.digital_level":2}"#))
        let without = try Self.clause(["evaluate", "--format", "json", "--no-remedies", file]).stdout
        #expect(!without.contains("remedies") && !without.contains("\"fix\""))
        #expect(!(try Self.clause(["evaluate", "--no-remedies", file]).stdout.contains("怎样可以获得支持")))
    }

    @Test func onlyDecidingListsTheRulesThatDecided() throws {
        let r = try Self.clause(["explain", "--only-deciding", "Playground/cases/banned-applicant.yaml"])
        let checks = Self.section(r.stdout, "规则检查")
        #expect(checks.count == 2)
        #expect(checks.first?.hasPrefix("  ✗ [第六条第（三）项、第十三条] exclusion.blacklisted：") == true)
        #expect(checks.last?.contains("仍将依第十六条不予支持") == true)
        let all = try Self.clause(["explain", "Playground/cases/banned-applicant.yaml"])
        #expect(Self.section(all.stdout, "规则检查").count > 20)
    }

    /// The recorded JSON stays without remedies, so stored decisions replay byte for byte.
    @Test func theRecordedDecisionHasNoRemedies() throws {
        let s = try StoreScratch()
        try s.write("low.yaml", try StoreScratch.playground("transformation-level-too-low.yaml"))
        let printed = try s.clause(["evaluate", "--record", "--format", "json", "low.yaml"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("\"remedies\""))
        let recorded = try s.clause(["why", "--format", "json", "SY-2024-T-0005"])
        #expect(recorded.status == 0)
        #expect(!recorded.stdout.contains("remedies") && !recorded.stdout.contains("\"fix\""))
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("1 reproduce, 0 differ\n"))
    }

    @Test func theNoticeFormats() throws {
        let letter = try Self.clause(["evaluate", "--format", "notice", "Playground/cases/transformation-incomplete.yaml"])
        #expect(letter.status == 0)
        #expect(letter.stdout.hasPrefix("补正通知书\n"))
        let html = try Self.clause(["explain", "--format", "html", "--lang", "en", "Playground/cases/banned-applicant.yaml"])
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.stdout.contains("<h1>Notice of refusal</h1>"))
        let diff = try Self.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "Policies/shenyang-sme-dx-fund",
                                    "--format", "notice", "Playground/cases/transformation-granted.yaml"])
        #expect(diff.status == 2)
    }

    /// A case missing a fact no search can propose a value for (the served enterprise's code): the
    /// notice asks for it, and the remedies say it comes first instead of that nothing can help.
    @Test func aMissingCodeComesFirstNotNothingCanHelp() throws {
        let s = try StoreScratch()
        try s.write("d.yaml", try StoreScratch.playground("diagnosis.yaml").split(separator: "\n")
                        .map { $0.contains("assessed_enterprise:") ? "  platform: null" : $0 }.joined(separator: "\n") + "\n")
        for format in ["text", "notice", "json"] {
            let r = try ClauseBinary.clause(["evaluate", "--no-store", "--format", format, "d.yaml"], cwd: s.root)
            #expect(r.stdout.contains("须先补齐所缺材料（改造项目 · 被服务企业统一社会信用代码），方能判断能否获得支持"), "\(format): \(r.stdout)")
            #expect(!r.stdout.contains("无论怎样改变，均不能获得支持"), "\(format)")
        }
    }
}
