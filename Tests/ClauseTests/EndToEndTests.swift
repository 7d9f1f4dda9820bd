import Foundation
import Testing

/// Runs the built `clause` binary as a user would and checks stdout, stderr and the exit status
/// (swift-argument-parser's AssertExecuteCommand habit).
@Suite struct EndToEndTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `clause` executable beside the test bundle, as `swift build` leaves it.
    static let binary: String = {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir.appendingPathComponent("clause").path, Repo.path(".build/debug/clause")]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return Repo.path(".build/debug/clause")
    }()

    static func clause(_ args: [String], cwd: String = Repo.root) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLAUSE_POLICY_PATH")
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func evaluateJSONIsOneLinePerCaseInOrder() throws {
        let r = try EndToEndTests.clause(["evaluate", "--format", "json", "Playground/cases/transformation-granted.yaml",
                                          "Playground/cases/fraud-found.yaml"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("{\"case\":\"SY-2024-T-0001\",\"policy\":\"shenyang-sme-dx-fund\",\"policy_digest\":\"sha256:"))
        #expect(lines[0].contains("\"outcome\":\"granted\",\"amount\":\"190000.00\""))
        #expect(lines[1].contains("\"consequences\":{\"clawback\":\"120000.00\",\"blacklisted_until\":\"2027-08-31\"}"))
    }

    @Test func badFilesGetExitOneAndGoodFilesAreStillDecided() throws {
        let r = try EndToEndTests.clause(["evaluate", "--format", "json", "Tests/ClauseTests/Fixtures/invalid-cases/yes-for-a-boolean.yaml",
                                          "Playground/cases/diagnosis.yaml", "Tests/ClauseTests/Fixtures/invalid-cases/binary-junk.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(r.stdout.contains("\"case\":\"SY-2024-D-0001\""))
        #expect(r.stderr.contains("Tests/ClauseTests/Fixtures/invalid-cases/yes-for-a-boolean.yaml:12:11: error: 'applicant.is_sme': 'yes' is not a boolean here: write true or false (YAML 1.1 would have read it as true)"))
        #expect(r.stderr.contains("binary-junk.yaml:2:118: error: file is not UTF-8 text (byte 0x80 at line 2)"))
    }

    @Test func explainQuotesTheClauseAndShowsTheArithmetic() throws {
        let r = try EndToEndTests.clause(["explain", "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("采取先建后补方式"))
        #expect(r.stdout.contains("¥380,000.00"))
        #expect(r.stdout.contains("¥190,000.00"))
    }

    @Test func checkIsCleanOnTheShenyangPackage() throws {
        let r = try EndToEndTests.clause(["check", "Policies/shenyang-sme-dx-fund"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.hasPrefix("Policies/shenyang-sme-dx-fund: ok"))
    }

    @Test func checkReportsATypeErrorAtItsColumn() throws {
        let r = try EndToEndTests.clause(["check", "Tests/ClauseTests/Fixtures/invalid-policies/type-error-in-expression"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Tests/ClauseTests/Fixtures/invalid-policies/type-error-in-expression/policy.yaml:21:18: error: cannot compare a date with an amount (money)"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try EndToEndTests.clause(["evaluate", "--format", "xml", "x.yaml"]).status == 2)
        #expect(try EndToEndTests.clause(["frobnicate"]).status == 2)
        #expect(try EndToEndTests.clause(["evaluate", "--as-of", "2024-13-01", "Playground/cases/diagnosis.yaml"]).status == 2)
    }

    /// The scenario suite of every package, through the command a developer runs.
    @Test func scenarioSuitePasses() throws {
        let r = try EndToEndTests.clause(["test", "Policies"])
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(last.hasSuffix(" passed, 0 failed"))
        #expect(!last.hasPrefix("0 passed"))
    }
}
