import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The justification of `clause explain` as Markdown, for a case file or a review record: the
/// reasons as a table, each applied clause quoted, the arithmetic as a list, the rule checks as a table.
public enum MarkdownDecisionRenderer {
    public static func render(_ d: Decision, policy: Policy, lang: Lang, onlyDeciding: Bool = false) -> String {
        let j = Justification(d, policy: policy, lang: lang)
        let r = TraceReader(policy: policy, lang: lang)
        let zh = lang == .zh
        let colon = zh ? "：" : ": "
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }

        line("# \(inline(TextDecisionRenderer.header(d, r)))")
        line()
        line("- \(zh ? "政策" : "Policy")\(colon)\(j.title)（`\(d.policyID)`）")
        line("- \(r.word(.version))\(colon)\(j.version) · \(r.word(.digest))\(colon)`\(j.digest)`")
        line("- \(r.word(.evaluatedOn))\(colon)\(j.asOf)")

        if !j.reasons.isEmpty {
            line()
            line("## \(r.word(.reasons))")
            line()
            line(zh ? "| 条款 | 规则 | 说明 |" : "| Clause | Rule | Explanation |")
            line("| --- | --- | --- |")
            for reason in j.reasons {
                let message = reason.message
                let fix = reason.fix.map { "<br>\(r.word(.mustChange))\(cell($0))" } ?? ""
                line("| \(cell(reason.cite)) (`\(reason.clause)`) | `\(reason.rule)` | \(cell(message))\(fix) |")
            }
            for reason in j.reasons {
                for q in reason.quotes {
                    line()
                    line("### \(q.cite) (`\(q.clause)`)")
                    line()
                    line("> \(quote(q.text))")
                }
            }
        }
        let remedies = RemedyText.lines(d, policy: policy, lang: lang)
        if !remedies.isEmpty {
            line()
            line("## \(RemedyText.title(lang))")
            line()
            for l in remedies { line("- \(inline(l))") }
        }
        if !j.consequences.isEmpty {
            line()
            line("## \(r.word(.consequences))")
            line()
            for c in j.consequences { line("- \(inline(c))") }
        }
        if let ban = d.registryBan {
            line()
            line("## \(RegistryBanText.title(lang))")
            line()
            line("- \(inline(RegistryBanText.sentence(ban, lang: lang)))")
        }
        let ledger = LedgerText.lines(d, policy: policy, lang: lang)
        if !ledger.isEmpty {
            line()
            line("## \(LedgerText.title(lang))")
            line()
            for l in ledger { line("- \(inline(l))") }
        }
        if !j.missing.isEmpty {
            line()
            line("## \(r.word(.missing))")
            line()
            for m in j.missing { line("- \(inline(m))") }
        }
        if !j.calculation.isEmpty {
            line()
            line("## \(r.word(.calculation))")
            line()
            for l in j.calculation { line(String(repeating: "  ", count: l.depth) + "- " + inline(l.text)) }
        }
        line()
        line("## \(r.word(.checks))")
        line()
        line(zh ? "| | 条款 | 规则 | 结果 |" : "| | Clause | Rule | Finding |")
        line("| --- | --- | --- | --- |")
        for c in j.checks(onlyDeciding: onlyDeciding) {
            let finding = ([c.message] + c.details).filter { !$0.isEmpty }.map(cell).joined(separator: "<br>")
            line("| \(c.symbol) | \(cell(c.cite)) | `\(c.rule)` | \(finding) |")
        }
        return out
    }

    /// Text safe inside a table cell: no pipes, no line breaks.
    static func cell(_ s: String) -> String {
        inline(s)  // `inline` already escapes the pipe
    }

    /// Text safe on one Markdown line (`MarkdownText.escape`).
    static func inline(_ s: String) -> String { MarkdownText.escape(s) }

    /// A blockquote body: every line of the clause kept, each prefixed by `> `.
    static func quote(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { inline(String($0)) }.joined(separator: "\n> ")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
