import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The fast case reader against the tree reader it short-cuts: the same case for every
/// valid input, and a fallback (nil) for every input the slow path would report on.
@Suite struct FastCaseReaderTests {
    static let repository = Repo.repository

    /// The slow path as CaseLoader ran it before the fast reader: tree, header, typing.
    static func slow(_ file: SourceFile, path: String) -> CaseFile? {
        var bag = DiagnosticBag()
        guard let root = YAMLReader.read(file, into: &bag), !bag.hasErrors,
              case .ready(let c, _) = CaseLoader(repository: repository).load(root: root, path: path) else { return nil }
        return c
    }

    static func fast(_ file: SourceFile, path: String) -> CaseFile? {
        FastCaseReader.read(file, path: path, repository: repository)?.0
    }

    static func file(_ path: String) -> SourceFile? {
        var bag = DiagnosticBag()
        let (file, parse) = YAMLReader.readText(path: path, into: &bag)
        return parse ? file : nil
    }

    /// Same facts, id and policy; and, when the tree is asked for, the same tree.
    static func expectSame(_ a: CaseFile, _ b: CaseFile, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(a.facts == b.facts, "facts differ: \(what)", sourceLocation: sourceLocation)
        #expect(a.id == b.id, "id differs: \(what)", sourceLocation: sourceLocation)
        #expect(a.policyID == b.policyID, "policy differs: \(what)", sourceLocation: sourceLocation)
        #expect(a.path == b.path, "path differs: \(what)", sourceLocation: sourceLocation)
    }

    /// A structural dump of a tree with every range, to compare a lazily built tree with the eager one.
    static func dump(_ n: YAMLNode) -> String {
        func r(_ r: SourceRange) -> String { "\(r.start.line):\(r.start.column)-\(r.end.line):\(r.end.column)@\(r.file?.path ?? "-")+\(r.file?.lineOffset ?? -1)" }
        switch n {
        case .scalar(let s): return "S(\(s.text)|\(s.style)|\(r(s.range)))"
        case .sequence(let s): return "Q[\(s.items.map(dump).joined(separator: ","))|\(r(s.range))]"
        case .mapping(let m): return "M{\(m.entries.map { dump(.scalar($0.key)) + ":" + dump($0.value) }.joined(separator: ","))|\(r(m.range))}"
        }
    }

