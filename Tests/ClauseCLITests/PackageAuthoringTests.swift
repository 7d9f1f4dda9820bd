import ClauseEngine
import ClauseLanguage
import ClauseTestSupport
import Foundation
import Testing

/// Authoring a package (a second city, from the docs alone): each answer says what to do,
/// no file is skipped in silence, nothing crashes, and a notice does not contradict itself.
@Suite struct PackageAuthoringTests {
    static func temporary(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: - check

    @Test func aWorkflowFileThatDoesNotParseIsShownNotSkipped() throws {
        let dir = try Self.temporary("wf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repo.path("Workflows"), toPath: "\(dir)/Workflows")
        try "workflow: x\n  bad: [\n".write(toFile: "\(dir)/Workflows/broken.yaml", atomically: true, encoding: .utf8)
        let folder = try ClauseBinary.clause(["check", "\(dir)/Workflows"])
        #expect(folder.status == 1)
        #expect(folder.stderr.contains("broken.yaml:2:6: error: mapping values are not allowed in this context"), "\(folder.stderr)")
        #expect(folder.stdout.contains(": 1 error"), "only the broken file: \(folder.stdout)")
        let file = try ClauseBinary.clause(["check", "\(dir)/Workflows/broken.yaml"])
        #expect(file.status == 1)
        #expect(file.stderr.contains("broken.yaml:2:6: error:") && !file.stderr.contains("no policy package folder"), "\(file.stderr)")
        // A YAML file that parses but is no workflow is named as such.
        try "title: x\n".write(toFile: "\(dir)/other.yaml", atomically: true, encoding: .utf8)
        let other = try ClauseBinary.clause(["check", "\(dir)/other.yaml"])
        #expect(other.status == 1 && other.stderr.contains("not a workflow file"), "\(other.stderr)")
    }

    @Test func aWorkflowScenarioFileIsCheckedAlone() throws {
        let r = try ClauseBinary.clause(["check", "Workflows/tests/fraud.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("12 workflow scenarios"), "\(r.stdout)")
    }

    @Test func checkingDotInAnAmendmentWithoutItsBaseSaysSoAndDoesNotCrash() throws {
        let dir = try Self.temporary("amendment")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), toPath: "\(dir)/a")
        for arg in [".", "./"] {
            let r = try ClauseBinary.clause(["check", arg], cwd: "\(dir)/a")
            #expect(r.status == 1, "\(arg): \(r.stderr)")
            #expect(r.stderr.contains("name it with --base DIR"), "\(arg): \(r.stderr)")
        }
        let parent = try ClauseBinary.clause(["check", ".."], cwd: "\(dir)/a/tests")
        #expect(parent.status == 1 && parent.stderr.contains("--base"), "\(parent.stderr)")
        #expect(PackagePath.parent(of: ".") == (FileManager.default.currentDirectoryPath as NSString).deletingLastPathComponent)
    }

    @Test func checkTakesAFolderOfPackagesAsTestDoes() throws {
        let r = try ClauseBinary.clause(["check", "Policies"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Policies/shenyang-sme-dx-fund: ok"), "\(r.stdout)")
        let cities = try ClauseBinary.clause(["check", "Playground/cities"])
        #expect(cities.status == 0, "\(cities.stderr)")
        #expect(cities.stdout.contains("zhongshan-sme-dx-fund: ok") && cities.stdout.contains("topup-example: ok"), "\(cities.stdout)")
    }

    // MARK: - Words that say what to do

    @Test func aMisspeltCommandGetsTheCommand() throws {
        let r = try ClauseBinary.clause(["evalute", "x"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown command 'evalute'; did you mean 'evaluate'?"), "\(r.stderr)")
        #expect(try ClauseBinary.clause(["--version"]).status == 0)
    }

    @Test func anImpossibleDateSaysWhatTheCalendarLacks() throws {
        let r = try ClauseBinary.clause(["evaluate", "--as-of", "2025-02-30", "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("'2025-02-30' is not a date in the calendar: February 2025 has 28 days"), "\(r.stderr)")
        // `effective:` of an amendment reads dates the same way.
        let dir = try Self.temporary("effective")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), toPath: "\(dir)/a")
        let policy = "\(dir)/a/policy.yaml"
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        let effective = try #require(text.range(of: #"effective: \d{4}-\d{2}-\d{2}"#, options: .regularExpression))
        try text.replacingCharacters(in: effective, with: "effective: 2025-02-30").write(toFile: policy, atomically: true, encoding: .utf8)
        let c = try ClauseBinary.clause(["check", "--base", "Policies/shenyang-sme-dx-fund", "\(dir)/a"])
        #expect(c.status == 1)
        #expect(c.stderr.contains("'2025-02-30' is not a date in the calendar: February 2025 has 28 days"), "\(c.stderr)")
    }

    @Test func tenThousandsWithoutYuanGetTheSpelling() {
        #expect(ScalarValue.money("30万") == .failure("'30万' is not an amount: write '30万元'"))
        #expect(caseDiagnostics("case: X\npolicy: shenyang-sme-dx-fund\nitem: transformation\napplied_on: 2024-07-01\nrequested: 30万\n")
            .contains("write '30万元'"))
    }

    @Test func anUnknownRoleListsTheRoles() throws {
        let r = try ClauseBinary.clause(["workflow", "next", "Workflows/tests/cases/history-paid.yaml", "--as", "district"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown role 'district'; the roles are enterprise, district_bureau, city_bureau, third_party"), "\(r.stderr)")
    }

    @Test func aDiffOverNoCasesPrintsNoTable() throws {
        let dir = try Self.temporary("empty")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try ClauseBinary.clause(["diff", "--base", "Policies/shenyang-sme-dx-fund", "--proposed", "Policies/shenyang-sme-dx-fund", dir])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty, "no 'no decision changed' and no empty tables: \(r.stdout)")
        #expect(r.stderr.contains("no cases found under"))
    }

    @Test func explainSpellsAStepWithoutANameInLabels() throws {
        let dir = try Self.temporary("spelled")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repo.path("Playground/cities/topup-example"), toPath: "\(dir)/topup-example")
        let rules = "\(dir)/topup-example/rules.yaml"
        let text = try String(contentsOfFile: rules, encoding: .utf8)
            .replacingOccurrences(of: "    cap: base_room\n", with: "    cap: min(base_room, if batch == first then 40万元 else 30万元)\n")
            .replacingOccurrences(of: "    award: project.spending × base_rate\n",
                                  with: "    award: project.spending × base_rate - base_rate × ledger.enterprise_base\n")
        try text.write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["explain", "--policy", "\(dir)/topup-example", "\(dir)/topup-example/tests/cases/level4.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("改造投入 × 普惠性奖补比例 ¥200,000.00 − 普惠性奖补比例 × 本企业已获普惠性奖补（基金记录） ¥0.00 = ¥200,000.00"), "\(r.stdout)")
        #expect(r.stdout.contains("不超过上限 ¥400,000.00（较小值(本企业剩余普惠性奖补额度, 若 申报批次 == 第一批 则 40万元 否则 30万元)）"), "\(r.stdout)")
        #expect(!r.stdout.contains("min(base_room"))
    }

    // MARK: - Notices that do not contradict themselves

    @Test func aMissingFixedFactCanBeSupplied() throws {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("is_sme") }.joined(separator: "\n")
        let dir = try Self.temporary("nosme")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: "\(dir)/c.yaml", atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["evaluate", "--format", "notice", "\(dir)/c.yaml"])
        #expect(r.stdout.contains("补正通知书") && r.stdout.contains("尚缺：是否中小企业"), "\(r.stdout)")
        #expect(!r.stdout.contains("无论怎样改变，均不能获得支持"), "asks for the fact, then says nothing can help: \(r.stdout)")
        #expect(r.stdout.contains("是否中小企业为 是，则予以支持"), "\(r.stdout)")
    }

    @Test func twoUnapprovedChangesOfOneKindHaveARemedy() throws {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/unapproved-change.yaml"), encoding: .utf8)
        let two = text.replacingOccurrences(of: "      approved: false\n", with: "      approved: false\n    - kind: subject\n      approved: false\n")
        #expect(two != text)
        let dir = try Self.temporary("changes")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try two.write(toFile: "\(dir)/c.yaml", atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["evaluate", "--format", "notice", "\(dir)/c.yaml"])
        #expect(r.stdout.contains("不予支持告知书"), "\(r.stdout)")
        #expect(!r.stdout.contains("无论怎样改变，均不能获得支持"), "the reason says get it approved; the remedies must agree: \(r.stdout)")
        #expect(r.stdout.contains("第 1 项") && r.stdout.contains("第 2 项"), "\(r.stdout)")
    }

    // MARK: - Workflow scenarios anywhere

    @Test func theWorkflowSuiteRunsFromACopy() throws {
        let dir = try Self.temporary("wfcopy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repo.path("Workflows"), toPath: "\(dir)/Workflows")
        for file in try FileManager.default.contentsOfDirectory(atPath: "\(dir)/Workflows/tests") where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: "\(dir)/Workflows/tests/\(file)", encoding: .utf8)
            #expect(!text.contains("../"), "\(file) reaches outside its folder")
        }
        let check = try ClauseBinary.clause(["check", "\(dir)/Workflows"])
        #expect(check.status == 0, "\(check.stderr)")
        let test = try ClauseBinary.clause(["test", "\(dir)/Workflows"])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }
}
