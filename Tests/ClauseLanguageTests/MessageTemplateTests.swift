import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Testing

/// A rule's message with `{expression}` holes: its words and holes in order, and a hole's errors
/// at the hole's own column, after Chinese words and after other holes.
@Suite struct MessageTemplateTests {
    /// The package's diagnostics and, when it loads, its one rule's message.
    static func load(say: String) throws -> (errors: [String], say: MessageTemplate?) {
        let r = try loadOneFilePackage("""
        policy: say
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        facts:
          case: { type: text, label: 编号, required: true }
          applied_on: { type: date, label: 日期, required: true }
          amount: { type: money, label: 金额 }
          asked: { type: money, label: 申请额 }
        rules:
          - { id: pay, clause: art1, award: amount, say: "\(say)" }
        """, named: "say")
        let errors = r.diagnostics.filter { $0.severity == .error }.map { "\($0.range.start.line):\($0.range.start.column) \($0.message)" }
        return (errors, r.policy?.rules.first { $0.id == "pay" }?.say)
    }

    @Test func wordsAndHolesInOrder() throws {
        let (errors, say) = try Self.load(say: "支付{amount}，申请{asked}元。")
        #expect(errors.isEmpty)
        let parts = try #require(say).parts.map { part -> String in
            switch part {
            case .text(let t): return "text:\(t)"
            case .value: return "value"
            }
        }
        #expect(parts == ["text:支付", "value", "text:，申请", "value", "text:元。"])
    }

    @Test func aSecondHolesErrorIsAtItsColumn() throws {
        let (errors, _) = try Self.load(say: "支付{amount}，申请{askd}元")
        // The rule is line 11; `askd` is its 65th character.
        #expect(errors.contains { $0.hasPrefix("11:65 ") && $0.contains("unknown name 'askd'") }, "\(errors)")
    }

    @Test func anUnclosedBraceIsAtTheBrace() throws {
        let (errors, _) = try Self.load(say: "支付{amount}，申请{asked")
        #expect(errors.contains { $0.hasPrefix("11:64 ") && $0.contains("'{' without a closing '}'") }, "\(errors)")
    }
}
