import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// A measure that pays in parts (a base capped per enterprise, a top-up owed beside it), citations
/// that follow the branch, enum-valued definitions, figures of one part and one year, and several
/// clauses on parameters and figures: each decided alike by both interpreters.
@Suite struct AwardPartTests {
    static let exampleDirectory = Repo.path("Playground/cities/topup-example")

    static let example: Policy = {
        let r = PolicyLoader.load(exampleDirectory)
        guard let p = r.policy else { fatalError("topup-example does not load:\n" + DiagnosticRenderer().render(r.diagnostics)) }
        return p
    }()

    static let level4 = """
        case: T-1
        policy: topup-example
        item: upgrade
        applied_on: 2025-03-10
        applicant: { name: 示例, credit_code: 91440000EXAMPLE001, is_sme: true }
        project: { spending: 1000000.00, digital_level: LEVEL }

        """

    /// The case decided by the tracing interpreter and by the compiled policy, with the figures
    /// `use` gives; both must agree to the fen and the clause.
    static func decideBoth(_ yaml: String, figures: [String: Money] = [:]) throws -> Decision {
        let policy = example
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "case.yaml", text: yaml), into: &bag))
        var c = try #require(CaseReader.read(root, path: "case.yaml", policy: policy, into: &bag), "\(bag.sorted.map(\.message))")
        let use = LedgerUse(consulted: true, figures: policy.ledger.map { m in
            LedgerUse.Figure(name: m.name, label: m.label, labelEn: m.labelEn, clause: m.clause, value: .money(figures[m.name] ?? .zero), counted: [])
        })
        FactPath.setLedger(use, in: &c, policy: policy)
        guard case .success(let traced) = Interpreter.decide(c, policy: policy, asOf: nil),
              case .success(let slow) = Interpreter.decide(c, policy: policy, asOf: nil, tracing: false) else { throw CancellationError() }
        let quick = try #require(CompiledPolicy(policy).decide(c, asOf: nil))
        #expect(DecisionFingerprint.text(slow, policy) == DecisionFingerprint.text(quick, policy))
        return traced
    }

    static func yuan(_ n: Int64) -> Money { Money(fen: n * 100) }

    // MARK: - Award parts

    @Test func partsAddUpAndEachIsKept() throws {
        let d = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "4"))
        #expect(d.outcome == .granted)
        #expect(d.amount == Self.yuan(400_000))
        #expect(d.partAmounts == ["base": Self.yuan(200_000), "topup": Self.yuan(200_000)])
    }

    @Test func aBaseCappedToNothingDoesNotRefuseTheTopUp() throws {
        let d = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "4"), figures: ["enterprise_base": Self.yuan(500_000)])
        #expect(d.outcome == .granted)
        #expect(d.amount == Self.yuan(200_000))
        #expect(d.partAmounts == ["base": .zero, "topup": Self.yuan(200_000)])
        let base = try #require(d.rules.first { $0.rule == "upgrade.base" })
        #expect(base.mayBeZero && base.capped && base.amount == .zero)
        #expect(OutcomeWords.symbol(base) == "○")
        #expect(!OutcomeWords.refuses(base))
    }

    @Test func partsThatAllComeToNothingRefuseUnderTheirClauses() throws {
        let d = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "3"), figures: ["enterprise_base": Self.yuan(500_000)])
        #expect(d.outcome == .refused)
        #expect(d.amount == .zero)
        #expect(Set(d.reasons.map(\.clause)) == ["ex.5", "ex.6"])
        #expect(d.reasons.allSatisfy { $0.effect == .refuse && $0.message.hasPrefix("无可支持金额：") })
    }

    @Test func withoutMayBeZeroAZeroAwardStillRefuses() throws {
        let yaml = try String(contentsOfFile: "\(Self.exampleDirectory)/rules.yaml", encoding: .utf8)
        #expect(yaml.contains("may_be_zero: true"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-parts-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.exampleDirectory, toPath: dir)
        try yaml.replacingOccurrences(of: "    may_be_zero: true\n", with: "").write(toFile: "\(dir)/rules.yaml", atomically: true, encoding: .utf8)
        let policy = try #require(PolicyLoader.load(dir).policy)
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: Self.level4.replacingOccurrences(of: "LEVEL", with: "4")), into: &bag))
        var c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        let use = LedgerUse(consulted: true, figures: policy.ledger.map { m in
            LedgerUse.Figure(name: m.name, label: m.label, labelEn: nil, clause: m.clause,
                             value: .money(m.name == "enterprise_base" ? Self.yuan(500_000) : .zero), counted: [])
        })
        FactPath.setLedger(use, in: &c, policy: policy)
        guard case .success(let d) = Interpreter.decide(c, policy: policy, asOf: nil) else { throw CancellationError() }
        #expect(d.outcome == .refused, "the old reading: an award of nothing refuses the case")
    }

    // MARK: - Citations by branch, enum-valued definitions

    @Test func theTopUpCitesTheBatchThatApplied() throws {
        let first = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "4"))
        let topFirst = try #require(first.rules.first { $0.rule == "upgrade.topup" })
        #expect(topFirst.clauses == ["ex.5", "ex.7.1"])
        #expect(first.reasons.contains { $0.clause == "ex.7.1" } && !first.reasons.contains { $0.clause == "ex.7.2" })
        let second = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "4")
            .replacingOccurrences(of: "2025-03-10", with: "2025-08-01"))
        #expect(second.amount == Self.yuan(300_000))
        #expect(second.rules.first { $0.rule == "upgrade.topup" }?.clauses == ["ex.5", "ex.7.2"])
        // A rule that did not fire cites its own clauses only.
        let level3 = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "3"))
        #expect(level3.rules.first { $0.rule == "upgrade.topup" }?.clauses == ["ex.5"])
    }

    @Test func aDefinitionGivesAnEnumValue() throws {
        let def = try #require(Self.example.definitions.first { $0.name == "batch" })
        guard case .enumeration(let t) = def.expr.type else { Issue.record("batch is \(def.expr.type)"); return }
        #expect(Self.example.enums[t].name == "batch")
        let d = try Self.decideBoth(Self.level4.replacingOccurrences(of: "LEVEL", with: "4"))
        let text = TextDecisionRenderer.render(d, policy: Self.example, lang: .zh, explain: true)
        #expect(text.contains("申报批次 = 第一批"))
    }

    @Test func bareValuesOfNoOneEnumAreStillAnError() throws {
        let r = try TablePackages.load(Self.miniPackage(definition: "if flag then a else zz"))
        #expect(r.policy == nil)
        #expect(r.diagnostics.contains { $0.id == "name.enum-value-alone" || $0.id == "name.unknown" })
        // `a` is a value of both enums: which one is not guessed.
        let both = try TablePackages.load(Self.miniPackage(definition: "if flag then a else a", twoEnums: true))
        #expect(both.policy == nil)
        let one = try TablePackages.load(Self.miniPackage(definition: "if flag then a else if level > 2 then b else c"))
        #expect(one.policy != nil, "\(TablePackages.rendered(one))")
    }

    static func miniPackage(definition: String, twoEnums: Bool = false, extra: String = "") -> String {
        """
        policy: mini
        title: 小
        clauses:
          art1: { cite: 第一条, text: "一。" }
          art2: { cite: 第二条, text: "二。" }
        enums:
          grade: { values: { a: 甲, b: 乙, c: 丙 } }
        \(twoEnums ? "  other: { values: { a: 甲2, d: 丁 } }" : "")
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 申报日期, required: true }
          flag: { type: bool, label: 标志 }
          level: { type: int, label: 等级 }
          amount: { type: money, label: 金额 }
          code: { type: text, label: 代码 }
        parameters:
          cap: { label: 上限, clause: [art1, art2], value: 10万元 }
        definitions:
          g: { label: 档, clause: art1, expr: \(definition) }
        \(extra)
        rules:
          - { id: r, clause: art1, require: g == a, say: 须甲 }
          - { id: pay, clause: art1, award: amount, cap: cap, say: 付 }

        """
    }

    @Test func whatACitationOrALimitReadsIsUsed() throws {
        let r = try TablePackages.load("""
            policy: mini
            title: 小
            clauses:
              art1: { cite: 第一条, text: "一。" }
              art2: { cite: 第二条, text: "二。" }
            enums:
              grade: { values: { a: 甲, b: 乙 } }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 申报日期, required: true }
              flag: { type: bool, label: 标志 }
              amount: { type: money, label: 金额 }
              code: { type: text, label: 代码 }
            ledger:
              paid: { label: 已付, clause: art1, sum: amount, where: { code: same }, limit: 'min(cap, limit_of[g])' }
            parameters:
              cap: { label: 上限, clause: [art1, art2], value: 10万元 }
              threshold: { label: 门槛, clause: art2, value: 5万元 }
              limit_of: { label: 上限表, clause: art2, type: table of grade to money, value: { default: 3万元 } }
            definitions:
              g: { label: 档, clause: art1, expr: if flag then a else b }
            rules:
              - { id: pay, clause: art1, award: amount, cap: cap - ledger.paid, cite: [{ when: amount > threshold, clause: art2 }], say: 付 }

            """)
        let p = try #require(r.policy, "\(TablePackages.rendered(r))")
        let unused = PolicyLint.warnings(p).filter { $0.id.hasPrefix("lint.unused") }.map(\.message)
        #expect(unused.isEmpty, "\(unused)")
    }

    // MARK: - Loading errors

    @Test func mistakesInTheNewConstructsAreLocated() throws {
        let r = try TablePackages.load("""
            policy: bad
            title: 坏
            clauses:
              art1: { cite: 第一条, text: "一。" }
            facts:
              case: { type: text, label: 编号, required: true }
              applied_on: { type: date, label: 申报日期, required: true }
              code: { type: text, label: 代码 }
              amount: { type: money, label: 金额 }
            ledger:
              a: { label: 甲, clause: [art1, art9], sum: award.bsae, where: { code: same } }
              b: { label: 乙, clause: art1, sum: amount, where: { code: same_year } }
            parameters:
              cap: { label: 上限, clause: [art1, art8], value: 10万元 }
            rules:
              - { id: r, clause: art1, refuse_when: amount > cap, part: x, say: 拒 }
              - id: pay
                clause: art1
                award: amount
                part: base
                may_be_zero: maybe
                cite:
                  - { when: amount > cap, clause: art7 }
                  - { when: amount, clause: art1 }
                say: 付

            """)
        #expect(r.policy == nil)
        #expect(r.diagnostics.filter { $0.severity == .error }.map { "\($0.id): \($0.message)" } == [
            "clause.unknown: no clause 'art9' in the clause table; did you mean 'art1'?",
            "ledger.part: no award rule has 'part: bsae'; did you mean 'base'?",
            "ledger.same-year: 'same_year' matches a date in the case's year, but 'code' is not a date",
            "clause.unknown: no clause 'art8' in the clause table; did you mean 'art1'?",
            "rule.key: 'part' goes with award, not refuse_when",
            "rule.may-be-zero: 'may_be_zero' is true or false, not 'maybe'",
            "clause.unknown: no clause 'art7' in the clause table; did you mean 'art1'?",
        ] + r.diagnostics.filter { $0.severity == .error && $0.message.contains("'when' of a citation") }.map { "\($0.id): \($0.message)" })
        #expect(r.diagnostics.contains { $0.severity == .error && $0.range.start.line == 24 }, "the non-boolean 'when' is located")
        #expect(r.diagnostics.allSatisfy { $0.range.file != nil })
    }

    @Test func parametersAndFiguresCiteSeveralClauses() throws {
        let cap = try #require(Self.example.parameters.first { $0.name == "base_caps" })
        #expect(cap.clause == "ex.6" && cap.clauses == ["ex.6", "ex.5"])
        let figure = try #require(Self.example.ledger.first { $0.name == "enterprise_base" })
        #expect(figure.clause == "ex.6" && figure.clauses == ["ex.6", "ex.5"])
        #expect(figure.paths.contains("award.base"))
        guard case .expression? = figure.limit else { Issue.record("the base cap is the batch's: \(String(describing: figure.limit))"); return }
    }

    /// A limit that depends on the case is evaluated on it: the batch's cap, and the room under it.
    @Test func aLimitByBatchIsTheCasesBatchCap() throws {
        var book = LedgerBook(policy: Self.example)
        let (id, e) = try Self.entry("G1", on: "2025-01-20", amount: 250_000, parts: ["base": Self.yuan(250_000)])
        book.record(id, grant: e)
        for (date, cap) in [("2025-03-10", 500_000), ("2025-08-01", 300_000)] as [(String, Int64)] {
            var bag = DiagnosticBag()
            let yaml = Self.level4.replacingOccurrences(of: "LEVEL", with: "4").replacingOccurrences(of: "2025-03-10", with: date)
            let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: yaml), into: &bag))
            var c = try #require(CaseReader.read(root, path: "c.yaml", policy: Self.example, into: &bag))
            let use = book.use(for: c)
            let f = try #require(use.figures.first { $0.name == "enterprise_base" })
            #expect(f.limit == .money(Self.yuan(cap)), "\(date)")
            FactPath.setLedger(use, in: &c, policy: Self.example)
            guard case .success(var d) = Interpreter.decide(c, policy: Self.example, asOf: nil) else { throw CancellationError() }
            d.ledger = use
            let text = TextDecisionRenderer.render(d, policy: Self.example, lang: .zh, explain: true)
            let left = ValueText(policy: Self.example, lang: .zh).format(.money(Self.yuan(cap - 250_000)), .money)
            #expect(text.contains("余额 \(left)"), "\(text)")
        }
        // `clause ledger` has no case: a limit by case is not shown as if it were fixed.
        #expect(Self.example.limit(of: Self.example.ledger.first { $0.name == "enterprise_base" }!, on: CivilDate(iso: "2025-03-10")!) == nil)
    }

    // MARK: - The ledger: one part, one year

    static func entry(_ id: String, on: String, amount: Int64, parts: [String: Money] = [:], code: String = "91440000EXAMPLE001",
                      appliedOn: String? = nil) throws -> (String, LedgerEntry) {
        let yaml = Self.level4.replacingOccurrences(of: "LEVEL", with: "4").replacingOccurrences(of: "T-1", with: id)
            .replacingOccurrences(of: "91440000EXAMPLE001", with: code).replacingOccurrences(of: "2025-03-10", with: appliedOn ?? on)
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "g.yaml", text: yaml), into: &bag))
        let c = try #require(CaseReader.read(root, path: "g.yaml", policy: example, into: &bag))
        return (id, LedgerEntry.of(c, decisionID: nil, asOf: CivilDate(iso: Substring(on))!, amount: yuan(amount), policy: example, parts: parts))
    }

    static func figures(_ book: LedgerBook, for yaml: String) throws -> [String: Value] {
        var bag = DiagnosticBag()
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: yaml), into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: example, into: &bag))
        return Dictionary(uniqueKeysWithValues: book.use(for: c).figures.map { ($0.name, $0.value) })
    }

    @Test func aPartFigureCountsThatPartAndTheYearFigureThatYear() throws {
        var book = LedgerBook(policy: Self.example)
        for (id, e) in [
            try Self.entry("G1", on: "2025-01-20", amount: 500_000, parts: ["base": Self.yuan(300_000), "topup": Self.yuan(200_000)]),
            try Self.entry("G2", on: "2024-12-20", amount: 100_000, parts: ["base": Self.yuan(100_000)], code: "91440000EXAMPLE002"),
            try Self.entry("G3", on: "2025-02-01", amount: 50_000, parts: ["base": Self.yuan(50_000)], code: "91440000EXAMPLE003"),
        ] { book.record(id, grant: e) }
        let f = try Self.figures(book, for: Self.level4.replacingOccurrences(of: "LEVEL", with: "4"))
        #expect(f["enterprise_base"] == .money(Self.yuan(300_000)), "the top-up is not in the base's figure")
        #expect(f["granted_this_year"] == .money(Self.yuan(550_000)), "2024's grant is not in 2025's budget")
        // A grant taken back leaves both figures.
        book.record("G1", grant: nil)
        let after = try Self.figures(book, for: Self.level4.replacingOccurrences(of: "LEVEL", with: "4"))
        #expect(after["enterprise_base"] == .money(.zero))
        #expect(after["granted_this_year"] == .money(Self.yuan(50_000)))
        // `clause ledger`'s groups: the year a same_year figure is keyed by.
        let m = try #require(Self.example.ledger.firstIndex { $0.name == "granted_this_year" })
        let years = book.groups(of: m).flatMap { $0.values.map(\.value) }
        #expect(Set(years.map { "\($0)" }) == ["int(2024)", "int(2025)"])
    }

    @Test func theExampleScenariosPass() throws {
        let r = try ClauseBinary.clause(["test", "Playground/cities/topup-example"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect((r.stderr + r.stdout).contains("16 passed, 0 failed"), "\(r.stdout)\(r.stderr)")
        let check = try ClauseBinary.clause(["check", "Playground/cities/topup-example"])
        #expect(check.status == 0 && !check.stderr.contains("warning"), "\(check.stderr)")
    }

    /// End to end with a store: the record keeps each grant's amount per part, and the next
    /// decision for the enterprise counts the base part only.
    @Test func theRecordCountsOnePartAcrossDecisions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-parts-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for (k, spending) in ["1000000.00", "2000000.00", "2000000.00"].enumerated() {
            let text = Self.level4.replacingOccurrences(of: "LEVEL", with: "4").replacingOccurrences(of: "T-1", with: "T-\(k + 1)")
                .replacingOccurrences(of: "1000000.00", with: spending)
            let path = "\(dir)/c\(k + 1).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let env = ["CLAUSE_POLICY_PATH": Repo.path("Playground/cities")]
        var amounts: [String] = []
        for f in files {
            let r = try ClauseBinary.clause(["evaluate", "--record", "--store", "\(dir)/s.sqlite", "--format", "json", f], environment: env)
            #expect(r.status == 0, "\(r.stderr)")
            amounts += r.stdout.components(separatedBy: "\"amount\":\"").dropFirst().prefix(1).map { String($0.prefix { $0 != "\"" }) }
        }
        #expect(amounts == ["400000.00", "500000.00", "200000.00"], "base 20万 + top-up; base capped at the 30万 left; base used up, top-up paid")
        let ledger = try ClauseBinary.clause(["ledger", "--store", "\(dir)/s.sqlite", "--as-of", "2025-12-31"], environment: env)
        #expect(ledger.stdout.contains("第六条（示例）、第五条（示例）"), "a figure cites all its clauses: \(ledger.stdout)")
        #expect(ledger.stdout.contains("¥500,000.00（其中 base ¥300,000.00）"), "each grant says what it added to the part: \(ledger.stdout)")
        // Replaying the record reproduces every decision: the parts are kept with the keys.
        let replay = try ClauseBinary.clause(["replay", "--all", "--store", "\(dir)/s.sqlite"], environment: env)
        #expect(replay.status == 0 && (replay.stdout + replay.stderr).contains("3 reproduce, 0 differ"), "\(replay.stdout)\(replay.stderr)")
    }
}
