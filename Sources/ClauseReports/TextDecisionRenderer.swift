import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// What a reviewer reads in a terminal: `clause evaluate` (compact) and `clause explain` (the
/// whole justification). Chinese by default; English labels and messages where the policy has them.
public enum TextDecisionRenderer {
    /// Every line ends with "\n".
    public static func render(_ d: Decision, policy: Policy, lang: Lang, explain: Bool, onlyDeciding: Bool = false) -> String {
        explain ? full(d, policy: policy, lang: lang, onlyDeciding: onlyDeciding) : compact(d, policy: policy, lang: lang)
    }

    /// `案件 SY-2024-T-0001 · 中小企业数字化转型改造 · 结论：予以支持 ¥190,000.00`, then the reasons,
    /// consequences and missing facts.
    static func compact(_ d: Decision, policy: Policy, lang: Lang) -> String {
        let r = TraceReader(policy: policy, lang: lang)
        var out = header(d, r) + "\n"
        for group in Justification.grouped(d.reasons) {
            let reason = group[0]
            var text = lang == .en ? (reason.messageEn ?? reason.message) : reason.message
            if reason.effect == .cap { text = r.word(.capApplied) } else if Justification.capped(group) { text += (lang == .zh ? "；" : "; ") + r.word(.capApplied) }
            out += "  [\(Justification.cites(group, lang)) \(Justification.clauseIDs(group))] \(text)\n"
        }
        for c in Justification.consequences(d, r) { out += "  \(c)\n" }
        // Earlier cases' ids come from the record, which anyone may have written: escaped here.
        if let ban = d.registryBan { out += "  \(TerminalText.escape(RegistryBanText.sentence(ban, lang: lang)))\n" }
        for l in LedgerText.lines(d, policy: policy, lang: lang) { out += "  \(TerminalText.escape(l))\n" }
        for m in d.missing { out += "  \(r.word(.missingPrefix))\(r.missingFact(m))\n" }
        let colon = lang == .zh ? "：" : ": "
        let remedies = RemedyText.lines(d, policy: policy, lang: lang)
        if remedies.count == 1 {
            out += "  \(RemedyText.title(lang))\(colon)\(remedies[0])\n"
        } else if !remedies.isEmpty {
            out += "  \(RemedyText.title(lang))\(colon)\n" + remedies.map { "    \($0)\n" }.joined()
        }
        return out
    }

    static func header(_ d: Decision, _ r: TraceReader) -> String {
        let colon = r.lang == .zh ? "：" : ": "
        var parts = ["\(r.word(.caseWord)) \(TerminalText.escape(d.caseID))"]
        if let item = r.itemLabel(d) { parts.append(item) }
        var verdict = "\(r.word(.outcome))\(colon)\(OutcomeWords.outcome(d.outcome, r.lang))"
        if d.outcome == .granted { verdict += " \(d.amount.display)" }
        parts.append(verdict)
        return parts.joined(separator: " · ")
    }

    /// The whole justification.
    static func full(_ d: Decision, policy: Policy, lang: Lang, onlyDeciding: Bool = false) -> String {
        let j = Justification(d, policy: policy, lang: lang)
        let r = TraceReader(policy: policy, lang: lang)
        let zh = lang == .zh
        let colon = zh ? "：" : ": "
        var out = ""
        func line(_ s: String = "", _ depth: Int = 0) { out += String(repeating: "  ", count: depth) + s + "\n" }

        line(j.title)
        line("\(r.word(.version)) \(j.version) · \(r.word(.digest)) \(j.digest) · \(r.word(.evaluatedOn)) \(j.asOf)")
        if d.packages.count > 1 {
            // Which notices took part (第十七条): the base and each amendment in force.
            let names = d.packages.map { p in
                "\(p.id) \(p.version)" + (p.effective.map { zh ? "（\($0.iso) 起）" : " (from \($0.iso))" } ?? "")
            }
            line("\(r.word(.packages))\(colon)\(names.joined(separator: zh ? "；" : "; "))")
        }
        line(header(d, r))
        if !j.reasons.isEmpty {
            line()
            line(r.word(.reasons))
            for reason in j.reasons {
                let effect = reason.effect == .cap || reason.capped ? (zh ? "（上限）" : " (cap)") : ""
                line("[\(reason.cite) \(reason.clause)] \(reason.rule)\(effect)", 1)
                for q in reason.quotes {
                    line(reason.quotes.count > 1 ? "\(q.cite)「\(q.text)」" : "「\(q.text)」", 2)
                }
                line(reason.message, 2)
                if let fix = reason.fix { line("\(r.word(.mustChange))\(fix)", 2) }
            }
        }
        let remedies = RemedyText.lines(d, policy: policy, lang: lang)
        if !remedies.isEmpty {
            line()
            line(RemedyText.title(lang))
            for l in remedies { line(l, 1) }
        }
        if !j.consequences.isEmpty {
            line()
            line(r.word(.consequences))
            for c in j.consequences { line(c, 1) }
        }
        if let ban = d.registryBan {
            line()
            line(RegistryBanText.title(lang))
            line(TerminalText.escape(RegistryBanText.sentence(ban, lang: lang)), 1)
        }
        let ledger = LedgerText.lines(d, policy: policy, lang: lang)
        if !ledger.isEmpty {
            line()
            line(LedgerText.title(lang))
            for l in ledger { line(TerminalText.escape(l), 1) }
        }
        if !j.missing.isEmpty {
            line()
            line(r.word(.missing))
            for m in j.missing { line(m, 1) }
        }
        if !j.calculation.isEmpty {
            line()
            line(r.word(.calculation))
            for l in j.calculation { line(l.text, l.depth + 1) }
        }
        line()
        line(r.word(.checks))
        for c in j.checks(onlyDeciding: onlyDeciding) {
            line("\(c.symbol) [\(c.cite)] \(c.rule)\(colon)\(c.message)", 1)
            for detail in c.details { line(detail, 3) }
        }
        return out
    }
}
