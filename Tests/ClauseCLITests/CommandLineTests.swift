import ClauseTestSupport
import Foundation
import Testing

/// The command line as a user meets it: the built `clause` run with arguments, its stdout, stderr
/// and exit status checked (swift-argument-parser's AssertExecuteCommand habit).
@Suite struct CommandLineTests {
    @Test func evaluateJSONIsOneLinePerCaseInOrder() throws {
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "Playground/cases/transformation-granted.yaml",
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
            let lean = try ClauseBinary.clause(["evaluate", "--format", "json"] + args)
            let bare = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-trace"] + args)
            let traced = try ClauseBinary.clause(["evaluate", "--format", "json", "--trace"] + args)
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
        #expect(try ClauseBinary.clause(["evaluate", "--trace", "--no-trace", "Playground/cases/diagnosis.yaml"]).status == 2)
    }

    /// Files that cannot be read are located errors, never a crash or a silent skip.
    @Test func unreadableFilesAreReported() throws {
        let missing = try ClauseBinary.clause(["evaluate", "Playground/cases/no-such-case.yaml", "Playground/cases/diagnosis.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Playground/cases/no-such-case.yaml:1:1: error: cannot read file: no such file or directory"))
        #expect(missing.stdout.contains("SY-2024-D-0001"))
        let folder = try ClauseBinary.clause(["explain", "Playground/cases"])
        #expect(folder.status == 1)
        #expect(folder.stderr.contains("Playground/cases:1:1: error: cannot read file: is a directory"))
    }

    @Test func badFilesGetExitOneAndGoodFilesAreStillDecided() throws {
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "Tests/Fixtures/invalid-cases/yes-for-a-boolean.yaml",
                                          "Playground/cases/diagnosis.yaml", "Tests/Fixtures/invalid-cases/binary-junk.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(r.stdout.contains("\"case\":\"SY-2024-D-0001\""))
        #expect(r.stderr.contains("Tests/Fixtures/invalid-cases/yes-for-a-boolean.yaml:12:11: error: 'applicant.is_sme': 'yes' is not a boolean here: write true or false (YAML 1.1 would have read it as true)"))
        #expect(r.stderr.contains("binary-junk.yaml:2:118: error: file is not UTF-8 text (byte 0x80 at line 2)"))
    }

    /// A JSON case file is scanned from its bytes as read; a sequence that is not UTF-8 in one of
    /// its strings (a lone surrogate, an overlong form, a cut-off character) is still the file's
    /// encoding error, at its line and column, as for a YAML file.
    @Test func aJSONCaseFileThatIsNotUTF8IsAnEncodingError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-utf8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let head = Array(#"{"case": "X-1", "policy": "shenyang-sme-dx-fund", "item": "transformation", "applied_on": "2024-11-05","#.utf8)
            + Array("\n \"applicant\": {\"name\": \"沈阳".utf8)
        var paths: [String] = []
        let bytes: [[UInt8]] = [[0xED, 0xA0, 0x80], [0xC0, 0x80], [0xE3, 0x80, 0x22], [0xFF]]
        for (k, bad) in bytes.enumerated() {
            let path = dir.appendingPathComponent("bad\(k).json").path
            try Data(head + bad + Array("\"}}\n".utf8)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-store"] + paths)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        for (k, byte) in ["ED", "C0", "E3", "FF"].enumerated() {
            #expect(r.stderr.contains("bad\(k).json:2:27: error: file is not UTF-8 text (byte 0x\(byte) at line 2)"), "\(r.stderr)")
        }
    }

    @Test func explainQuotesTheClauseAndShowsTheArithmetic() throws {
        let r = try ClauseBinary.clause(["explain", "Playground/cases/transformation-granted.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("采取先建后补方式"))
        #expect(r.stdout.contains("¥380,000.00"))
        #expect(r.stdout.contains("¥190,000.00"))
    }

    @Test func checkIsCleanOnTheShenyangPackage() throws {
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.hasPrefix("Policies/shenyang-sme-dx-fund: ok"))
    }

    @Test func checkReportsATypeErrorAtItsColumn() throws {
        let r = try ClauseBinary.clause(["check", "Tests/Fixtures/invalid-policies/type-error-in-expression"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Tests/Fixtures/invalid-policies/type-error-in-expression/policy.yaml:21:18: error: cannot compare a date with an amount (money)"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try ClauseBinary.clause(["evaluate", "--format", "xml", "x.yaml"]).status == 2)
        #expect(try ClauseBinary.clause(["frobnicate"]).status == 2)
        #expect(try ClauseBinary.clause(["evaluate", "--as-of", "2024-13-01", "Playground/cases/diagnosis.yaml"]).status == 2)
    }

    /// The scenario suite of every package, through the command a developer runs.
    @Test func scenarioSuitePasses() throws {
        let r = try ClauseBinary.clause(["test", "Policies"])
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
        let corpus = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(2500).map(String.init)
        var lines = corpus
        lines.insert(#"{"case": "bad", "policy": "shenyang-sme-dx-fund", "item": "transformaton", "applied_on": "2024-01-01"}"#, at: 1200)
        let path = dir.appendingPathComponent("cases.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "--jsonl", path])
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

    /// One batch over two cities' cases decides each under its own package: the lines are those
    /// each case gets alone, and name two different packages.
    @Test func aBatchOfTwoPackagesDecidesEachUnderItsOwn() throws {
        let env = ["CLAUSE_POLICY_PATH": Repo.path("Policies") + ":" + Repo.path("Playground/cities")]
        let files = ["Playground/cases/transformation-granted.yaml", "Playground/cities/zhongshan-cases/level2-granted.yaml",
                     "Playground/cases/transformation-capped.yaml", "Playground/cities/zhongshan-cases/level3-capped.yaml"]
        let batch = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-store"] + files, environment: env)
        #expect(batch.status == 0, "\(batch.stderr)")
        var alone: [String] = []
        for f in files {
            let r = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-store", f], environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            alone.append(r.stdout)
        }
        #expect(batch.stdout == alone.joined())
        let digests = Set(batch.stdout.split(separator: "\n").map { line in
            line.components(separatedBy: "\"policy_digest\":\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) } ?? ""
        })
        #expect(digests.count == 2, "\(digests)")
    }

    /// A `.jsonl` file named as a case file is read as one YAML document otherwise, and fails at its
    /// second line with the parser's words.
    @Test func aJSONLinesFileNamedAsACaseFileSaysToUseJSONL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-jsonl-named-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        for name in ["cases.jsonl", "cases.NDJSON", "cases.JSONL", "more.ndjson"] {
            let path = dir.appendingPathComponent(name).path
            try corpus.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try ClauseBinary.clause(["evaluate", "--format", "json", path])
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("\(path):1:1: error: this is a JSON Lines file (one case per line), not one case file: give it as --jsonl \(path) to 'clause evaluate' or 'clause diff'"),
                    "\(r.stderr)")
            #expect(!r.stderr.contains("document start"))
        }
    }
}
