import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseTestSupport
import Foundation
import Testing

/// The notice is a letter: it names the decision, quotes the clauses, and carries no rule id,
/// no expression and no fact path, in Chinese and in English.
@Suite struct NoticeTests {
    static func decided(_ file: String) throws -> Decision {
        let text = try String(contentsOfFile: Repo.path("Playground/cases/\(file)"), encoding: .utf8)
        let (c, _) = try #require(RemedyCases.read(text, path: file))
        guard case .success(var d) = Interpreter.decide(c, policy: Repo.shenyang, tracing: true) else { throw CancellationError() }
        d.remedies = RemedyFinder.search(c, compiled: RemedyCases.compiled, asOf: nil)
        return d
    }

    /// What a letter must not contain: rule ids, the rules' and definitions' expressions, dotted
    /// fact paths, operators.
    static func codeIn(_ letter: String) -> [String] {
        let p = Repo.shenyang
        var found: [String] = []
        for r in p.rules where letter.contains(r.id) { found.append("rule id \(r.id)") }
        for r in p.rules where r.main.text.count > 6 && letter.contains(r.main.text) { found.append("expression \(r.main.text)") }
        for d in p.definitions where letter.contains(d.name) { found.append("definition \(d.name)") }
        var paths: [String] = []
        func collect(_ schema: RecordSchema, _ prefix: String) {
            for f in schema.fields {
                let path = prefix + f.name
                if path.contains(".") { paths.append(path) }
                switch f.type.unwrapped {
                case .record(let r), .list(.record(let r)): collect(p.records[r], path + ".")
                default: break
                }
            }
        }
        collect(p.caseSchema, "")
        for path in paths where letter.contains(path) { found.append("path \(path)") }
        for op in [">=", "<=", "==", "!=", " not in ", " for c in "] where letter.contains(op) { found.append("operator '\(op)'") }
        return found
    }

    @Test(arguments: ["transformation-level-too-low.yaml", "transformation-incomplete.yaml", "transformation-granted.yaml",
                      "banned-applicant.yaml", "unapproved-change.yaml", "fraud-found.yaml", "transformation-capped.yaml",
                      "product-award-already-awarded.yaml", "other-item.yaml"])
    func aNoticeHasNoRuleIdsOrExpressions(_ file: String) throws {
        let d = try Self.decided(file)
        for lang in Lang.allCases {
            for letter in [NoticeRenderer.text(d, policy: Repo.shenyang, lang: lang), NoticeRenderer.html(d, policy: Repo.shenyang, lang: lang)] {
                #expect(Self.codeIn(letter).isEmpty, "\(file) \(lang): \(Self.codeIn(letter))\n\(letter)")
                #expect(letter.contains("占位") || lang == .en)
            }
        }
    }

    @Test func aRefusalQuotesItsClauseAndSaysWhatCanBeDone() throws {
        let letter = NoticeRenderer.text(try Self.decided("transformation-level-too-low.yaml"), policy: Repo.shenyang, lang: .zh)
        #expect(letter.hasPrefix("不予支持告知书\n"))
        #expect(letter.contains("依据第四条第（一）项"))
        #expect(letter.contains("「采取先建后补方式"))
        #expect(letter.contains("若改造项目 · 改造后数字化水平等级由 1 改为 2，则予以支持 ¥55,000.00"), "\(letter)")
        #expect(letter.contains("2025-12-31 前"))
        #expect(letter.contains("如对本决定有异议"))
    }

    @Test func aGrantSaysTheAmountAndHowItWasComputed() throws {
        let letter = NoticeRenderer.text(try Self.decided("transformation-granted.yaml"), policy: Repo.shenyang, lang: .zh)
        #expect(letter.hasPrefix("支持通知书\n"))
        #expect(letter.contains("核定补贴金额 ¥190,000.00"))
        #expect(letter.contains("计算方法：按合规投入 ¥380,000.00 的 50% 补贴"))
        #expect(!letter.contains("可以怎样做"))
    }

    @Test func anIncompleteCaseListsWhatToGiveByLabel() throws {
        let letter = NoticeRenderer.text(try Self.decided("transformation-incomplete.yaml"), policy: Repo.shenyang, lang: .en)
        #expect(letter.hasPrefix("Notice to complete the application\n"))
        #expect(letter.contains("still missing: third-party acceptance date"), "\(letter)")
    }

    @Test func theBannedApplicantIsToldNoChangeHelpsAndWhy() throws {
        let letter = NoticeRenderer.text(try Self.decided("banned-applicant.yaml"), policy: Repo.shenyang, lang: .zh)
        #expect(letter.contains("本案中可以改变的事实无论怎样改变，均不能获得支持"))
        #expect(letter.contains("仍将依第十六条不予支持"))
        #expect(!letter.contains("2025-12-31 前完成"))
    }

    @Test func htmlIsEscapedAndPrintable() throws {
        let html = NoticeRenderer.html(try Self.decided("transformation-level-too-low.yaml"), policy: Repo.shenyang, lang: .zh)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@page{size:A4"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script"))
    }
}
