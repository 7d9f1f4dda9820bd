import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Property: the compiled policy and the tracing tree-walker agree on any well-typed
/// package, not only on Shenyang's. A seeded generator writes small random packages over one
/// facts schema (money, percent, int, dates, an optional date, facts with and without defaults,
/// a list of records) with random rules (comparisons, arithmetic on money and percentages,
/// aggregates over the list with filters, conditionals, `otherwise`, dated parameters); each is
/// loaded from a temporary folder by the ordinary loader, and random cases, some with facts left
/// out, are decided by both interpreters and compared field for field.
@Suite struct RandomPackageTests {
    static let seed: UInt64 = 11

    @Test func compiledAndInterpretedDecisionsAgreeOnRandomPackages() throws {
        var rng = SeededGenerator(seed: Self.seed)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clause-random-packages-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var compared = 0, fast = 0
        var outcomes: [Decision.Outcome: Int] = [:]
        var differences: [String] = []
        for n in 0..<40 {
            var (package, repository, loaded, text) = try RandomPackage.written(n, rng: &rng, under: root)
            guard let policy = loaded.policy else {
                Issue.record("random package \(n) (seed \(Self.seed)) does not load:\n\(DiagnosticRenderer().render(loaded.diagnostics))\n\(text)")
                continue
            }
            let compiled = repository.compiled(policy)
            let loader = CaseLoader(repository: repository)
            for k in 0..<30 {
                let caseText = package.caseYAML(k)
                guard case .ready(let c, _) = loader.load(text: caseText, path: "case-\(k).yaml") else {
                    Issue.record("random case \(k) of package \(n) does not load:\n\(caseText)")
                    continue
                }
                for asOf in [nil, CivilDate(iso: "2025-03-01")] {
                    compared += 1
                    let slow = Interpreter.decide(c, policy: policy, asOf: asOf, tracing: false)
                    guard let quick = compiled.decide(c, asOf: asOf) else { continue }
                    fast += 1
                    outcomes[quick.outcome, default: 0] += 1
                    guard case .success(let d) = slow else {
                        differences.append("package \(n), case \(k): the compiled path decided, the interpreter failed")
                        continue
                    }
                    let a = DecisionFingerprint.text(d, policy), b = DecisionFingerprint.text(quick, policy)
                    if a != b {
                        differences.append("package \(n), case \(k), as of \(asOf?.iso ?? "-"):\n  interpreter: \(a.prefix(500))\n  compiled:    \(b.prefix(500))\n\(text)\n\(caseText)")
                    }
                }
            }
        }
        #expect(compared == 40 * 30 * 2)
        // Only a failure (an amount that overflows) sends a case back to the interpreter.
        #expect(fast * 100 > compared * 95, "only \(fast) of \(compared) took the compiled path")
        for outcome in [Decision.Outcome.granted, .refused, .incomplete, .review] {
            #expect(outcomes[outcome, default: 0] > 20, "the random packages must reach \(outcome) (\(outcomes))")
        }
        #expect(differences.isEmpty, Comment(rawValue: "\(differences.count) differ (seed \(Self.seed)):\n" + differences.prefix(2).joined(separator: "\n")))
    }
}

extension RandomPackage {
    /// The next random package, written under `root` and loaded from there by the ordinary
    /// loader: the generator (for its cases), the folder's repository, what loading gave, the text.
    static func written(_ n: Int, rng: inout SeededGenerator, under root: String) throws
        -> (package: RandomPackage, repository: PolicyRepository, loaded: PolicyLoader.Result, text: String) {
        var package = RandomPackage(rng: rng)
        let text = package.policyYAML()
        rng = package.rng
        let dir = "\(root)/p\(n)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: "\(dir)/policy.yaml", atomically: true, encoding: .utf8)
        let repository = PolicyRepository(explicit: dir, environment: [:])
        return (package, repository, repository.load(dir), text)
    }
}

/// One random package over a fixed small schema, and random cases for it.
struct RandomPackage {
    var rng: SeededGenerator
    /// Facts that have a default in this package (a case that leaves them out is not incomplete).
    var amountDefault = false
    var levelDefault = false
    /// While writing the definition `room`, which must not refer to itself.
    var inDefinition = false

    init(rng: SeededGenerator) { self.rng = rng }

