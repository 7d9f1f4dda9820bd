import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// Hostile stores and hostile input that once corrupted records, wrote files or crashed
/// when attacked on purpose: each test failed before its fix.
@Suite struct HostileInputTests {
    /// A store whose package file names climb out of the replay folder: `why` and `replay`
    /// refuse it, exit 1, and write nothing anywhere.
    @Test func aCraftedStoreCannotWriteOutsideTheReplayFolder() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        // From /tmp/clause-replay-…/<digest>/, "../../<scratch>/pwned.yaml" lands in the scratch folder.
        let scratchName = (s.root as NSString).lastPathComponent
        for name in ["../../\(scratchName)/pwned.yaml", "sub/pwned.yaml", "..", ""] {
            try HandEdit.covered(s.store) { db in
                try db.execute(sql: "UPDATE package_files SET name = ? WHERE name = (SELECT max(name) FROM package_files)", arguments: [name])
            }
            for args in [["why", "SY-2024-D-0001"], ["replay", "SY-2024-D-0001"], ["replay", "--all"]] {
                let r = try s.clause(args)
                #expect(r.status == 1, "\(args) \(name)")
                #expect(r.stderr.contains("which is not a plain file name"), "\(args) \(name): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: s.path("pwned.yaml")), "\(args) \(name)")
            }
        }
    }

    /// A digest that is not sha256 hex could name any folder; it is refused before use.
    @Test func aCraftedDigestIsRefused() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        try HandEdit.covered(s.store) { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for table in ["packages", "package_files", "decision_packages"] {
                try db.execute(sql: "UPDATE \(table) SET digest = 'sha256:../../../../x'")
            }
        }
        let r = try s.clause(["replay", "--all"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is not sha256: and 64 hex digits"), "\(r.stderr)")
    }

    @Test func plainFileNames() {
        #expect(Replayer.isPlainFileName("policy.yaml"))
        #expect(Replayer.isPlainFileName("政策.yaml"))
        for bad in ["", ".", "..", "a/b.yaml", "..\\x.yaml", "a\u{0}b.yaml", "a\nb.yaml", String(repeating: "x", count: 300)] {
            #expect(!Replayer.isPlainFileName(bad), "\(bad)")
        }
    }

    // MARK: - 2. NUL and control characters in case files

    /// Evaluates one case text (written to a file) and returns the run.
    static func evaluate(_ text: String, name: String = "case.yaml", _ args: [String] = []) throws -> ClauseBinary.Run {
        let s = try StoreScratch()
        try s.write(name, text)
        return try ClauseBinary.clause(["evaluate"] + args + [name], cwd: s.root)
    }

    @Test func nulInTheCaseIdIsALocatedError() throws {
        let yaml = try StoreScratch.playground("transformation-granted.yaml", [("case: SY-2024-T-0001", #"case: "SY-2024-T-0001\0-x""#)])
        let r = try Self.evaluate(yaml)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("case.yaml:2:7: error: 'case': text holds the control character U+0000 (NUL) at character 15: remove it\n"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func nulInJSONIsALocatedError() throws {
        let json = #"{"case": "SY-2024-T-0001\u0000-x", "policy": "shenyang-sme-dx-fund", "item": "diagnosis", "applied_on": "2024-11-05"}"#
        let r = try Self.evaluate(json, name: "case.json")
        #expect(r.status == 1)
        #expect(r.stderr.contains("case.json:1:10: error: 'case': text holds the control character U+0000 (NUL) at character 15"), "\(r.stderr)")
    }

    @Test func aCreditCodeWithNulDoesNotPassTheLengthCheck() throws {
        let yaml = try StoreScratch.playground("transformation-granted.yaml", [("credit_code: 91210106MA0Y3K2X1E", #"credit_code: "91210106MA0Y3K2X1\0""#)])
        let r = try Self.evaluate(yaml)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: 'applicant.credit_code': text holds the control character U+0000 (NUL) at character 18"), "\(r.stderr)")
    }

    /// Free text may hold a tab or a line break (a YAML block scalar); an id may not; ESC is
    /// refused everywhere. The fast reader gives every such case to the tree path.
    @Test func controlCharactersByKindOfText() throws {
        let withLF = try StoreScratch.playground("transformation-granted.yaml", [("name: 工业网关", #"name: "工业\n网关\t二期""#)])
        let ok = try Self.evaluate(withLF)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("予以支持 ¥190,000.00"))
        let esc = try StoreScratch.playground("transformation-granted.yaml", [("name: 工业网关", #"name: "\e[2J""#)])
        let bad = try Self.evaluate(esc)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("'project.expenses[1].name': text holds the control character U+001B (ESC) at character 1"), "\(bad.stderr)")
        let tabID = try StoreScratch.playground("transformation-granted.yaml", [("case: SY-2024-T-0001", #"case: "SY-2024\tT-0001""#)])
        let badID = try Self.evaluate(tabID)
        #expect(badID.status == 1)
        #expect(badID.stderr.contains("'case' (案件编号): text holds the control character U+0009 (tab) at character 8"), "\(badID.stderr)")
    }

    /// JSON Lines: a line that is not UTF-8 is a located error (it was silently replaced), and
    /// the other lines are still decided.
    @Test func invalidUTF8InAJSONLinesLineIsALocatedError() throws {
        let s = try StoreScratch()
        let good = #"{"case": "SY-2024-D-0001", "policy": "shenyang-sme-dx-fund", "item": "diagnosis", "applied_on": "2024-11-05", "applicant": {"credit_code": "91210112MA0T8N3Q1N"}}"#
        var bytes = Array((good + "\n").utf8)
        bytes += Array(#"{"case": "SY-2024-D-0002", "policy": "shenyang-sme-dx-fund", "applicant": {"name": "ab"#.utf8) + [0xFF, 0xFE] + Array("\"}}\n".utf8)
        bytes += Array((good + "\n").utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: s.path("cases.jsonl")))
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-trace", "--jsonl", "cases.jsonl"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("cases.jsonl:2:87: error: line is not UTF-8 text (byte 0xFF)\n"), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    // MARK: - 3. Terminal and Markdown injection

    @Test func terminalTextShowsControlCharacters() {
        #expect(TerminalText.escape("MES 软件许可") == "MES 软件许可")
        #expect(TerminalText.escape("a\u{1B}[2Jb\r\n\u{0}") == "a\\u{1B}[2Jb\\u{D}\\u{A}\\u{0}")
        #expect(TerminalText.escape("x\u{9B}y\u{202E}z") == "x\\u{9B}y\\u{202E}z")
        #expect(!TerminalText.hasControlCharacters("沈阳示例风机有限公司 ¥190,000.00"))
        for s in ["\u{0}", "\u{7F}", "\u{85}", "\u{2066}", "a\tb"] { #expect(TerminalText.hasControlCharacters(s), "\(s.unicodeScalars.map(\.value))") }
    }

    /// A line break in an expense's name (allowed in free text) cannot forge a line of the
    /// calculation: it is shown as \u{A}.
    @Test func aNameCannotForgeALineOfTheJustification() throws {
        let forged = #"name: "工业网关\n      ✓ 伪造 ¥9,999,999.00 计入""#
        let yaml = try StoreScratch.playground("transformation-granted.yaml", [("name: 工业网关", forged)])
        let s = try StoreScratch()
        try s.write("case.yaml", yaml)
        let r = try ClauseBinary.clause(["explain", "case.yaml"], cwd: s.root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("✓ 伪造") })
        #expect(r.stdout.contains(#"✓ 工业网关\u{A}      ✓ 伪造 ¥9,999,999.00 计入 ¥50,000.00 计入"#), "\(r.stdout)")
    }

    @Test func diagnosticsShowControlCharacters() throws {
        let yaml = try StoreScratch.playground("transformation-granted.yaml", [("  is_sme: true", "  \"\\e[2J\\rforged\": 1\n  is_sme: true")])
        let r = try Self.evaluate(yaml)
        #expect(r.status == 1)
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\r"))
        #expect(r.stderr.contains(#"unknown fact 'applicant.\u{1B}[2J\u{D}forged'"#), "\(r.stderr)")
    }

    /// What a user types (a package id, a scenario name, a file or folder, a case id) is printed
    /// back in errors: escaped, so a pasted escape sequence shows instead of clearing the screen.
    @Test func argumentsPrintedBackAreEscaped() throws {
        let bad = "x\u{1B}[2J\ry"
        for args in [["init", bad], ["test", "Policies", "--name", bad], ["evaluate", "--jsonl", bad], ["evaluate", bad + "/"],
                     ["test", "--policy", bad], ["check", "--base", bad], ["workflow", "status", bad], [bad], ["evaluate", "--format", bad]] {
            let r = try ClauseBinary.clause(args)
            #expect(r.status != 0, "\(args)")
            #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\r") && !r.stdout.contains("\u{1B}"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains(#"x\u{1B}[2J\u{D}y"#), "\(args): \(r.stderr)")
        }
    }

    /// `--min-coverage` is a percentage: infinity trapped, NaN passed everything, 150 could never pass.
    @Test(arguments: ["1e309", "nan", "150", "-0.5", "inf"])
    func minCoverageOutsideAPercentageIsAUsageError(_ value: String) throws {
        let r = try ClauseBinary.clause(["test", "Policies", "--min-coverage=\(value)"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--min-coverage takes a percentage from 0 to 100"), "\(r.stderr)")
    }

    @Test func markdownEscapesTheCaseIdAndCaseText() throws {
        let yaml = try StoreScratch.playground("transformation-granted.yaml", [
            ("case: SY-2024-T-0001", #"case: "<script>alert(1)</script> ![x](http://evil/x.png)""#),
            ("name: 工业网关", ##"name: "# 予以支持 <img src=x>""##),
        ])
        let s = try StoreScratch()
        try s.write("case.yaml", yaml)
        let r = try ClauseBinary.clause(["explain", "--format", "markdown", "case.yaml"], cwd: s.root)
        #expect(r.status == 0, "\(r.stderr)")
        // Every '<' and '!' escaped: no tag, no image.
        let unescaped = zip(r.stdout.dropFirst(), r.stdout).filter { ($0.0 == "<" || $0.0 == "!") && $0.1 != "\\" }
        #expect(unescaped.isEmpty, "\(r.stdout)")
        #expect(r.stdout.hasPrefix(##"# 案件 \<script\>alert(1)\</script\> \!\[x\](http://evil/x.png) · "##), "\(r.stdout)")
        #expect(r.stdout.contains(##"\# 予以支持 \<img src=x\>"##))
        #expect(MarkdownText.escape("a\\[b](c)\n\u{1B}&lt;") == #"a\\\[b\](c) \u{1B}\&lt;"#)
    }

    // MARK: - 4. Crashes

    @Test func aJSONLinesDirectoryOrClosedStdinIsAnErrorNotATrap() throws {
        let s = try StoreScratch()
        try FileManager.default.createDirectory(atPath: s.path("folder.jsonl"), withIntermediateDirectories: true)
        let r = try ClauseBinary.clause(["evaluate", "--jsonl", "folder.jsonl"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("folder.jsonl:1:1: error: cannot read the stream after line 0: "), "\(r.stderr)")
        let closed = try Self.shell("'\(ClauseBinary.binary)' evaluate --jsonl - <&-", cwd: s.root)
        #expect(closed.status == 1, "\(closed.stderr)")
        #expect(closed.stderr.hasPrefix("<stdin>:1:1: error: cannot read the stream after line 0: "), "\(closed.stderr)")
    }

    /// Runs a shell command line (for redirections such as a closed stdin).
    static func shell(_ command: String, cwd: String) throws -> ClauseBinary.Run {
        try ClauseBinary.run("/bin/sh", ["-c", command], cwd: cwd)
    }

    /// A line over the limit is reported at its line and skipped without being kept; the lines
    /// after it are read; a stream with no newline at all ends with one error.
    @Test func aJSONLinesLineStopsAtTheLimit() throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("clause-jsonl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "{\"a\": 1}\n" + String(repeating: "x", count: 10_000) + "\n{\"b\": 2}\n" + String(repeating: "y", count: 5_000)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        var reader = JSONLinesReader(handle: FileHandle(forReadingAtPath: path)!, path: "s.jsonl", maxLineBytes: 1_000, chunkBytes: 64)
        var seen: [String] = []
        while let source = reader.next() {
            switch source {
            case .line(_, let t, let offset): seen.append("\(offset + 1): \(t)")
            case .unreadable(let d): seen.append("\(d.range.start.line + d.range.file!.lineOffset): \(d.message)")
            case .file: Issue.record("a file from a stream")
            }
        }
        #expect(seen == ["1: {\"a\": 1}", "2: line is larger than the 1000 bytes limit of a case", "3: {\"b\": 2}",
                         "4: line is larger than the 1000 bytes limit of a case"])
        text = ""
    }

    /// Edits the scratch copy of the Shenyang package's `file`, replacing `a` by `b`.
    static func edit(_ s: StoreScratch, _ file: String, _ a: String, _ b: String) throws {
        try? FileManager.default.removeItem(atPath: s.path("Policies/shenyang-sme-dx-fund/tests"))  // its cases point outside the copy
        let path = s.path("Policies/shenyang-sme-dx-fund/\(file)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(a))
        try text.replacingOccurrences(of: a, with: b).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The 1-based line of the edited rules.yaml that holds `text`, so expectations follow the package.
    static func line(of text: String, in s: StoreScratch) throws -> Int {
        let rules = try String(contentsOfFile: s.path("Policies/shenyang-sme-dx-fund/rules.yaml"), encoding: .utf8)
        return try #require(rules.components(separatedBy: "\n").firstIndex { $0.contains(text) }) + 1
    }

    @Test func aDeepFieldChainInARuleIsALocatedError() throws {
        let s = try StoreScratch()
        let chain = "applicant" + String(repeating: ".x", count: 10_000)
        try Self.edit(s, "rules.yaml", "require: project.digital_level >= minimum_digital_level", "require: \(chain)")
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"], cwd: s.root)
        #expect(r.status == 1)
        let line = try Self.line(of: "require: applicant.x.x", in: s)
        #expect(r.stderr.contains("rules.yaml:\(line):14: error: expression nested too deeply (limit 200)"), "\(r.stderr.prefix(500))")
    }

    @Test func aLongAndChainIsALocatedErrorPastTheLimit() throws {
        let s = try StoreScratch()
        let chain = Array(repeating: "applicant.is_sme", count: 4_000).joined(separator: " and ")
        try Self.edit(s, "rules.yaml", "require: project.digital_level >= minimum_digital_level", "require: \(chain)")
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: expression nested too deeply (limit 200)"), "\(r.stderr.prefix(500))")
        // 190 terms are within the limit and decide.
        let s2 = try StoreScratch()
        let shorter = Array(repeating: "applicant.is_sme", count: 190).joined(separator: " and ")
        try Self.edit(s2, "rules.yaml", "require: project.digital_level >= minimum_digital_level", "require: \(shorter)")
        try s2.write("case.yaml", try StoreScratch.playground("transformation-granted.yaml"))
        let ok = try ClauseBinary.clause(["evaluate", "--format", "json", "case.yaml"], cwd: s2.root)
        #expect(ok.status == 0, "\(ok.stderr.prefix(500))")
    }

    @Test func aDeepFieldChainInAWorkflowGuardIsALocatedError() throws {
        let s = try StoreScratch()
        let chain = "applicant" + String(repeating: ".x", count: 10_000)
        let text = try String(contentsOfFile: Repo.path("Workflows/shenyang-application.yaml"), encoding: .utf8)
        try FileManager.default.createDirectory(atPath: s.path("Workflows"), withIntermediateDirectories: true)
        let guardText = "    guard: actor.district == applicant.district\n"
        let line = try #require(text.components(separatedBy: "\n").firstIndex { $0 + "\n" == guardText }) + 1
        try text.replacingOccurrences(of: guardText, with: "    guard: \(chain)\n")
            .write(toFile: s.path("Workflows/shenyang-application.yaml"), atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["check"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("shenyang-application.yaml:\(line):") && r.stderr.contains("error: expression nested too deeply (limit 200)"), "\(r.stderr.prefix(800))")
    }

    @Test func aLongChainOfDefinitionsIsALocatedError() throws {
        let s = try StoreScratch()
        var defs = "definitions:\n  d0: { label: d0, expr: \"1\" }\n"
        for i in 1..<1_900 { defs += "  d\(i): { label: d\(i), expr: \"d\(i - 1) + 1\" }\n" }
        try Self.edit(s, "rules.yaml", "definitions:\n", defs)
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: definition 'd100' is nested too deeply with the definitions it uses (depth 201, limit 200)"), "\(r.stderr.prefix(800))")
        #expect(r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.count <= 3, "\(r.stderr.prefix(800))")
    }

    /// Declared last-first, the chain is checked by recursion from its top: it stops at the limit.
    @Test func aLongChainOfDefinitionsDeclaredBackwardsIsALocatedError() throws {
        let s = try StoreScratch()
        var defs = "definitions:\n"
        for i in (1..<1_900).reversed() { defs += "  d\(i): { label: d\(i), expr: \"d\(i - 1) + 1\" }\n" }
        defs += "  d0: { label: d0, expr: \"1\" }\n"
        try Self.edit(s, "rules.yaml", "definitions:\n", defs)
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"], cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("is built on too long a chain of definitions (limit 100)") || r.stderr.contains("is nested too deeply with the definitions it uses"),
                "\(r.stderr.prefix(800))")
    }

    // MARK: - 5. A record printed is a record kept

    /// `evaluate --record` killed with SIGKILL as soon as it has printed something: every case
    /// id it printed is in the store (decisions used to be printed before their batch committed).
    @Test func everyDecisionPrintedByEvaluateRecordIsKept() throws {
        let s = try StoreScratch()
        try s.corpus("big", prefix: "P", count: 2_500)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ClauseBinary.binary)
        p.arguments = ["evaluate", "--record", "--format", "json", "--no-trace", "big", "--store", s.store]
        p.currentDirectoryURL = URL(fileURLWithPath: s.root)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLAUSE_POLICY_PATH")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var printed = Data()
        while !printed.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += chunk
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        printed += out.fileHandleForReading.readDataToEndOfFile()
        #expect(p.terminationReason == .uncaughtSignal, "the run ended before it was killed; make the corpus bigger")
        let ids = String(decoding: printed, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("{\"case\":\""), line.hasSuffix("}") else { return nil }  // a line cut by the kill is not a printed decision
            return String(line.dropFirst(9).prefix { $0 != "\"" })
        }
        #expect(!ids.isEmpty)
        let stored = Set(try DatabaseQueue(path: s.store).read { try String.fetchAll($0, sql: "SELECT case_id FROM decisions") })
        let lost = ids.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(ids.count) printed decisions are not in the store, e.g. \(lost.prefix(3))")
    }

    /// Twenty processes creating one new store at once: all succeed and every record is kept.
    @Test func twentyProcessesCreatingOneStoreLoseNothing() throws {
        let s = try StoreScratch()
        let template = try StoreScratch.playground("diagnosis.yaml")
        for i in 0..<20 { try s.write("c\(i).yaml", template.replacingOccurrences(of: "SY-2024-D-0001", with: "R-\(i)")) }
        let runs = try (0..<20).map { i -> (Process, Pipe) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ClauseBinary.binary)
            p.arguments = ["record", "c\(i).yaml", "--store", s.store]
            p.currentDirectoryURL = URL(fileURLWithPath: s.root)
            var env = ProcessInfo.processInfo.environment
            env.removeValue(forKey: "CLAUSE_POLICY_PATH")
            p.environment = env
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            return (p, err)
        }
        for (p, err) in runs {
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(e)")
        }
        let ids = try DatabaseQueue(path: s.store).read { try String.fetchAll($0, sql: "SELECT case_id FROM decisions ORDER BY case_id") }
        #expect(Set(ids) == Set((0..<20).map { "R-\($0)" }))
        #expect(ids.count == 20)
    }

    // MARK: - 6. Quadratic inputs

    /// A case with thousands of errors prints the first 100 of them and a count of the rest.
    @Test func diagnosticsAreCappedPerFile() throws {
        var yaml = try StoreScratch.playground("transformation-granted.yaml")
        // 16,000 unknown keys of 50 characters (830 KB): 622 s in a debug build before, 0.6 s after.
        yaml = yaml.replacingOccurrences(of: "  is_sme: true\n", with: "  is_sme: true\n"
                                         + (0..<16_000).map { "  junk_fact_number_\(String(format: "%05d", $0))_padding_to_make_it_long: 1\n" }.joined())
        let started = Date()
        let r = try Self.evaluate(yaml)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains(": error: ") }.count == 100)
        #expect(lines.last == "case.yaml: note: 15900 more diagnostics not shown (the first 100 are)", "\(lines.suffix(2))")
    }

    // MARK: - 7. Smaller

    @Test func amountsAboveOneTrillionYuanAreRefused() {
        #expect(ScalarValue.plainYuan("1000000000000.00") == 100_000_000_000_000)
        #expect(ScalarValue.plainYuan("1000000000000.01") == nil)
        for text in ["1000000000000.01", "9999999999999.99", "100000001万元"] {
            guard case .failure(let m) = ScalarValue.anyMoney(text) else { Issue.record("\(text) accepted"); continue }
            #expect(m.hasSuffix("is too large an amount: at most 1万亿元"), "\(m)")
        }
        #expect((try? ScalarValue.anyMoney("1000000000000").get()) == Money(fen: 100_000_000_000_000))
    }

    @Test func datesOutsideTheSupportedRangeSaySo() throws {
        #expect(CivilDate.notADate("1899-12-31") == "'1899-12-31' is outside the supported range 1900–2999")
        #expect(CivilDate.notADate("3000-01-01") == "'3000-01-01' is outside the supported range 1900–2999")
        #expect(CivilDate.notADate("2025-02-29") == "'2025-02-29' is not a date in the calendar: February 2025 has 28 days")
        #expect(CivilDate.notADate("1899-02-30") == "'1899-02-30' is not a date in the calendar: February 1899 has 28 days")
        #expect(CivilDate.notADate("2025-13-01") == "'2025-13-01' is not a date in the calendar: there is no month 13")
        // Where a date is read outside an expression (`effective:`, `--as-of`), the same reason.
        #expect(CivilDate.problem("2025-02-30") == "'2025-02-30' is not a date in the calendar: February 2025 has 28 days")
        #expect(CivilDate.problem("2025/02/03") == "'2025/02/03' is not a date: write YYYY-MM-DD")
        let r = try Self.evaluate(try StoreScratch.playground("transformation-granted.yaml", [("applied_on: 2024-11-05", "applied_on: 1899-11-05")]))
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: 'applied_on': '1899-11-05' is outside the supported range 1900–2999"), "\(r.stderr)")
    }

    @Test func checkRefusesDivisionByZeroAndANegativeCapAndWarnsOfARateAbove100() throws {
        let s = try StoreScratch()
        try Self.edit(s, "rules.yaml", "award: eligible_spending * transformation_rate", "award: eligible_spending / 0")
        try Self.edit(s, "rules.yaml", "for: item == chain_case_award\n    award: requested", "for: item == chain_case_award\n    award: requested * 1000%")
        try Self.edit(s, "rules.yaml", "cap: transformation_room", "cap: -5万元")
        let r = try ClauseBinary.clause(["check", "Policies/shenyang-sme-dx-fund"], cwd: s.root)
        #expect(r.status == 1)
        let division = try Self.line(of: "award: eligible_spending / 0", in: s)
        let rate = try Self.line(of: "award: requested * 1000%", in: s)
        let cap = try Self.line(of: "cap: -5万元", in: s)
        #expect(r.stderr.contains("rules.yaml:\(division):32: error: division by zero: '0' is 0"), "\(r.stderr)")
        #expect(r.stderr.contains("rules.yaml:\(rate):24: warning: '1000%' is more than 100%: the amount is multiplied by more than itself"), "\(r.stderr)")
        #expect(r.stderr.contains("rules.yaml:\(cap):10: error: a cap cannot be negative: '-5万元'"), "\(r.stderr)")
    }

    @Test func replayOfAnUnknownCaseFails() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        let r = try s.clause(["replay", "NOSUCH"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: no decision recorded for case 'NOSUCH' in \(s.store)\n"), "\(r.stderr)")
        // Nothing was decided again: no tally that could read as a record that reproduces.
        #expect(!r.stdout.contains("replayed"), "\(r.stdout)")
        let both = try s.clause(["replay", "NOSUCH", "SY-2024-D-0001"])
        #expect(both.status == 1)
        #expect(both.stdout.contains("1 reproduce, 0 differ"))
    }

    /// A store that holds no decision has nothing to reproduce: 'replay --all' says so and fails
    /// rather than report "0 reproduce, 0 differ" as a success.
    @Test func replayingAnEmptyRecordFails() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", "case: X-1\npolicy: no-such-policy\n")
        _ = try s.clause(["record", "case.yaml"])
        #expect(FileManager.default.fileExists(atPath: s.store))
        let r = try s.clause(["replay", "--all"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: nothing to replay: \(s.store) holds no recorded decisions\n", "\(r.stderr)")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
    }

    @Test func anEmptyStorePathIsAUsageError() throws {
        let s = try StoreScratch()
        for args in [["bans", "list", "--store", ""], ["why", "X", "--store", ""], ["record", "x.yaml", "--store", ""]] {
            let r = try ClauseBinary.clause(args, cwd: s.root)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("--store needs a path"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: s.path(".clause")))
    }

    @Test func theStoreIsCreatedPrivate() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        let mode = (try FileManager.default.attributesOfItem(atPath: s.store)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    /// A store the user may only read (here: another user's 0644 file) answers why, replay and bans.
    @Test func aReadOnlyStoreCanBeRead() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: s.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: s.store)
        for args in ["why SY-2024-D-0001", "replay SY-2024-D-0001", "bans list"] {
            let r = try Self.shell("setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp '\(ClauseBinary.binary)' \(args) --store '\(s.store)'", cwd: "/tmp")
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let r = try Self.shell("setpriv --reuid=65534 --regid=65534 --clear-groups '\(ClauseBinary.binary)' record case.yaml --store '\(s.store)'", cwd: s.root)
        #expect(r.status == 1)
    }

    @Test func aStoreMissingATableSaysSoPlainly() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        try DatabaseQueue(path: s.store).write { try $0.execute(sql: "DROP TABLE bans") }
        let r = try s.clause(["bans", "list"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: \(s.store): not a whole clause record store: its table 'bans' is missing (damaged, or altered by hand)\n", "\(r.stderr)")
    }

    /// A crafted compressed decision that states a 4 GB line is refused before anything that size
    /// is allocated (it once took 4 GB and 8 s to say the blob did not inflate).
    @Test func aCompressedDecisionStatingAHugeLengthIsRefusedAtOnce() throws {
        let s = try StoreScratch()
        try s.write("case.yaml", try StoreScratch.playground("diagnosis.yaml"))
        #expect(try s.clause(["record", "case.yaml"]).status == 0)
        var blob = Array("CLZ1".utf8) + [0xF0, 0xFF, 0xFF, 0xFF]
        blob += [0x78, 0x9C, 0xAB, 0xA8, 0x18, 0x05, 0x00, 0x00]  // a few bytes of zlib stream
        try HandEdit.covered(s.store) { try $0.execute(sql: "UPDATE decisions SET decision_json = ?", arguments: [Data(blob)]) }
        #expect(!Zlib.plausible(length: 0xFFFF_FFF0, compressed: 8))
        // Under a 2 GB address space (room for the runtime's reservations), allocating the stated
        // 4 GB would abort (status 134).
        let r = try Self.shell("ulimit -v 2000000; '\(ClauseBinary.binary)' why SY-2024-D-0001 --store '\(s.store)'", cwd: s.root)
        #expect(r.status == 1)
        #expect(r.stderr.contains("decision #1 holds a compressed decision that does not inflate"), "\(r.stderr)")
    }

    /// A replay killed by SIGTERM, or whose reader went away (SIGPIPE), removes its folder.
    @Test func replayFoldersAreRemovedOnSIGTERMAndSIGPIPE() throws {
        let s = try StoreScratch()
        try s.corpus("some", prefix: "T", count: 60)
        #expect(try s.clause(["record", "some"]).status == 0)
        let tmp = s.path("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let piped = try Self.shell("TMPDIR='\(tmp)/' '\(ClauseBinary.binary)' replay --all --verbose --store '\(s.store)' | head -1", cwd: s.root)
        #expect(piped.stdout.hasPrefix("ok "), "\(piped.stdout) \(piped.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])

        let p = Process()
        p.executableURL = URL(fileURLWithPath: ClauseBinary.binary)
        p.arguments = ["replay", "--all", "--store", s.store]
        p.currentDirectoryURL = URL(fileURLWithPath: s.root)
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp + "/"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).isEmpty { Thread.sleep(forTimeInterval: 0.01) }
        #expect(p.isRunning, "replay ended before it could be stopped")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal || p.terminationStatus == 128 + SIGTERM, "\(p.terminationReason) \(p.terminationStatus)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])
    }
}
