import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// A letter to the applicant: 不予支持告知书, 支持通知 or 补正通知 (`--format notice`, or `html`
/// for a printable page). It says the decision, each reason with its clause quoted, the amount
/// and how it was computed in one sentence, what can be done and by when, and the package's
/// contact and appeal lines. Written for the applicant: no rule ids, no expressions, no paths.
package enum NoticeRenderer {
    /// The letter's parts, laid out as text or HTML.
    struct Letter {
        var title: String
        var heading: [String]
        var opening: String
        var reasons: [(cite: String, quotes: [String], words: String)]
        var sections: [(title: String, lines: [String])]
        var closing: [String]
        var placeholderNote: String?
    }

    package static func text(_ d: Decision, policy: Policy, lang: Lang) -> String {
        let l = letter(d, policy: policy, lang: lang)
        var out = ""
        func line(_ s: String = "", _ depth: Int = 0) { out += String(repeating: "  ", count: depth) + s + "\n" }
        line(l.title)
        line()
        for h in l.heading { line(h) }
        line()
        line(l.opening)
        for (k, r) in l.reasons.enumerated() {
            line()
            line("\(ordinal(k, lang))\(r.cite)", 1)
            for q in r.quotes { line(q, 2) }
            line(r.words, 2)
        }
        for s in l.sections {
            line()
            line(s.title)
            for x in s.lines { line(x, 1) }
        }
        line()
        for c in l.closing { line(c) }
        if let note = l.placeholderNote {
            line()
            line(note)
        }
        return out
    }

    /// The same letter as a printable HTML page (A4, one column, no scripts).
    package static func html(_ d: Decision, policy: Policy, lang: Lang) -> String {
        let l = letter(d, policy: policy, lang: lang)
        func e(_ s: String) -> String { HTMLText.escape(s) }
        var out = "<!DOCTYPE html>\n<html lang=\"\(lang == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<title>\(e(l.title)) \(e(d.caseID))</title>\n"
        out += "<style>@page{size:A4;margin:25mm}body{font-family:serif;max-width:42em;margin:2em auto;line-height:1.7}"
        out += "h1{text-align:center;font-size:1.5em}blockquote{margin:.3em 0 .3em 1.5em;color:#333}.meta{color:#444}"
        out += ".closing{margin-top:2em;text-align:right}.note{margin-top:2em;font-size:.9em;color:#a00}</style>\n</head>\n<body>\n"
        out += "<h1>\(e(l.title))</h1>\n<p class=\"meta\">\(l.heading.map(e).joined(separator: "<br>"))</p>\n"
        out += "<p>\(e(l.opening))</p>\n"
        if !l.reasons.isEmpty {
            out += "<ol>\n"
            for r in l.reasons {
                out += "<li><strong>\(e(r.cite))</strong>"
                for q in r.quotes { out += "<blockquote>\(e(q))</blockquote>" }
                out += "<p>\(e(r.words))</p></li>\n"
            }
            out += "</ol>\n"
        }
        for s in l.sections {
            out += "<h2>\(e(s.title))</h2>\n<ul>\n" + s.lines.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        }
        out += "<p class=\"closing\">\(l.closing.map(e).joined(separator: "<br>"))</p>\n"
        if let note = l.placeholderNote { out += "<p class=\"note\">\(e(note))</p>\n" }
        out += "</body>\n</html>\n"
        return out
    }

    static func letter(_ d: Decision, policy: Policy, lang: Lang) -> Letter {
        let zh = lang == .zh
        let r = TraceReader(policy: policy, lang: lang)
        let item = r.itemLabel(d) ?? ""
        let title: String
        switch (d.outcome, zh) {
        case (.refused, true): title = "不予支持告知书"
        case (.granted, true): title = "支持通知书"
        case (.incomplete, true): title = "补正通知书"
        case (.review, true): title = "审核告知书"
        case (.refused, false): title = "Notice of refusal"
        case (.granted, false): title = "Notice of support"
        case (.incomplete, false): title = "Notice to complete the application"
        case (.review, false): title = "Notice of review"
        }
        let policyTitle = zh ? policy.title : (policy.titleEn ?? policy.title)
        let caseID = TerminalText.escape(d.caseID)
        let heading = zh
            ? ["政策：\(policyTitle)", "案件编号：\(caseID)", "申报事项：\(item)", "审核依据日期：\(d.asOf.iso)"]
            : ["Policy: \(policyTitle)", "Case: \(caseID)", "Support applied for: \(item)", "Decided as of: \(d.asOf.iso)"]
        let opening: String
        switch (d.outcome, zh) {
        case (.refused, true): opening = "经审核，你单位申报的“\(item)”不予支持。理由如下："
        case (.granted, true): opening = "经审核，你单位申报的“\(item)”予以支持，核定补贴金额 \(d.amount.display)。"
        case (.incomplete, true): opening = "经审核，你单位申报的“\(item)”材料不全，暂无法作出决定。请补正下列事项："
        case (.review, true): opening = "你单位申报的“\(item)”须由主管部门根据实际情况审核确定，审核结果另行通知。"
        case (.refused, false): opening = "Your application for \(item) has been reviewed and is refused, for the following reasons:"
        case (.granted, false): opening = "Your application for \(item) has been reviewed and is supported with \(d.amount.display)."
        case (.incomplete, false): opening = "Your application for \(item) cannot be decided yet: please complete the following."
        case (.review, false): opening = "Your application for \(item) is decided by the bureau case by case; you will be told the result."
        }

        // One reason per rule, its clauses quoted; a waiting rule names the facts by label.
        var reasons: [(cite: String, quotes: [String], words: String)] = []
        var quoted: Set<String> = []
        for group in Justification.grouped(d.reasons) where group[0].effect != .cap {
            let first = group[0]
            // Each clause is quoted once, at the first reason that cites it.
            let unquoted = group.filter { $0.effect != .cap && quoted.insert($0.clause).inserted }
            let quotes = unquoted.compactMap { reason in
                policy.clause(reason.clause).map { c in (group.count > 1 ? c.cite : "") + (zh ? "「\(c.text)」" : "“\(c.text)”") }
            }
            let words: String
            if first.effect == .needs {
                let rule = d.rules.first { $0.rule == first.rule }
                let labels = (rule?.missing ?? []).map { r.factLabel($0) }
                words = zh ? "尚缺：\(labels.joined(separator: "、"))" : "still missing: \(labels.joined(separator: ", "))"
            } else if first.effect == .award {
                words = (zh ? "计算方法：" : "How it was computed: ") + (zh ? first.message : (first.messageEn ?? first.message))
                    + (d.reasons.contains { $0.rule == first.rule && $0.effect == .cap } ? (zh ? "；超过上限，按上限核定" : "; over the cap, the cap is paid") : "")
            } else {
                words = zh ? first.message : (first.messageEn ?? first.message)
            }
            let cite = (zh ? "依据" : "Under ") + Justification.cites(group, lang)
            reasons.append((cite, quotes, TerminalText.escape(words)))
        }

        var sections: [(title: String, lines: [String])] = []
        if d.outcome == .refused || d.outcome == .incomplete {
            var lines = RemedyText.lines(d, policy: policy, lang: lang)
            if let search = d.remedies, !search.remedies.isEmpty, let deadline = deadline(policy, lang) { lines.append(deadline) }
            if !lines.isEmpty { sections.append((zh ? "可以怎样做" : "What you can do", lines)) }
        }
        if d.consequences.clawback.fen != 0 || d.consequences.blacklistedUntil != nil {
            sections.append((r.word(.consequences), Justification.consequences(d, r)))
        }

        let notice = policy.notice
        var closing: [String] = []
        if let c = zh ? notice?.contact : (notice?.contactEn ?? notice?.contact) { closing.append(c) }
        if let a = zh ? notice?.appeal : (notice?.appealEn ?? notice?.appeal) { closing.append(a) }
        if let i = zh ? notice?.issuer : (notice?.issuerEn ?? notice?.issuer) { closing.append(i) }
        closing.append(d.asOf.iso)
        let note = notice?.placeholder == true
            ? (zh ? "（样稿：联系电话、异议途径和发文机关为占位内容，待主管部门提供后方可使用。）"
                  : "(Draft: the contact, appeal and issuer lines are placeholders until the bureau gives them.)")
            : nil
        return Letter(title: title, heading: heading, opening: opening, reasons: reasons, sections: sections, closing: closing,
                      placeholderNote: note)
    }

    /// `请于 2025-12-31 前（第十六条）提出`: the last day the package accepts an application.
    static func deadline(_ policy: Policy, _ lang: Lang) -> String? {
        guard let valid = policy.valid else { return nil }
        let clause = policy.rules.first { $0.id == PolicyLoader.validityName }?.clauses.first.flatMap { policy.cite($0) }
        if lang == .zh {
            return "以上改正须在 \(valid.end.iso) 前完成并提出申报" + (clause.map { "（\($0)）" } ?? "")
        }
        return "the change must be made and the application filed by \(valid.end.iso)" + (clause.map { " (\($0))" } ?? "")
    }

    static func ordinal(_ k: Int, _ lang: Lang) -> String {
        guard lang == .zh else { return "\(k + 1). " }
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        return (k < numerals.count ? numerals[k] : "\(k + 1)") + "、"
    }
}