    mutating func policyYAML() -> String {
        amountDefault = rng.chance(0.3)
        levelDefault = rng.chance(0.3)
        let cap = rng.pick(["10万元", "50万元", "0.5万元", "300000元", "123456.78元"])
        let pct = rng.chance(0.5)
            ? "value: \(rng.pick(["50%", "30%", "12.5%", "100%", "0.01%"]))"
            : "values:\n      - { from: 2024-01-01, value: \(rng.pick(["50%", "40%"])) }\n      - { from: 2025-01-01, value: \(rng.pick(["60%", "33.3%"])), clause: art2 }"
        var out = """
        policy: rnd
        title: 随机政策
        rounding: \(rng.pick(["half_up", "half_even", "down"]))
        clauses:
          art1: { cite: 第一条, text: "随机条款一。" }
          art2: { cite: 第二条, text: "随机条款二。" }
        enums:
          kind:
            label: 类别
            values: { a: 甲类, b: 乙类, 丙: 丙类 }
        facts:
          case: { type: text, label: 编号, required: true }
          policy: { type: text, label: 政策 }
          applied_on: { type: date, label: 申报日期, required: true }
          kind: { type: kind, label: 类别 }
          flag: { type: bool, label: 标志 }
          amount: { type: money, label: 金额\(amountDefault ? ", default: 0元" : "") }
          rate: { type: percent, label: 比例 }
          level: { type: int, label: 等级\(levelDefault ? ", default: 1" : ""), min: 0, max: 9 }
          due: { type: date?, label: 截止日, default: none }
          granted: { type: money, label: 已获, default: 0元 }
          code: { type: text, label: 代码, role: credit_code }
          banned: { type: date?, label: 禁入截止日, default: none, role: banned_until }
          found: { type: date?, label: 发现日期, default: none, role: fraud_found_on }
          items:
            type: list
            record: item
            label: 明细
            fields:
              cost: { type: money, label: 支出 }
              tag: { type: kind, label: 支出类别 }
              paid_on: { type: date, label: 支付日期 }
        parameters:
          cap: { label: 上限, clause: art1, value: \(cap) }
          pct:
            label: 比例
            clause: art1
            \(pct)
          lim: { label: 等级下限, clause: art1, value: \(Int.random(in: 0...4, using: &rng)) }
          window: { label: 期间, clause: art1, value: 2024-01-01..\(rng.pick(["2024-12-31", "2025-06-30"])) }
          ban: { label: 禁入期, clause: art2, value: \(rng.pick(["3 years", "6 months", "1 year"])) }
          cats: { label: 可补类别, clause: art1, type: list of kind, value: \(rng.pick(["[a]", "[a, 丙]", "[b]"])) }
        definitions:
          total:
            label: 合计
            clause: art1
            expr: sum(i.cost for i in items if i.tag in cats and i.paid_on in window)
          room:
            label: 余额
            clause: art1
            expr: \(roomExpression())
          grade:
            label: 档次
            clause: [art1, art2]
            expr: if \(bool(1)) then a else \(rng.pick(["b", "丙", "a"]))
        rules:

        """
        for r in 0..<Int.random(in: 2...7, using: &rng) { out += rule(r) }
        return out
    }

    // MARK: - Rules

    mutating func rule(_ n: Int) -> String {
        var lines = ["  - id: r\(n)", "    clause: \(rng.pick(["art1", "art2", "[art1, art2]"]))"]
        if rng.chance(0.3) { lines.append("    for: \(bool(1))") }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            lines.append("    refuse_when: \(bool(3))")
            if rng.chance(0.3) { lines.append("    clawback: \(money(1))") }
            if rng.chance(0.3) { lines.append("    ban_until: applied_on + ban") }
        case 1: lines.append("    require: \(bool(3))")
        case 2: lines.append("    needs: \(rng.pick(["amount", "[amount, level]", "items", "rate", "flag"]))")
        case 3, 4:
            lines.append("    award: \(money(3))")
            if rng.chance(0.6) { lines.append("    cap: \(money(1))") }
            // Award parts, a part that may be zero, and citations by branch: both interpreters.
            if rng.chance(0.4) { lines.append("    part: p\(n % 2)") }
            if rng.chance(0.4) { lines.append("    may_be_zero: true") }
            if rng.chance(0.4) {
                lines.append("    cite:")
                lines.append("      - { when: grade == \(rng.pick(["a", "b"])), clause: art2 }")
                lines.append("      - { when: '\(bool(1))', clause: [art1, art2] }")
            }
        default: lines.append("    review_when: \(bool(2))")
        }
        lines.append("    say: 第\(n)条规则\(rng.pick(["", "：金额 {amount}", "，上限 {cap}", "，合计 {total}", "，等级 {level}"]))")
        if rng.chance(0.5) { lines.append("    say_en: rule \(n) {cap}") }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Expressions, by type

