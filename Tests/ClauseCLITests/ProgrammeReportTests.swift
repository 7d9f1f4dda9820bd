import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

@Suite struct ProgrammeReportTests {
    static let reported = """
        policy: shenyang-sme-dx-fund
        reported:
          - { figure: problem_lists, on: 2024-06-30, value: 1, source: 市工信局6月调度 }
          - { figure: problem_lists, on: 2024-12-20, value: 3, source: "市工信局<script>alert(1)</script>年度总结" }
          - { figure: problem_lists, on: 2025-03-31, value: 2, source: 2025年一季度 }
          - { figure: pilot_sector_smes, on: 2024-03-31, value: 80, source: 市统计局 }
          - { figure: pilot_sector_smes, part: machine_tools, on: 2024-03-31, value: 90, source: 市统计局（机床） }

        """

    /// The package encodes all 16 rows, each citing its own row of the table with the row's words.
    @Test func everyRowOfTheTableIsInThePackage() throws {
        let p = Repo.shenyang
        #expect(p.indicators.count == 16)
        for (n, ind) in p.indicators.enumerated() {
            #expect(ind.clause == "indicator.\(n + 1)")
            let clause = try #require(p.clause(ind.clause))
            #expect(clause.cite == "指标体系表 第\(n + 1)项")
            #expect(clause.text.hasPrefix(ind.label), "row \(n + 1) quotes its label")
            #expect(clause.text.contains("目标\(ind.total.indicatorText)"))
            for t in ind.targets { #expect(clause.text.contains("\(t.year)年\(t.value.indicatorText)")) }
            #expect(Indicator.sum(ind.targets.map(\.value)) == ind.total)
        }
        let f = try #require(p.funding)
        #expect(f.localPerCentral == Percent(millionths: 1_250_000))
        #expect(p.clause(f.clause)?.text.contains("1：1.25") == true)
    }

    @Test func aYearOfTheProgrammeMatchesAnIndependentCount() throws {
        let year = ProgrammeYear(seed: 20_240_101)
        let scratch = try StoreScratch()
        try year.write(into: scratch, folder: "cases")
        try scratch.write("reported.yaml", Self.reported)
        let recorded = try scratch.clause(["record", "cases"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let revoked = try #require(year.revoked)
        let rv = try scratch.clause(["revoke", revoked, "--reason", "弄虚作假"])
        #expect(rv.status == 0, "\(rv.stderr)")

        let asOf = "2024-12-31"
        let run = try scratch.clause(["report", "--as-of", asOf, "--format", "json", "--reported", "reported.yaml"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["indicators"] as? [[String: Any]])
        func row(_ id: String) throws -> [String: Any] { try #require(rows.first { $0["id"] as? String == id }) }
        func achieved(_ id: String, _ y: Int) throws -> Any? {
            let years = try #require(try row(id)["years"] as? [[String: Any]])
            return years.first { $0["year"] as? Int == y }?["achieved"]
        }
        func int(_ a: Any?) -> Int? { (a as? NSNumber)?.intValue }

        // Rows 1, 16, 15: distinct enterprises accepted by the report date, granted or not.
        let accepted = year.acceptedTransformations(asOf: asOf)
        #expect(accepted.count > year.grantedTransformations(asOf: asOf).count, "the year has accepted cases not granted")
        #expect(int(try achieved("enterprises_transformed", 2024)) == year.distinctByYear(accepted)[2024])
        #expect(int(try row("enterprises_transformed")["achieved"]) == Set(accepted.map(\.code)).count)
        #expect(int(try achieved("innovative_transformed", 2024)) == year.distinctByYear(accepted.filter(\.innovative))[2024])
        let share = Set(accepted.filter { $0.aboveScale && $0.level >= 2 }.map(\.code)).count
        let hundredths = (share * 20_000 + 80) / 160  // hundredths of a percent of the whole of 80, half up
        #expect(try row("level2_share")["achieved"] as? String == Percent(millionths: Int64(hundredths) * 100).display)
        // Row 15 is per pilot sector (「占该试点行业…比例」): every generated case is of machine tools.
        let parts = try #require(try row("level2_share")["parts"] as? [[String: Any]])
        #expect(parts.map { $0["key"] as? String } == ["machine_tools"])
        #expect(int(parts[0]["count"]) == share)
        #expect(int(parts[0]["whole"]) == 90)
        #expect(parts[0]["achieved"] as? String == Percent(millionths: Int64((share * 20_000 + 90) / 180) * 100).display)

        // Rows 2 and 3: diagnosis reports, and the distinct enterprises they assessed.
        let diagnoses = year.diagnoses.filter { $0.applied <= asOf }
        #expect(int(try achieved("assessment_reports", 2024)) == diagnoses.count)
        #expect(int(try achieved("enterprises_assessed", 2024)) == Set(diagnoses.compactMap(\.assessed)).count)
        #expect(int(try row("enterprises_assessed")["undetermined"]) == diagnoses.filter { $0.assessed == nil }.count)

        // Row 13: distinct subjects awarded, by the selection date.
        #expect(int(try achieved("chain_models", 2024)) == Set(year.awards.filter(\.granted).map(\.subject)).count)

        // Row 4 is reported: the latest figure of 2024 (the 2025 one is after the report date).
        #expect(int(try achieved("problem_lists", 2024)) == 3)
        #expect(try row("problem_lists")["status"] as? String == "reported")
        #expect(try row("benchmarks")["status"] as? String == "unknown")

        // Funding: by source per year, the matching ratio, the shortfall.
        let pays = year.payments(asOf: asOf)
        let funding = try #require(json["funding"] as? [String: Any])
        let fy = try #require((funding["years"] as? [[String: Any]])?.first { $0["year"] as? Int == 2024 })
        let bySource = try #require(fy["by_source"] as? [String: String])
        func sum(_ f: (String?) -> Bool) -> Int64 { pays.filter { f($0.source) }.reduce(0) { $0 + $1.fen } }
        for s in ["central", "provincial", "city", "district"] { #expect(bySource[s] == Money(fen: sum { $0 == s }).plain, "\(s)") }
        #expect(fy["unattributed"] as? String == Money(fen: sum { $0 == nil }).plain)
        let central = sum { $0 == "central" }, local = sum { ["provincial", "city", "district"].contains($0 ?? "") }
        let required = (central * 125 + 50) / 100
        #expect(fy["local_required"] as? String == Money(fen: required).plain)
        #expect(fy["shortfall"] as? String == Money(fen: max(required - local, 0)).plain)
        #expect(fy["ratio"] as? String == Percent(millionths: (local * 20_000 + central) / (2 * central) * 100).display)

        // Monthly, and budget execution by item and district.
        let monthly = try #require(funding["monthly"] as? [[String: Any]])
        var months: [String: Int64] = [:]
        for p in pays { months[String(p.on.prefix(7)), default: 0] += p.fen }
        #expect(monthly.map { $0["month"] as! String } == months.keys.sorted())
        for m in monthly {
            let s = (m["by_source"] as! [String: String]).values.map { Money(fen: Int64(Double($0)! * 100 + 0.5)).fen }.reduce(0, +)
                + Int64(Double(m["unattributed"] as! String)! * 100 + 0.5)
            #expect(s == months[m["month"] as! String])
        }
        let budget = try #require(json["budget"] as? [String: Any])
        let items = try #require(budget["by_item"] as? [[String: Any]])
        let tItem = try #require(items.first { $0["key"] as? String == "transformation" })
        let grantedAll = year.transformations.filter { $0.grant > 0 && $0.id != year.revoked }
        #expect(tItem["granted"] as? String == Money(fen: grantedAll.reduce(0) { $0 + $1.grant }).plain)
        #expect(tItem["paid"] as? String == Money(fen: pays.filter { $0.item == "transformation" }.reduce(0) { $0 + $1.fen }).plain)
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(int(totals["grants"]) == grantedAll.count + year.diagnoses.count + year.awards.filter(\.granted).count)
        #expect(int(totals["payments"]) == pays.count)
        let districts = try #require(budget["by_district"] as? [[String: Any]])
        for d in ProgrammeYear.districts {
            let paid = pays.filter { $0.district == d }.reduce(0) { $0 + $1.fen }
            guard paid > 0 else { continue }
            #expect(districts.first { $0["key"] as? String == d }?["paid"] as? String == Money(fen: paid).plain, "\(d)")
        }

        // An item's cap per award × the targets of its row (transformation: 50万元 × 300 enterprises
        // in 2024, × 667 in all) is a projection, not a ceiling: the targets are minimums. Every
        // decision of the year was taken in 2024.
        func ofCeiling(_ n: Int64, _ d: Int64) -> String { Percent(millionths: (n * 20_000 + d) / (2 * d) * 100).display }
        func checkCeiling(_ key: String, cap: Int64, targets: [Int: Int64], total: Int64, granted: Int64, paid: Int64) throws {
            let x = try #require(items.first { $0["key"] as? String == key }, "\(key)")
            #expect(x["ceiling"] is NSNull, "\(key)")
            #expect(x["over_ceiling"] as? Bool == false, "\(key)")
            #expect(x["projection"] as? String == Money(fen: cap * total).plain, "\(key)")
            #expect(x["granted_share"] as? String == ofCeiling(granted, cap * total), "\(key)")
            #expect(x["paid_share"] as? String == ofCeiling(paid, cap * total), "\(key)")
            let ys = try #require(x["years"] as? [[String: Any]])
            #expect(ys.compactMap { $0["year"] as? Int } == [2024, 2025], "\(key)")
            for y in ys {
                let year = y["year"] as! Int, c = cap * targets[year]!
                #expect(y["projection"] as? String == Money(fen: c).plain, "\(key) \(year)")
                #expect(y["granted"] as? String == Money(fen: year == 2024 ? granted : 0).plain, "\(key) \(year)")
                #expect(y["paid"] as? String == Money(fen: year == 2024 ? paid : 0).plain, "\(key) \(year)")
                #expect(y["granted_share"] as? String == ofCeiling(year == 2024 ? granted : 0, c), "\(key) \(year)")
                #expect(y["paid_share"] as? String == ofCeiling(year == 2024 ? paid : 0, c), "\(key) \(year)")
            }
        }
        try checkCeiling("transformation", cap: 50_000_000, targets: [2024: 300, 2025: 367], total: 667,
                         granted: grantedAll.reduce(0) { $0 + $1.grant }, paid: pays.filter { $0.item == "transformation" }.reduce(0) { $0 + $1.fen })
        try checkCeiling("diagnosis", cap: 700_000, targets: [2024: 300, 2025: 367], total: 667,
                         granted: year.diagnoses.reduce(0) { $0 + $1.requested }, paid: pays.filter { $0.item == "diagnosis" }.reduce(0) { $0 + $1.fen })
        // A programme-wide cap is the ceiling itself, listed though nothing was spent; an item
        // without a cap has none.
        let activities = try #require(items.first { $0["key"] as? String == "activities" })
        #expect(activities["ceiling"] as? String == "3000000.00")
        #expect(activities["granted_share"] as? String == "0%")
        #expect((activities["years"] as? [[String: Any]])?.allSatisfy { $0["ceiling"] is NSNull } == true)
        let platforms = try #require(items.first { $0["key"] as? String == "sector_platform" })
        #expect(platforms["ceiling"] as? String == "4500000.00")
        #expect(platforms["ceiling_basis"] as? String == "sector_platform_cap ¥1,500,000.00 × sector_platforms_max 3")
        #expect(items.first { $0["key"] as? String == "other" } == nil)

        // The other formats tell the same story; the HTML escapes what the city wrote.
        let html = try scratch.clause(["report", "--as-of", asOf, "--format", "html", "--reported", "reported.yaml"])
        #expect(html.status == 0)
        #expect(!html.stdout.contains("<script>"))
        #expect(html.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // A chart per row whose figure is known, monthly spending by source, and spending by district.
        let known = rows.filter { $0["status"] as? String != "unknown" }.count
        // A chart per row whose figure is known, monthly spending by source, decided against the
        // ceilings, and spending by district.
        #expect(html.stdout.components(separatedBy: "<svg").count - 1 == known + 3)
        #expect(html.stdout.contains("对照支出上限"))
        #expect(html.stdout.contains("预计规模（每项上限 × 指标目标，仅供参考）"))
        #expect(html.stdout.contains("按试点行业：机床 \(share) ÷ 90 = "))
        #expect(!html.stdout.contains("超出上限"))
        let text = try scratch.clause(["report", "--as-of", asOf, "--reported", "reported.yaml"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("[指标体系表 第1项 indicator.1] 拟改造数字化转型企业数量（家）"))
        let md = try scratch.clause(["report", "--as-of", asOf, "--format", "markdown", "--reported", "reported.yaml"])
        #expect(md.stdout.contains("\\<script\\>"))
    }

    @Test func reportedFiguresAreCheckedWithLocatedErrors() throws {
        let scratch = try StoreScratch()
        try scratch.write("cases/a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        #expect(try scratch.clause(["record", "cases"]).status == 0)
        try scratch.write("bad.yaml", """
            policy: shenyang-sme-dx-fund
            reported:
              - { figure: problem_list, on: 2024-06-30, value: 1, source: x }
              - { figure: problem_lists, on: 2024-13-01, value: 1, source: x }
              - { figure: problem_lists, on: 2024-06-30, value: 1.5, source: x }
              - { figure: problem_lists, on: 2024-07-30, value: 1 }
              - { figure: pilot_sector_smes, part: machine_tool, on: 2024-07-30, value: 1, source: x }
              - { figure: problem_lists, part: machine_tools, on: 2024-08-30, value: 1, source: x }

            """)
        let run = try scratch.clause(["report", "--reported", "bad.yaml"])
        #expect(run.stderr.contains("bad.yaml:7:40: error: 'machine_tool' is not one of sector: air_cooling, machine_tools"), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean 'machine_tools'?"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.yaml:8:36: error: 'problem_lists' is not counted per part: remove 'part'"), "\(run.stderr)")
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.yaml:3:15: error: 'problem_list' is not a reported figure of shenyang-sme-dx-fund; did you mean 'problem_lists'?"),
                "\(run.stderr)")
        #expect(run.stderr.contains("bad.yaml:4:34: error: '2024-13-01' is not a date"))
        #expect(run.stderr.contains("bad.yaml:5:"))
        #expect(run.stderr.contains("bad.yaml:6:"))
        #expect(run.stderr.contains("source"))
    }

    /// `per:` splits a counted row by an enum fact, and only such a row.
    @Test func perSplitsACountedRowByAnEnumFact() throws {
        func errors(_ edit: (String) -> String) throws -> [String] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-per-\(UUID().uuidString)").path
            try FileManager.default.copyItem(atPath: Repo.shenyangDirectory, toPath: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = "\(dir)/indicators.yaml"
            try edit(try String(contentsOfFile: file, encoding: .utf8)).write(toFile: file, atomically: true, encoding: .utf8)
            return PolicyLoader.load(dir).diagnostics.filter { $0.severity == .error }.map(\.message)
        }
        #expect(try errors { $0 } == [])
        #expect(try errors { $0.replacingOccurrences(of: "per: applicant.sector", with: "per: applicant.name") }
                == ["indicator 'level2_share': 'per' splits by an enum fact (applicant.sector), but 'applicant.name' is not one"])
        #expect(try errors { $0.replacingOccurrences(of: "per: applicant.sector", with: "per: applicant.sectr") }.first?
                .hasPrefix("no fact 'applicant.sectr'") == true)
        #expect(try errors { $0.replacingOccurrences(of: "    reported: true\n  demonstration_projects:", with: "    reported: true\n    per: applicant.sector\n  demonstration_projects:") }
                == ["indicator 'problem_lists': 'per' splits a figure counted from the record; this one is not counted"])
    }

    @Test func aShareWithoutItsWholeSaysWhy() throws {
        let scratch = try StoreScratch()
        try scratch.write("cases/a.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        #expect(try scratch.clause(["record", "cases"]).status == 0)
        let run = try scratch.clause(["report", "--as-of", "2025-12-31", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["indicators"] as? [[String: Any]])
        let share = try #require(rows.first { $0["id"] as? String == "level2_share" })
        #expect(share["status"] as? String == "unknown")
        #expect((share["why"] as? String)?.contains("pilot_sector_smes") == true)
        // In the report's language, as the rest of it: the text report is Chinese.
        #expect((share["why"] as? String)?.contains("由市里填报：截至 2025-12-31 尚无填报数字") == true)
        let lists = try #require(rows.first { $0["id"] as? String == "problem_lists" })
        #expect(lists["why"] as? String == "由市里填报（clause report --reported 文件）：截至 2025-12-31 尚无填报数字")
        // The playground case does not say whether the enterprise is above size: not guessed.
        let transformed = try #require(rows.first { $0["id"] as? String == "enterprises_transformed" })
        #expect((transformed["achieved"] as? NSNumber)?.intValue == 1)
    }

    /// `source` of a payment is optional (older histories have none) and typed when given.
    @Test(arguments: ["", ", source: central", ", source: district", ", source: null"])
    func aPaymentMayNameItsSource(_ source: String) throws {
        let text = try StoreScratch.playground("history-paid.yaml", [("amount: 190000.00 }", "amount: 190000.00\(source) }")])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clause-pay-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch WorkflowSupport.session.replay(path: path) {
        case .success(let r):
            #expect(r.violations.isEmpty)
            #expect(r.state.name == "paid")
        case .failure(let e): Issue.record("\(DiagnosticRenderer().render(e.diagnostics))")
        }
    }

    @Test func ceilingErrorsAreLocatedWithSuggestions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-ceilings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            policy: f
            title: 资金
            clauses:
              p: { cite: 第一条, text: "配套。" }
              i1: { cite: 指标1, text: "改造企业：目标3。" }
            enums:
              source: { values: { central: 中央, city: 市级 } }
              kind: { values: { build: 改造, award: 奖励, event: 活动 } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
              item: { type: kind, label: 事项, required: true, role: item }
            parameters:
              build_cap: { label: 上限, clause: p, value: 50万元 }
              award_cap: { label: 奖励上限, clause: p, value: 10万元 }
              builds_max: { label: 数量, clause: p, value: 3 }
            rules:
              - { id: r, clause: p, refuse_when: item == event and build_cap < award_cap and builds_max < 0, say: 否 }
            indicators:
              built: { label: 改造, clause: i1, targets: { 2024: 1, 2025: 2 }, total: 3, count: records, of: grants, dated: applied_on }
            funding:
              clause: p
              source: source
              central: [central]
              local: [city]
              local_per_central: 125%
              payments: pay
              ceilings:
                buidl: { cap: build_cap, target: built }
                build: { cap: biuld_cap, target: built }
                award: { cap: builds_max, target: biult }
                event: { cap: 300万元 }

            """.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let result = PolicyLoader.load(dir)
        #expect(result.policy == nil)
        let messages = result.diagnostics.map { "\($0.range.start.line):\($0.range.start.column): \($0.message)" }
        #expect(messages.contains("29:5: no support item 'buidl' in kind; did you mean 'build'?"), "\(messages)")
        #expect(messages.contains("30:19: no parameter 'biuld_cap'; did you mean 'build_cap'?"), "\(messages)")
        #expect(messages.contains("31:19: parameter 'builds_max' is int, but a cap is money; did you mean 'build_cap'?"), "\(messages)")
        #expect(messages.contains("31:39: no indicator 'biult'; did you mean 'built'?"), "\(messages)")
        #expect(messages.contains("32:19: the ceiling of 'event': an amount cites the clause that sets it: add clause: ID"), "\(messages)")

        // Written right, the ceilings load: cap × target, cap × count, and a cited amount.
        let fixed = try String(contentsOfFile: dir + "/policy.yaml", encoding: .utf8)
            .replacingOccurrences(of: "    buidl: { cap: build_cap, target: built }\n", with: "")
            .replacingOccurrences(of: "biuld_cap", with: "build_cap")
            .replacingOccurrences(of: "cap: builds_max, target: biult", with: "cap: award_cap, count: builds_max")
            .replacingOccurrences(of: "{ cap: 300万元 }", with: "{ cap: 300万元, clause: p }")
        try fixed.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let ok = PolicyLoader.load(dir)
        let policy = try #require(ok.policy, "\(ok.diagnostics.map(\.message))")
        let counter = ProgrammeCounter(policy: policy, asOf: CivilDate(iso: "2024-12-31")!)
        let ceilings = try #require(policy.funding?.ceilings)
        #expect(ceilings.map(\.item) == ["build", "award", "event"])
        let amounts = ceilings.compactMap { counter.amounts($0) }
        #expect(amounts.map { $0.total?.fen } == [150_000_000, 30_000_000, 300_000_000])
        #expect(amounts[0].perYear == [2024: Money(fen: 50_000_000), 2025: Money(fen: 100_000_000)])
        #expect(amounts[2].basis == "¥3,000,000.00 (第一条)")

        // A ceiling too large to count in fen is an error where it is written, never an absent ceiling.
        try fixed.replacingOccurrences(of: "value: 3 }", with: "value: 9000000000000 }")
            .write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let huge = PolicyLoader.load(dir)
        #expect(huge.policy == nil)
        #expect(huge.diagnostics.map { "\($0.range.start.line):\($0.range.start.column): \($0.message)" }
                .contains("30:5: the ceiling of 'award' is too large to count in fen: the cap times its count overflows"),
                "\(huge.diagnostics.map(\.message))")
    }

    @Test func sharesOfACeilingAndDecisionsAboveIt() {
        var y = ProgrammeReport.ExecutionYear(year: 2024, ceiling: Money(fen: 300), granted: Money(fen: 309), paid: Money(fen: 1))
        #expect(y.overCeiling)
        #expect(y.grantedShare?.display == "103%")
        #expect(y.paidShare?.display == "0.33%")
        y.ceiling = Money(fen: 309)
        #expect(!y.overCeiling)
        y.ceiling = .zero
        #expect(y.grantedShare == nil && y.paidShare == nil)
        y.ceiling = nil
        #expect(!y.overCeiling && y.grantedShare == nil)
    }

    @Test func fundingPlanErrorsAreLocated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-funding-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            policy: f
            title: 资金
            clauses:
              p: { cite: 第一条, text: "配套。" }
            enums:
              source: { values: { central: 中央, city: 市级 } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 日期, required: true }
              s: { type: source, label: 来源 }
            rules:
              - { id: r, clause: p, refuse_when: s == city, say: 否 }
            funding:
              clause: p
              source: source
              central: [central]
              local: [city, central]
              local_per_central: 1.25
              payments: pay

            """.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let result = PolicyLoader.load(dir)
        #expect(result.policy == nil)
        let messages = result.diagnostics.map { "\($0.range.start.line):\($0.range.start.column): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("17:") && $0.contains("'central' is both central and local") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("18:") }, "\(messages)")
    }
}
