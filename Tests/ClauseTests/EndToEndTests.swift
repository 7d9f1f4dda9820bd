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

    static func clause(_ args: [String], cwd: String = Repo.root, environment extra: [String: String] = [:]) throws -> Run {
        try run(binary, args, cwd: cwd, environment: extra)
    }

    /// Runs a program and collects its output. The caller's CLAUSE_POLICY_PATH, CLAUSE_STORE and CLAUSE_WORKFLOW_PATH
    /// are left out, so a developer's own settings never change what a test sees.
    static func run(_ executable: String, _ args: [String], cwd: String, environment extra: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLAUSE_POLICY_PATH")
        env.removeValue(forKey: "CLAUSE_STORE")
        env.removeValue(forKey: "CLAUSE_WORKFLOW_PATH")
        env.merge(extra) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes are drained at once: read one after the other, a child that fills the second
        // pipe's buffer (64 KB of diagnostics) while the first is read waits forever, and so does
        // the test.
        let errors = ErrorPipeReader(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errors.wait()
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
        #expect(lines[1].contains("\"consequences\":{\"clawback\":\"120000.00\",\"blacklisted_until\":\"2027-09-01\"}"))
    }

    /// The default line has no trace, `--no-trace` says the same, and `--trace` adds the trace
    /// and nothing else, whether the cases are few (decided one by one) or a folder (the batch
    /// path, where the compiled policy decides).
    @Test func theTraceIsAskedFor() throws {
        for args in [["Playground/cases/transformation-granted.yaml", "Playground/cases/transformation-incomplete.yaml"], ["Playground/cases"]] {
            let lean = try EndToEndTests.clause(["evaluate", "--format", "json"] + args)
            let bare = try EndToEndTests.clause(["evaluate", "--format", "json", "--no-trace"] + args)
            let traced = try EndToEndTests.clause(["evaluate", "--format", "json", "--trace"] + args)
            #expect(lean.stdout == bare.stdout && lean.status == bare.status)
            #expect(traced.status == lean.status)
            let a = traced.stdout.split(separator: "\n"), b = lean.stdout.split(separator: "\n")
            #expect(a.count == b.count && a.count >= 2)
            for (x, y) in zip(a, b) {
                #expect(!y.contains(#""trace":"#))
                let head = try #require(x.range(of: ",\"trace\":{\"trace_version\":2,")).lowerBound
                let traceEnd = try #require(x.range(of: "]}]}", options: .backwards)).upperBound
                #expect(String(x[..<head]) + String(x[traceEnd...]) == String(y), "the traced line is the lean line and the trace")
            }
        }
        #expect(try EndToEndTests.clause(["evaluate", "--trace", "--no-trace", "Playground/cases/diagnosis.yaml"]).status == 2)
    }

    /// Files that cannot be read are located errors, never a crash or a silent skip.
    @Test func unreadableFilesAreReported() throws {
        let missing = try EndToEndTests.clause(["evaluate", "Playground/cases/no-such-case.yaml", "Playground/cases/diagnosis.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Playground/cases/no-such-case.yaml:1:1: error: cannot read file: no such file or directory"))
        #expect(missing.stdout.contains("SY-2024-D-0001"))
        let folder = try EndToEndTests.clause(["explain", "Playground/cases"])
        #expect(folder.status == 1)
        #expect(folder.stderr.contains("Playground/cases:1:1: error: cannot read file: is a directory"))
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

/// Batch evaluation: JSON Lines in, decisions out in input order, bad lines located.
@Suite struct BatchEndToEndTests {
    @Test func jsonLinesInputKeepsOrderAndLocatesBadLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-jsonl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try String(contentsOfFile: Repo.path("Tests/ClauseTests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(2500).map(String.init)
        var lines = corpus
        lines.insert(#"{"case": "bad", "policy": "shenyang-sme-dx-fund", "item": "transformaton", "applied_on": "2024-01-01"}"#, at: 1200)
        let path = dir.appendingPathComponent("cases.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let r = try EndToEndTests.clause(["evaluate", "--format", "json", "--jsonl", path])
        #expect(r.status == 1)
        let ids = r.stdout.split(separator: "\n").map { line -> String in
            let start = line.index(line.startIndex, offsetBy: 9)
            return String(line[start..<line[start...].firstIndex(of: "\"")!])
        }
        let expected = corpus.map { line -> String in
            let start = line.range(of: #""case":""#)!.upperBound
            return String(line[start..<line[start...].firstIndex(of: "\"")!])
        }
        #expect(ids == expected, "decisions come out in input order, the bad line left out")
        #expect(r.stderr.contains("cases.jsonl:1201:59: error: 'item': 'transformaton' is not one of support_item"))
        #expect(r.stderr.hasSuffix(" cases/s\n"))
        #expect(r.stderr.contains("2501 cases: "))
        #expect(r.stderr.contains("1 unreadable"))
    }
}

/// Reads a pipe to its end on another thread, so the caller can read a second pipe meanwhile.
final class ErrorPipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