    mutating func money(_ depth: Int) -> String {
        if depth <= 0 || rng.chance(0.3) {
            return rng.pick(["amount", "granted", "cap", "total", "\(Int.random(in: 0...60, using: &rng))万元",
                             "\(Int.random(in: 0...99_999, using: &rng)).\(Int.random(in: 10...99, using: &rng))元"])
        }
        let d = depth - 1
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return "(\(money(d)) + \(money(d)))"
        case 1: return "(\(money(d)) - \(money(d)))"
        case 2: return "\(money(d)) * \(percent())"
        case 3: return "\(money(d)) * \(Int.random(in: 0...5, using: &rng))"
        case 4: return "\(money(d)) / \(Int.random(in: 1...9, using: &rng))"
        case 5: return "\(rng.pick(["min", "max"]))(\(money(d)), \(money(d)))"
        case 6: return "sum(i.cost for i in items\(rng.chance(0.6) ? " if \(element())" : ""))"
        case 7: return "(if \(bool(d)) then \(money(d)) else \(money(d)))"
        case 8: return "(amount otherwise \(money(0)))"
        default: return inDefinition ? "cap" : "room"
        }
    }

    mutating func roomExpression() -> String {
        inDefinition = true
        defer { inDefinition = false }
        return money(1)
    }

    mutating func percent() -> String { rng.pick(["rate", "pct", "50%", "12.5%", "(rate otherwise 10%)"]) }

    mutating func int(_ depth: Int) -> String {
        if depth <= 0 || rng.chance(0.4) { return rng.pick(["level", "lim", "\(Int.random(in: 0...5, using: &rng))", "count(items)"]) }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return "(\(int(depth - 1)) + \(int(depth - 1)))"
        case 1: return "count(i for i in items if \(element()))"
        default: return "\(int(depth - 1)) * \(Int.random(in: 0...3, using: &rng))"
        }
    }

    mutating func date() -> String {
        rng.pick(["applied_on", "start(window)", "end(window)", "2024-06-30", "2025-01-01", "applied_on - 30 days", "as_of"])
    }

    /// A condition on one element `i` of `items`.
    mutating func element() -> String {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return "i.cost \(comparison()) \(money(0))"
        case 1: return "i.tag == \(rng.pick(["a", "b", "丙"]))"
        case 2: return "i.tag in cats"
        case 3: return "i.paid_on in window"
        default: return "i.paid_on >= \(date())"
        }
    }

    mutating func comparison() -> String { rng.pick(["<", "<=", ">", ">=", "==", "!="]) }

    mutating func bool(_ depth: Int) -> String {
        if depth <= 0 || rng.chance(0.25) {
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: return "flag"
            case 1: return "kind == \(rng.pick(["a", "b", "丙"]))"
            case 2: return "kind in [a, b]"
            case 3: return "kind in cats"
            case 4: return "applied_on in window"
            case 5: return "due != none and due >= \(date())"
            case 6: return "present(amount)"
            default: return "level >= lim"
            }
        }
        let d = depth - 1
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return "\(money(d)) \(comparison()) \(money(d))"
        case 1: return "\(int(d)) \(comparison()) \(int(d))"
        case 2: return "\(date()) \(comparison()) \(date())"
        case 3: return "not (\(bool(d)))"
        case 4: return "(\(bool(d)) and \(bool(d)))"
        case 5: return "(\(bool(d)) or \(bool(d)))"
        case 6: return "\(rng.pick(["any", "all"]))(\(element()) for i in items)"
        case 7: return "(if \(bool(d)) then \(bool(d)) else \(bool(d)))"
        case 8: return "(\(bool(d)) otherwise \(rng.pick(["true", "false"])))"
        default: return "rate \(comparison()) \(percent())"
        }
    }

    // MARK: - Cases

    mutating func caseYAML(_ k: Int) -> String {
        var lines = ["case: R-\(k)", "policy: rnd", "applied_on: \(day(from: "2023-10-01", span: 900))"]
        func maybe(_ p: Double = 0.85) -> Bool { rng.chance(p) }
        if maybe() { lines.append("kind: \(rng.pick(["a", "b", "丙"]))") }
        if maybe() { lines.append("flag: \(rng.pick(["true", "false"]))") }
        if maybe() { lines.append("amount: \(amount())") }
        if maybe() { lines.append("rate: \(rng.pick(["0%", "50%", "37.5%", "100%", "150%"]))") }
        if maybe() { lines.append("level: \(Int.random(in: 0...9, using: &rng))") }
        if maybe(0.5) { lines.append("due: \(rng.chance(0.3) ? "null" : day(from: "2024-01-01", span: 800))") }
        if maybe(0.5) { lines.append("granted: \(amount())") }
        if maybe() {
            let count = Int.random(in: 0...4, using: &rng)
            lines.append(count == 0 ? "items: []" : "items:")
            for _ in 0..<count {
                var fields: [String] = []
                if maybe(0.9) { fields.append("cost: \(amount())") }
                if maybe(0.9) { fields.append("tag: \(rng.pick(["a", "b", "丙"]))") }
                if maybe(0.9) { fields.append("paid_on: \(day(from: "2023-10-01", span: 800))") }
                lines.append("  - { \(fields.joined(separator: ", ")) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Amounts near the caps (a fen either side), zero, and anything up to 100万元.
    mutating func amount() -> String {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return rng.pick(["0", "0.01", "99999.99", "100000.00", "100000.01", "500000", "499999.99", "1234.5"])
        case 1: return "\(Int.random(in: 0...100, using: &rng))万元"
        default: return "\(Int.random(in: 0...999_999, using: &rng)).\(Int.random(in: 10...99, using: &rng))"
        }
    }

    mutating func day(from start: String, span: Int32) -> String {
        CivilDate(days: CivilDate(iso: Substring(start))!.days + Int32.random(in: 0...span, using: &rng)).iso
    }
}
