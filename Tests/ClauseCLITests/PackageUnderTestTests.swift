import ClauseTestSupport
import Foundation
import Testing

/// `clause test`, `check` and `evaluate --policy` on exactly the package named, from any folder
/// (a copy of the package must never be tested against ./Policies, passing whatever it says).
@Suite struct PackageUnderTestTests {
    /// A copy of the Shenyang package in a fresh folder outside the repository.
    static func copy(_ edit: (String) -> String = { $0 }) throws -> (root: String, package: String) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("clause-put-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        let dir = "\(root)/copy"
        try fm.copyItem(atPath: Repo.shenyangDirectory, toPath: dir)
        let params = "\(dir)/parameters.yaml"
        try edit(try String(contentsOfFile: params, encoding: .utf8)).write(toFile: params, atomically: true, encoding: .utf8)
        return (root, dir)
    }

    @Test func aCopyWithAChangedRateFailsFromAnyFolderAndTheUnchangedCopyPasses() throws {
        let changed = try PackageUnderTestTests.copy { $0.replacingOccurrences(of: "value: 50%", with: "value: 40%") }
        let same = try PackageUnderTestTests.copy()
        defer { for c in [changed, same] { try? FileManager.default.removeItem(atPath: c.root) } }
        let bad = try ClauseBinary.clause(["test", "copy"], cwd: changed.root)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("amount: expected 190000.00, got 152000.00"))
        #expect(bad.stdout.hasSuffix(" failed\n") && !bad.stdout.hasSuffix(" 0 failed\n"))
        let good = try ClauseBinary.clause(["test", same.package], cwd: NSTemporaryDirectory())
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.hasSuffix("\(Repo.shenyangScenarioCount) passed, 0 failed\n"))
        #expect(good.stderr.isEmpty)
    }

    @Test func policyRunsTheBaseSuiteAgainstAnotherPackage() throws {
        let changed = try PackageUnderTestTests.copy { $0.replacingOccurrences(of: "value: 50万元", with: "value: 40万元") }
        defer { try? FileManager.default.removeItem(atPath: changed.root) }
        let r = try ClauseBinary.clause(["test", "Policies/shenyang-sme-dx-fund", "--policy", changed.package])
        #expect(r.status == 1)
        #expect(r.stdout.contains("amount: expected 500000.00, got 400000.00"))
    }

    @Test func aCaseForAnotherPackageIsAnErrorNotADecision() throws {
        let other = try PackageUnderTestTests.copy()
        defer { try? FileManager.default.removeItem(atPath: other.root) }
        let policy = "\(other.package)/policy.yaml"
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        try text.replacingOccurrences(of: "policy: shenyang-sme-dx-fund", with: "policy: other-fund")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["evaluate", "--policy", other.package, "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Playground/cases/transformation-granted.yaml:3:9: error: this case is for policy 'shenyang-sme-dx-fund', but the package given"))
        let t = try ClauseBinary.clause(["test", other.package])
        #expect(t.status == 1)
        #expect(t.stdout.contains("0 passed, \(Repo.shenyangScenarioCount) failed"))
    }

    /// A batch whose every case names a package that is not there: the error is printed five
    /// times and then counted, each case still fails, and the run says how many were not shown.
    @Test func theSameErrorForEveryCaseIsPrintedAFewTimesThenCounted() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("clause-repeats-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        let lines = (1...12).map { #"{"case":"R-\#($0)","policy":"no-such-fund","item":"transformation"}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/cases.jsonl", atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["evaluate", "--jsonl", "\(dir)/cases.jsonl"])
        #expect(r.status == 1)
        #expect(r.stderr.components(separatedBy: "error: no policy package 'no-such-fund'").count - 1 == 5)
        #expect(r.stderr.contains("note: the same error 7 more times, not shown: no policy package 'no-such-fund'"))
        #expect(r.stderr.contains("12 unreadable"))
    }

    /// A package with an error fails each of its scenarios as not loaded, not as an unreadable case,
    /// and its diagnostics are printed once, not once per scenario.
    @Test func aBrokenPackageIsReportedOnceNotOncePerScenario() throws {
        let broken = try PackageUnderTestTests.copy { $0.replacingOccurrences(of: "value: 50%", with: "value: 五成") }
        defer { try? FileManager.default.removeItem(atPath: broken.root) }
        let t = try ClauseBinary.clause(["test", broken.package])
        #expect(t.status == 1)
        #expect(t.stdout.contains("0 passed, \(Repo.shenyangScenarioCount) failed"))
        #expect(t.stdout.components(separatedBy: "the package \(broken.package) could not be loaded:\n").count == 2)
        #expect(t.stdout.components(separatedBy: "the package \(broken.package) could not be loaded (as shown above)\n").count
                == Repo.shenyangScenarioCount)
        #expect(!t.stdout.contains("the case could not be read"))
        let errors = t.stderr.components(separatedBy: "parameters.yaml:").count - 1
        #expect(errors >= 1)
        let check = try ClauseBinary.clause(["check", broken.package])
        #expect(errors == check.stderr.components(separatedBy: "parameters.yaml:").count - 1, "\(t.stderr)")
    }

    /// An unknown key near a known one gets a guess; any other names the keys there are. A
    /// parameter left without a value by it is reported once, not again at every use.
    @Test func anUnknownKeyIsGuessedOrAnsweredWithTheKeysThereAre() throws {
        let pkg = try PackageUnderTestTests.copy {
            $0.replacingOccurrences(of: "    value: 50%\n", with: "    valeu: 50%\n    默认: 1\n")
        }
        defer { try? FileManager.default.removeItem(atPath: pkg.root) }
        let r = try ClauseBinary.clause(["check", pkg.package])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown key 'valeu' in parameter 'transformation_rate'; did you mean 'value'?"), "\(r.stderr)")
        #expect(r.stderr.contains("unknown key '默认' in parameter 'transformation_rate': the keys here are "), "\(r.stderr)")
        #expect(r.stderr.contains(", value, values, "), "\(r.stderr)")
        // The parameter is broken, not unknown: its uses are not errors of their own, and no
        // near name is offered for it.
        #expect(!r.stderr.contains("unknown name 'transformation_rate'"), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "error:").count - 1 == 3, "\(r.stderr)")
    }

    /// `--policy .` inside a package folder (and `..` forms) used to trap in PolicyRepository.
    @Test func policyDotInsideThePackageDecides() throws {
        let r = try ClauseBinary.clause(["evaluate", "--policy", ".", "../../Playground/cases/transformation-granted.yaml"],
                                         cwd: Repo.shenyangDirectory)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("结论：予以支持 ¥190,000.00"))
        let t = try ClauseBinary.clause(["test", "."], cwd: Repo.shenyangDirectory)
        #expect(t.status == 0)
        #expect(t.stdout.hasSuffix("\(Repo.shenyangScenarioCount) passed, 0 failed\n"))
    }

    @Test func nothingToRunIsAFailureNotASuccess() throws {
        let fm = FileManager.default
        let empty = fm.temporaryDirectory.appendingPathComponent("clause-empty-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: empty) }
        let r = try ClauseBinary.clause(["test", empty])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: no scenario files (tests/*.yaml) under \(empty)\n"))
        let n = try ClauseBinary.clause(["test", "Policies", "--name", "没有这个场景"])
        #expect(n.status == 1)
        #expect(n.stderr.contains("error: no scenario is named '没有这个场景'"))
        let e = try ClauseBinary.clause(["evaluate", empty])
        #expect(e.status == 1)
        #expect(e.stderr.contains("no case files"))
    }

    /// Started in a folder without Policies/, each command says where it looked and how to point
    /// it at the packages; with CLAUSE_POLICY_PATH, `test` runs the scenarios of the packages there,
    /// as `check` and `evaluate` find them.
    @Test func startedElsewhereEachCommandSaysWhereItLookedAndWhatToDo() throws {
        let fm = FileManager.default
        let elsewhere = fm.temporaryDirectory.appendingPathComponent("clause-elsewhere-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: elsewhere) }
        let missing = "Policies (no folder \(URL(fileURLWithPath: elsewhere).standardizedFileURL.path)/Policies)"
        let example = Repo.root + "/Playground/cases/transformation-granted.yaml"
        for (args, says) in [(["check"], "error: no policy packages found under \(missing): run clause in the folder that holds Policies/"),
                             (["test"], "error: no scenario files (tests/*.yaml) under \(missing): run clause in the folder that holds Policies/"),
                             (["evaluate", example], "error: no policy package 'shenyang-sme-dx-fund' under \(missing): run clause in the folder")] {
            let r = try ClauseBinary.clause(args, cwd: elsewhere)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains(says), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("CLAUSE_POLICY_PATH"), "\(args)")
        }
        let t = try ClauseBinary.clause(["test"], cwd: elsewhere, environment: ["CLAUSE_POLICY_PATH": Repo.root + "/Policies"])
        #expect(t.status == 0, "\(t.stderr)")
        let history = Repo.root + "/Playground/cases/history-paid.yaml"
        let w = try ClauseBinary.clause(["workflow", "status", history], cwd: elsewhere, environment: ["CLAUSE_POLICY_PATH": Repo.root + "/Policies"])
        #expect(w.status == 1)
        #expect(w.stderr.contains("error: no workflow for policy 'shenyang-sme-dx-fund' under Workflows (no folder "), "\(w.stderr)")
        #expect(w.stderr.contains("CLAUSE_WORKFLOW_PATH"))
        let found = try ClauseBinary.clause(["workflow", "status", history], cwd: elsewhere,
                                             environment: ["CLAUSE_POLICY_PATH": Repo.root + "/Policies", "CLAUSE_WORKFLOW_PATH": Repo.root + "/Workflows"])
        #expect(found.status == 0, "\(found.stderr)")
        let here = try ClauseBinary.clause(["test", "Policies"])
        #expect(here.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(t.stdout.split(separator: "\n").last == here.stdout.split(separator: "\n").last)
    }

    @Test func theReproduceHintIsTheCommandAsInvoked() throws {
        let changed = try PackageUnderTestTests.copy { $0.replacingOccurrences(of: "value: 50%", with: "value: 40%") }
        defer { try? FileManager.default.removeItem(atPath: changed.root) }
        let r = try ClauseBinary.clause(["test", changed.package, "--name", "数字化水平四级予以支持"])
        #expect(r.stdout.contains("reproduce: \(ClauseBinary.binary) test \(changed.package)/tests/transformation.yaml --name 数字化水平四级予以支持 --explain"))
        #expect(!r.stdout.contains("swift run"))
        let v = try ClauseBinary.clause(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    /// The report is accepted by a JUnit consumer: valid against the JUnit schema CI servers read.
    @Test func junitIsValidAgainstTheSchema() throws {
        let changed = try PackageUnderTestTests.copy { $0.replacingOccurrences(of: "value: 50%", with: "value: 40%") }
        defer { try? FileManager.default.removeItem(atPath: changed.root) }
        let r = try ClauseBinary.clause(["test", changed.package, "--format", "junit"])
        #expect(r.status == 1)
        // The text run's count of failures is the report's.
        let text = try ClauseBinary.clause(["test", changed.package])
        let failed = try #require(text.stdout.split(separator: "\n").last.flatMap { $0.split(separator: " ").dropFirst(2).first }.flatMap { Int($0) })
        #expect(failed > 0)
        #expect(r.stderr.hasSuffix("\(Repo.shenyangScenarioCount - failed) passed, \(failed) failed\n"))
        let report = "\(changed.root)/report.xml"
        try r.stdout.write(toFile: report, atomically: true, encoding: .utf8)
        let lint = Process()
        lint.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        lint.arguments = ["xmllint", "--noout", "--schema", Repo.path("Tests/Fixtures/junit/junit.xsd"), report]
        let err = Pipe()
        lint.standardError = err
        try lint.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        lint.waitUntilExit()
        #expect(lint.terminationStatus == 0, "xmllint (Debian's libxml2-utils) rejected the report: \(message)")
        #expect(r.stdout.contains("<testsuites name=\"clause test\" tests=\"\(Repo.shenyangScenarioCount)\" failures=\"\(failed)\" errors=\"0\">"))
        #expect(r.stdout.contains(#"<failure message="amount: expected 190000.00, got 152000.00" type="scenario">"#))
    }

    @Test func jsonIsOneObjectPerScenarioThenASummary() throws {
        let r = try ClauseBinary.clause(["test", "Policies", "--format", "json"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == Repo.shenyangScenarioCount + 1)
        #expect(lines.first?.hasPrefix(#"{"file":"Policies/shenyang-sme-dx-fund/tests/exclusions.yaml","name":"有效期末日申报予以受理","line":"#) == true)
        #expect(lines.last == "{\"summary\":{\"passed\":\(Repo.shenyangScenarioCount),\"failed\":0}}")
    }
}