    /// Every case file the repository ships: Playground cases and corpus, and the scenario bases.
    static var caseFiles: [String] {
        var paths = CaseLoader.expand([Repo.path("Playground/cases"), Repo.path("Playground/corpus")])
        let policies = Repo.path("Policies")
        for package in (try? FileManager.default.contentsOfDirectory(atPath: policies)) ?? [] {
            let tests = (policies as NSString).appendingPathComponent("\(package)/tests")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: tests)) ?? [] where name.hasSuffix(".yaml") {
                let scenario = (tests as NSString).appendingPathComponent(name)
                let text = (try? String(contentsOfFile: scenario, encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") where line.hasPrefix("base:") {
                    let base = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    paths.append(((tests as NSString).appendingPathComponent(base) as NSString).standardizingPath)
                }
            }
        }
        return Array(Set(paths)).sorted()
    }

    @Test func everyShippedCaseReadsTheSameFast() throws {
        let paths = Self.caseFiles
        #expect(paths.count > 40)
        var fastTaken = 0
        for path in paths {
            let file = try #require(Self.file(path), "\(path) does not read")
            let slow = Self.slow(file, path: path)
            let fast = Self.fast(file, path: path)
            guard let slow else {
                #expect(fast == nil, "the fast reader accepted \(path), which the slow path refuses")
                continue
            }
            guard let fast else {
                Issue.record("the fast reader fell back on \(path), a valid case")
                continue
            }
            fastTaken += 1
            Self.expectSame(fast, slow, path)
            #expect(fast.rootIsPending)
            #expect(Self.dump(fast.root) == Self.dump(slow.root), "the tree built on demand differs: \(path)")
            #expect(!fast.rootIsPending)
        }
        #expect(fastTaken > 40)
    }

    @Test func everyOracleLineReadsTheSameFast() throws {
        let text = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 3000)
        var fastTaken = 0
        for (n, line) in lines.enumerated() {
            let file = SourceFile(path: "cases.jsonl", text: String(line), lineOffset: n)
            let slow = Self.slow(file, path: "cases.jsonl")
            let fast = Self.fast(file, path: "cases.jsonl")
            guard let slow else {
                #expect(fast == nil, "the fast reader accepted line \(n + 1), which the slow path refuses")
                continue
            }
            guard let fast else {
                Issue.record("the fast reader fell back on line \(n + 1), a valid case")
                continue
            }
            fastTaken += 1
            Self.expectSame(fast, slow, "line \(n + 1)")
            if n % 250 == 0 {
                #expect(Self.dump(fast.root) == Self.dump(slow.root), "the tree built on demand differs: line \(n + 1)")
            }
        }
        #expect(fastTaken > 2500)
    }

    /// The loader takes the fast path for valid cases (their tree is not built until asked for).
    @Test func loaderTakesTheFastPath() throws {
        let loader = CaseLoader(repository: Self.repository)
        guard case .ready(let c, let p) = loader.load(path: Repo.path("Playground/cases/transformation-granted.yaml")) else {
            Issue.record("the case does not load")
            return
        }
        #expect(p.id == "shenyang-sme-dx-fund")
        #expect(c.rootIsPending)
        #expect(c.id == "SY-2024-T-0001")
        guard case .mapping(let m) = c.root, case .scalar(let s)? = m["case"] else {
            Issue.record("the tree built on demand is not the case's mapping")
            return
        }
        #expect(s.text == "SY-2024-T-0001")
        #expect(s.range.start == SourceLocation(line: 2, column: 7))
        #expect(s.range.file?.path == Repo.path("Playground/cases/transformation-granted.yaml"))

        let line = try #require(try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init))
        guard case .ready(let j, _) = loader.load(text: line, path: "cases.jsonl", lineOffset: 0) else {
            Issue.record("the JSON line does not load")
            return
        }
        #expect(j.rootIsPending)
    }

    /// Every hostile fixture falls back (the fixture tests check that the diagnostics are unchanged).
    @Test func everyHostileFixtureFallsBack() throws {
        let dir = FixtureTests.cases
        let names = FixtureFiles.discover(dir, suffix: ".yaml")
        #expect(names.count > 20)
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            if let file = Self.file(path) {
                #expect(Self.fast(file, path: path) == nil, "the fast reader accepted \(name)")
            }
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                #expect(Self.fast(SourceFile(path: path, text: text), path: path) == nil, "the fast reader accepted \(name) as text")
            }
            guard case .failed = CaseLoader(repository: Self.repository).load(path: path) else {
                Issue.record("\(name) was accepted")
                continue
            }
        }
    }

    // MARK: Targeted inputs

    static let base = """
        case: SY-2024-T-0001
        policy: shenyang-sme-dx-fund
        item: transformation
        applied_on: 2024-11-05
        applicant:
          name: 沈阳示例风机有限公司
          credit_code: 91210106MA0Y3K2X1E
          kind: enterprise
          district: 铁西区
          sector: air_cooling
          is_sme: true
          in_pilot_library: true
          little_giant: false
          central_sme_fund_received: false
          in_2022_pilot: false
          blacklisted_until: null
        project:
          digital_level: 2
          accepted_on: 2024-10-30
          expenses:
            - name: MES 软件许可
              category: software
              amount: 300000.00
              paid_on: 2024-06-10
        requested: 0
        already_awarded: false

        """

    /// Reads `text` both ways; the fast reader must agree and must not fall back.
    @discardableResult
    static func same(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CaseFile? {
        let file = SourceFile(path: "case.yaml", text: text)
        guard let slow = slow(file, path: "case.yaml") else {
            Issue.record("the slow path refuses the case", sourceLocation: sourceLocation)
            return nil
        }
        guard let fast = fast(file, path: "case.yaml") else {
            Issue.record("the fast reader fell back", sourceLocation: sourceLocation)
            return nil
        }
        expectSame(fast, slow, text, sourceLocation: sourceLocation)
        return fast
    }

    /// The fast reader falls back where the slow path reports something.
    static func fallsBack(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let file = SourceFile(path: "case.yaml", text: text)
        #expect(fast(file, path: "case.yaml") == nil, "the fast reader accepted:\n\(text)", sourceLocation: sourceLocation)
        guard case .failed(let ds) = CaseLoader(repository: repository).load(text: text, path: "case.yaml") else {
            Issue.record("the loader accepted:\n\(text)", sourceLocation: sourceLocation)
            return
        }
        #expect(!ds.isEmpty, sourceLocation: sourceLocation)
    }

    func fact(_ c: CaseFile?, _ path: String) -> Value? {
        guard let c else { return nil }
        let fields = Repo.shenyang.fields(along: path)
        var slots = c.facts
        var schema = Repo.shenyang.caseSchema
        var value: Value?
        for f in fields {
            guard let i = schema.index[f.name] else { return nil }
            value = slots[i]
            if case .record(let inner)? = value { slots = inner }
            if case .record(let r) = f.type.unwrapped { schema = Repo.shenyang.records[r] }
        }
        return value
    }

    @Test func policyAsTheLastKey() {
        let lines = Self.base.split(separator: "\n").filter { !$0.hasPrefix("policy:") }
        let c = Self.same(lines.joined(separator: "\n") + "\npolicy: shenyang-sme-dx-fund\n")
        #expect(c?.policyID == "shenyang-sme-dx-fund")
        #expect(c?.id == "SY-2024-T-0001")
    }

    @Test func flowStyleAndJSON() {
        Self.same("""
            {case: SY-1, policy: shenyang-sme-dx-fund, item: chain_case_award, applied_on: 2024-11-05,
             applicant: {name: 甲公司, credit_code: 91210102MA0Y7M4CXJ, kind: enterprise, is_sme: true}, requested: 600000, already_awarded: false}
            """)
        Self.same("""
            {"case":"SY-2","policy":"shenyang-sme-dx-fund","item":"transformation","applied_on":"2025-08-07",
             "applicant":{"name":"沈阳瑞丰数控机床有限公司","credit_code":"91210102737NDP5G8H","is_sme":true,"blacklisted_until":null},
             "project":{"digital_level":2,"expenses":[{"name":"工业网关","category":"gateway","amount":"500000.01","paid_on":"2025-01-01"}],"changes":[]},
             "requested":"0.00","already_awarded":false,"disbursed":"0"}
            """)
    }

    @Test func quotedScalars() {
        let c = Self.same(Self.base.replacingOccurrences(of: "name: 沈阳示例风机有限公司", with: "name: '010'")
            .replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: \"2024-11-05\""))
        #expect(fact(c, "applicant.name") == .text("010"))
        #expect(fact(c, "applied_on") == CivilDate(year: 2024, month: 11, day: 5).map { Value.date($0) })
        // A quoted 'null' is text, not null.
        let q = Self.same(Self.base.replacingOccurrences(of: "name: 沈阳示例风机有限公司", with: "name: \"null\""))
        #expect(fact(q, "applicant.name") == .text("null"))
        // Escapes and block scalars come through as YAML unescapes and folds them.
        Self.same(Self.base.replacingOccurrences(of: "name: 沈阳示例风机有限公司", with: "name: \"沈阳\\u793A例\\t公司\""))
        Self.same(Self.base.replacingOccurrences(of: "name: 沈阳示例风机有限公司", with: "name: |\n    沈阳示例\n    风机有限公司"))
        Self.same(Self.base.replacingOccurrences(of: "name: 沈阳示例风机有限公司", with: "name: >-\n    沈阳示例\n    风机有限公司"))
    }

    @Test func chineseText() {
        let c = Self.same(Self.base)
        #expect(fact(c, "applicant.name") == .text("沈阳示例风机有限公司"))
        #expect(fact(c, "applicant.district") != nil)
        // An enum given by its Chinese label.
        Self.same(Self.base.replacingOccurrences(of: "category: software", with: "category: 软件"))
    }

    @Test func nullForOptionalAndNonOptionalFacts() {
        // Optional: none. Non-optional with a default: the default.
        // Non-optional without a default and not required: not known.
        let c = Self.same(Self.base + "fraud_found_on: null\ndisbursed: ~\n")
        #expect(fact(c, "applicant.blacklisted_until") == Value.none)
        #expect(fact(c, "fraud_found_on") == Value.none)
        #expect(fact(c, "disbursed") == .money(.zero))
        let n = Self.same(Self.base.replacingOccurrences(of: "requested: 0", with: "requested: null")
            .replacingOccurrences(of: "is_sme: true", with: "is_sme:"))
        #expect(n.map { fact($0, "requested") == nil } == true)
        #expect(n.map { fact($0, "applicant.is_sme") == nil } == true)
        // Null for a required fact is the slow path's error.
        Self.fallsBack(Self.base.replacingOccurrences(of: "item: transformation", with: "item: null"))
    }

    @Test func absentNestedRecordGetsItsDefaults() {
        let text = Self.base.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.hasPrefix("project:") }.joined(separator: "\n") + "\nrequested: 0\nalready_awarded: false\n"
        let c = Self.same(text.replacingOccurrences(of: "item: transformation", with: "item: chain_case_award"))
        #expect(fact(c, "project.changes") == .list([]))
        #expect(fact(c, "project.previously_granted") == .money(.zero))
        // An absent list of records item gets its fields' defaults inside each given record.
        Self.same(Self.base.replacingOccurrences(of: "  expenses:", with: "  changes:\n    - kind: subject\n      approved: false\n  expenses:"))
    }

    /// The facts a history records (a finding of fraud, payments, changes) read the same fast; a
    /// value that does not read leaves the case to the slow path, which says where it is.
    @Test func theFactsAHistoryRecordsReadTheSameFast() {
        let history = "history:\n  - { event: pay, on: 2024-08-01, by: { role: city_bureau }, amount: 1000.00 }\n"
            + "  - { event: change_made, on: 2024-08-02, by: { role: enterprise }, kind: content }\n"
            + "  - { event: fraud_found, on: 2024-09-01, by: { role: city_bureau } }\n"
        let c = Self.same(Self.base + history)
        #expect(fact(c, "fraud_found_on") == .date(CivilDate(iso: "2024-09-01")!))
        #expect(fact(c, "disbursed") == .money(Money(fen: 100_000)))
        #expect(fact(c, "project.changes")?.asList?.count == 1)
        Self.fallsBack(Self.base + "history:\n  - { event: fraud_found, on: 2024-13-01, by: { role: city_bureau } }\n")
        Self.fallsBack(Self.base + "history:\n  - { event: pay, on: 2024-08-01, by: { role: city_bureau } }\n")
    }

    @Test func historyIsSkippedButStillChecked() {
        Self.same(Self.base + "history:\n  - { on: 2024-07-02, event: submitted }\n")
        Self.fallsBack(Self.base + "history:\n  - { on: 2024-07-02, on: 2024-07-03 }\n")
        // Aliases are valid YAML, but rare in a case: the fast reader leaves them to the tree.
        let aliased = Self.base + "history:\n  - &a { on: 2024-07-02 }\n  - *a\n"
        #expect(Self.fast(SourceFile(path: "case.yaml", text: aliased), path: "case.yaml") == nil)
        guard case .ready(let c, _) = CaseLoader(repository: Self.repository).load(text: aliased, path: "case.yaml") else {
            Issue.record("the slow path refuses an aliased history")
            return
        }
        #expect(!c.rootIsPending)
    }

    @Test func hostileInputsFallBack() {
        Self.fallsBack(Self.base.replacingOccurrences(of: "is_sme: true", with: "is_sme: yes"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 010"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 1:30"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 5"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "digital_level: 2", with: "digital_level: 99999999999999999999999"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "amount: 300000.00", with: "amount: 300000.001"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "amount: 300000.00", with: "amount: 1e400"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "credit_code: 91210106MA0Y3K2X1E", with: "credit_code: 9121"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "district: 铁西区", with: "district: 西区"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2024-02-30"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: !!str 2024-11-05"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2024-11-05\napplied_on: 2024-11-06"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "applied_on: 2024-11-05", with: "applied_on: 2024-11-05\nappliedon: 2024-11-06"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "  name: 沈阳示例风机有限公司", with: "  <<: { name: 甲 }"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "applicant:\n", with: "applicant: &a\n") + "x: *a\n")
        let expenses = "  expenses:\n    - name: MES 软件许可\n      category: software\n      amount: 300000.00\n      paid_on: 2024-06-10\n"
        #expect(Self.base.contains(expenses))
        Self.fallsBack(Self.base.replacingOccurrences(of: expenses, with: "  expenses: 5\n"))
        Self.fallsBack(Self.base.replacingOccurrences(of: expenses, with: "  expenses: {}\n"))
        Self.fallsBack(Self.base.replacingOccurrences(of: expenses, with: "  expenses: [5]\n"))
        Self.fallsBack(Self.base + "---\ncase: SY-2\n")
        Self.fallsBack(Self.base.replacingOccurrences(of: "policy: shenyang-sme-dx-fund", with: "policy: no-such-policy"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "policy: shenyang-sme-dx-fund", with: "policy: null"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "policy: shenyang-sme-dx-fund", with: "policy: [a]"))
        Self.fallsBack(Self.base.replacingOccurrences(of: "item: transformation\n", with: ""))
        Self.fallsBack(Self.base.replacingOccurrences(of: "case: SY", with: "? [a]\n: 1\ncase: SY"))
        Self.fallsBack("- a\n- b\n")
        Self.fallsBack("just text\n")
        Self.fallsBack("")
        Self.fallsBack("# nothing but a comment\n")
        Self.fallsBack("{case: [unclosed\n")
        Self.fallsBack(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
    }

    /// The two readers share `ScalarValue`, so its shortcuts are checked against the long way here.
    @Test func plainAmountShortcutAgreesWithTheGeneralReading() {
        var texts = ["0", "00", "000.00", "1", "10", "300000.00", "300000.0", "300000.", ".5", "0.5", "0.05", "0.005", "0.050",
                     "1.2.3", "12a", "", "-1", "+1", "1e3", "1,000", " 1", "1 ", "９", "9999999999999", "9999999999999.99",
                     "10000000000000", "00000000000000000000000000000000000000000001", "1.0000000000000000000000000000000000001",
                     "500000.01", "476373.24", "1.1200", "1.1230", "0.", "..", "1..2", "50万元", "¥5"]
        for a in ["", "0", "7", "12", "000123", "9999999999999", "12345678901234"] {
            for b in ["", ".", ".0", ".5", ".05", ".50", ".500", ".501", ".123"] { texts.append(a + b) }
        }
        for t in texts {
            let general = ScalarValue.anyMoney(t)
            if let fen = ScalarValue.plainYuan(t) {
                #expect(general == .success(Money(fen: fen)), "'\(t)': shortcut \(fen), general \(general)")
            }
            #expect(ScalarValue.read(text: t, style: .plain, as: .money, policy: Repo.shenyang)
                    == ScalarValue.anyMoney(t).map { Value.money($0) }, "'\(t)'")
        }
        #expect(ScalarValue.plainYuan("300000.00") == 30_000_000)
        #expect(ScalarValue.plainYuan("0") == 0)
    }

    @Test func isoDatesReadAsBefore() {
        // The former reading, over an array of the bytes.
        func reference(_ text: Substring) -> CivilDate? {
            let u = Array(text.utf8)
            guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
            func num(_ r: Range<Int>) -> Int? {
                var v = 0
                for i in r {
                    guard u[i] >= 48, u[i] <= 57 else { return nil }
                    v = v * 10 + Int(u[i] - 48)
                }
                return v
            }
            guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
            return CivilDate(year: y, month: m, day: d)
        }
        let texts = ["2024-11-05", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-05", "2024-11-5", "20241105",
                     "2024-11-05 ", " 2024-11-05", "2024/11/05", "2024-11-055", "2024-11-0a", "２０２４-11-05", "", "-", "2024-11-",
                     "9999-12-31", "0000-01-01", "1900-01-01", "2999-12-31", "2024-11-05..2024-12-01", "2024--11-05"]
        for t in texts {
            #expect(CivilDate(iso: Substring(t)) == reference(Substring(t)), "'\(t)'")
        }
    }

    @Test func overTheSizeLimitFallsBack() {
        let limits = YAMLLimits(maxBytes: 64)
        #expect(YAMLEventLog.read(SourceFile(path: "case.yaml", text: Self.base), limits: limits) == nil)
        #expect(YAMLEventLog.read(SourceFile(path: "case.yaml", text: Self.base)) != nil)
        #expect(YAMLEventLog.read(SourceFile(path: "case.yaml", text: Self.base), limits: YAMLLimits(maxScalarLength: 8)) == nil)
        #expect(YAMLEventLog.read(SourceFile(path: "case.yaml", text: Self.base), limits: YAMLLimits(maxDepth: 3)) == nil)
        #expect(YAMLEventLog.read(SourceFile(path: "case.yaml", text: Self.base), limits: YAMLLimits(maxNodes: 20)) == nil)
    }

    /// Every control character a text may not hold is found in Chinese text, where the bytes are
    /// looked at before the characters; Chinese text with bytes in the C1 range after another lead
    /// byte holds none.
    @Test func controlCharactersAreFoundByTheirBytes() {
        let controls = (0x00...0x1F).map { $0 } + (0x7F...0x9F).map { $0 }
        for v in controls {
            let text = "沈阳\(Character(Unicode.Scalar(UInt32(v))!))数字化"
            #expect(ScalarValue.controlCharacter(in: text, allowLineBreaks: false)?.contains("at character 3") == true, "U+\(v)")
            let allowed = v == 0x09 || v == 0x0A
            #expect((ScalarValue.controlCharacter(in: text, allowLineBreaks: true) == nil) == allowed, "U+\(v)")
        }
        for text in ["\u{4E80}\u{4E8A}转型", "¥190,000.00 · 第四条", "\u{0100}\u{00A0}é"] {
            #expect(ScalarValue.controlCharacter(in: text, allowLineBreaks: false) == nil, "\(text)")
        }
        // Texts of random pieces, a control anywhere in an eight-byte word or across two: the
        // bytes read a word at a time find what the characters hold.
        let pieces = ["a", "沈阳", "数字化转型", "“", "—", "¥", "\u{A0}", "😀", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{2028}"]
        var seed: UInt64 = 39
        for _ in 0..<10_000 {
            var text = ""
            for _ in 0..<Int(seed % 20) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            let holds = text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
            #expect((ScalarValue.controlCharacter(in: text, allowLineBreaks: false) != nil) == holds, "\(text.unicodeScalars.map(\.value))")
        }
    }

    /// What the fast reader hands on with each case: the compiled package for the case's id, one
    /// object for every case of that id and the very one the repository compiles for its policy;
    /// none for an id no package has, nor, with a package named for every case, for another id.
    @Test func theCompiledPackageIsOnePerID() throws {
        let repository = Repo.repository
        let compiled = try #require(repository.compiledPolicy(for: "shenyang-sme-dx-fund"))
        #expect(repository.compiledPolicy(for: "shenyang-sme-dx-fund") === compiled)
        #expect(repository.compiled(compiled.policy) === compiled)
        #expect(repository.compiledPolicy(for: "no-such-fund") == nil)
        let named = PolicyRepository(explicit: Repo.shenyangDirectory, searchRoots: [])
        #expect(named.compiledPolicy(for: "zhongshan-fund") == nil)
        #expect(named.compiledPolicy(for: "shenyang-sme-dx-fund") === named.compiledPolicy(for: nil))
        let file = try #require(Self.file(Repo.path("Playground/cases/transformation-granted.yaml")))
        #expect(FastCaseReader.read(file, path: "t.yaml", repository: repository)?.1 === compiled)
    }
}
