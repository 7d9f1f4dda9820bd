import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation
import Testing

/// `if … then … else`: typed like its branches, narrowing the condition's optionals in `then`.
@Suite struct ConditionalTests {
    static func package(_ rules: String) throws -> (String, PolicyLoader.Result) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-if-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        policy: cond
        title: 条件测试
        clauses:
          art1: { cite: 第一条, text: "测试条款。" }
        facts:
          case: { type: text, label: 编号, required: true }
          policy: { type: text, label: 政策 }
          applied_on: { type: date, label: 申报日期, required: true }
          core: { type: bool, label: 核心行业 }
          requested: { type: money, label: 申请金额 }
          banned_until: { type: date?, label: 黑名单截止日, default: none }
        rules:
        \(rules)
        """.write(toFile: "\(dir)/policy.yaml", atomically: true, encoding: .utf8)
        return (dir, PolicyLoader.load(dir))
    }

    static func decide(_ policy: Policy, _ facts: String) throws -> Decision {
        var bag = DiagnosticBag()
        let text = "case: X\npolicy: cond\napplied_on: 2025-01-01\n" + facts
        let root = try #require(YAMLReader.read(SourceFile(path: "c.yaml", text: text), into: &bag))
        let c = try #require(CaseReader.read(root, path: "c.yaml", policy: policy, into: &bag))
        return try Interpreter.decide(c, policy: policy).get()
    }

    @Test func capsByCondition() throws {
        let (dir, r) = try ConditionalTests.package("""
              - id: pay
                clause: art1
                award: requested
                cap: if core then 60万元 else 50万元
                say: 支付 {requested}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try #require(r.policy, "\(DiagnosticRenderer().render(r.diagnostics))")
        #expect(try ConditionalTests.decide(p, "core: true\nrequested: 700000\n").amount.plain == "600000.00")
        #expect(try ConditionalTests.decide(p, "core: false\nrequested: 700000\n").amount.plain == "500000.00")
        let unknown = try ConditionalTests.decide(p, "requested: 700000\n")
        #expect(unknown.outcome == .incomplete)
        #expect(unknown.missing.map(\.fact) == ["core"])
    }

    @Test func theConditionNarrowsItsThenBranch() throws {
        let (dir, r) = try ConditionalTests.package("""
              - id: banned
                clause: art1
                refuse_when: if banned_until != none then banned_until >= applied_on else false
                say: 黑名单期内
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try #require(r.policy, "\(DiagnosticRenderer().render(r.diagnostics))")
        #expect(try ConditionalTests.decide(p, "banned_until: 2025-06-30\n").outcome == .refused)
        #expect(try ConditionalTests.decide(p, "banned_until: 2024-06-30\n").outcome != .refused)
    }

    @Test func typeErrorsAreLocated() throws {
        let (dir, r) = try ConditionalTests.package("""
              - id: a
                clause: art1
                award: if requested then 1元 else 2元
                say: 甲
              - id: b
                clause: art1
                award: if core then 1元 else applied_on
                say: 乙
              - id: c
                clause: art1
                award: if core then 1元
                say: 丙
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rendered = DiagnosticRenderer().render(r.diagnostics).replacingOccurrences(of: dir + "/", with: "")
        #expect(rendered.contains("policy.yaml:15:15: error: the condition after 'if' must be true or false, but this is an amount (money)"))
        #expect(rendered.contains("policy.yaml:19:12: error: both branches of 'if' must be of one type: an amount (money), then a date"))
        #expect(rendered.contains("policy.yaml:23:27: error: expected 'else': an 'if' needs both branches"))
    }
}
