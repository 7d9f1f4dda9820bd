import ClauseLanguage
import ClauseSyntax
import Foundation
import Testing

@Suite struct LintTests {
    @Test func shenyangHasNoWarnings() {
        #expect(PolicyLint.warnings(Repo.shenyang).isEmpty)
    }

    @Test func unusedParameterDefinitionAndEnumAreWarnedAt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        policy: lint
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        enums:
          unused_kind: { values: { a: 甲 } }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          amount: { type: money, label: 金额 }
        parameters:
          cap: { label: 上限, clause: art1, value: 10万元 }
          forgotten: { label: 遗忘, clause: art1, value: 5% }
        definitions:
          spare: { label: 备用, expr: amount }
        rules:
          - id: pay
            clause: art1
            award: amount
            cap: cap
            say: 支付
        """.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let policy = try #require(PolicyLoader.load(dir.path).policy)
        let warnings = PolicyLint.warnings(policy)
        #expect(warnings.map(\.message) == [
            "parameter 'forgotten' is not used by any rule",
            "definition 'spare' is not used by any rule",
            "enum 'unused_kind' is not the type of any fact or parameter",
        ])
        #expect(warnings.map(\.range.start.line) == [13, 15, 6])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }
}
