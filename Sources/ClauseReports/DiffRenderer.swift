import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// `clause diff` output: JSON lines (CONTRACT §4), a text table a person reads, or a Markdown memo.
package enum DiffRenderer {
    // MARK: - JSON

    package static func jsonLine(_ e: ImpactDiff.Entry) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("case", e.caseID)
        for (key, side) in [("base", e.base), ("proposed", e.proposed)] {
            w.key(key)
            w.beginObject()
            w.field("outcome", side.outcome.rawValue)
            w.field("amount", side.amount.plain)
            w.field("reasons", strings: side.reasons)
            w.endObject()
        }
        w.key("causes")
        w.beginArray()
        for c in e.causes {
            w.beginObject()
            w.field("rule", c.rule)
            w.field("clause", c.clause)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.output
    }

    package static func jsonSummary(_ s: DiffSummary) -> String {
        var w = JSONWriter()
        func tally(_ t: DiffSummary.Tally) {
            w.field("cases", t.cases)
            w.field("changed", t.changed)
            w.key("granted")
            w.beginObject()
            w.field("base", t.grantedBase)
            w.field("proposed", t.grantedProposed)
            w.endObject()
            w.key("money")
            w.beginObject()
            w.field("base", t.moneyBase.plain)
            w.field("proposed", t.moneyProposed.plain)
            w.endObject()
        }
        w.beginObject()
        w.key("summary")
        w.beginObject()
        tally(s.total)
        w.field("failed", s.failed)
        for (key, groups) in [("by_item", s.byItem), ("by_district", s.byDistrict)] {
            w.key(key)
            w.beginObject()
            for g in groups {
                w.key(g.key)
                w.beginObject()
                tally(g.tally)
                w.endObject()
            }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.output
    }

    // MARK: - Text and Markdown

    /// A table of the changed cases, then the totals, for a person (`markdown: true` for a memo).
    package static func table(_ entries: [ImpactDiff.Entry], _ s: DiffSummary, policy: Policy, lang: Lang, markdown: Bool) -> String {
        let zh = lang == .zh
        let words = OutcomeWordsForDiff(lang: lang, policy: policy)
        var rows: [[String]] = []
        for e in entries where e.changed {
            rows.append([e.caseID, words.item(e.item), words.side(e.base), words.side(e.proposed),
                         e.causes.map { "\($0.rule) (\(words.cite($0.clause)))" }.joined(separator: ", ")])
        }
        var out = ""
        let header = zh ? ["案件", "事项", "现行", "拟议", "原因（规则）"] : ["case", "item", "base", "proposed", "causes (rules)"]
        if markdown { out += zh ? "# 政策调整影响分析\n\n## 结论变化的案件\n\n" : "# Impact of the proposed change\n\n## Cases whose decision changes\n\n" }
        out += render([header] + rows, markdown: markdown)
        func tallyRows(_ groups: [(key: String, tally: DiffSummary.Tally)], label: (String) -> String) -> [[String]] {
            groups.map { g in
                [label(g.key), "\(g.tally.cases)", "\(g.tally.changed)", "\(g.tally.grantedBase) → \(g.tally.grantedProposed)",
                 "\(g.tally.moneyBase.display) → \(g.tally.moneyProposed.display)",
                 delta(g.tally.moneyProposed, g.tally.moneyBase)]
            }
        }
        let totalsHeader = zh ? ["", "案件数", "变化", "予以支持", "支持金额", "差额"] : ["", "cases", "changed", "granted", "money", "difference"]
        let totalLabel = zh ? "合计" : "total"
        out += markdown ? (zh ? "\n## 合计\n\n" : "\n## Totals\n\n") : "\n"
        out += render([totalsHeader] + tallyRows([(totalLabel, s.total)], label: { $0 }), markdown: markdown)
        out += markdown ? (zh ? "\n## 按支持事项\n\n" : "\n## By item\n\n") : "\n"
        out += render([totalsHeader] + tallyRows(words.inDeclaredOrder(s.byItem), label: words.item), markdown: markdown)
        out += markdown ? (zh ? "\n## 按区县\n\n" : "\n## By district\n\n") : "\n"
        out += render([totalsHeader] + tallyRows(s.byDistrict, label: { $0 }), markdown: markdown)
        if s.failed > 0 { out += zh ? "\n\(s.failed) 个案件文件无法读取（见标准错误输出）\n" : "\n\(s.failed) case files could not be read (see stderr)\n" }
        return out
    }

    private static func delta(_ a: Money, _ b: Money) -> String {
        let d = Money(fen: a.fen - b.fen)
        return d.fen > 0 ? "+" + d.display : d.display
    }

    /// Columns padded by display width (CJK counts double), or a Markdown table.
    private static func render(_ rows: [[String]], markdown: Bool) -> String {
        guard let header = rows.first else { return "" }
        let rows = markdown ? rows : rows.map { $0.map { TerminalText.escape($0) } }
        if markdown {
            var out = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in " --- |" }.joined() + "\n"
            for r in rows.dropFirst() { out += "| " + r.map(MarkdownText.escape).joined(separator: " | ") + " |\n" }
            return out
        }
        var widths = [Int](repeating: 0, count: header.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        return rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - DisplayWidth.of(c)) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// Words for diff tables: outcome and amount, item labels, citations.
struct OutcomeWordsForDiff {
    let lang: Lang
    let policy: Policy

    func side(_ s: ImpactDiff.Side) -> String {
        let o = OutcomeWords.outcome(s.outcome, lang)
        let reasons = "[\(s.reasons.joined(separator: ","))]"
        return s.outcome == .granted ? "\(o) \(s.amount.display) \(reasons)" : "\(o) \(reasons)"
    }

    func item(_ name: String?) -> String {
        guard let name else { return "—" }
        guard let t = policy.itemEnum, let k = policy.enums[t].index[name] else { return name }
        let c = policy.enums[t].cases[k]
        return lang == .zh ? c.label : (c.labelEn ?? name)
    }

    func cite(_ id: String) -> String { policy.clause(id)?.cite ?? id }

    /// Items in the order the package declares them (第四条's order), not alphabetically.
    func inDeclaredOrder(_ groups: [(key: String, tally: DiffSummary.Tally)]) -> [(key: String, tally: DiffSummary.Tally)] {
        guard let t = policy.itemEnum else { return groups }
        let order = policy.enums[t].index
        return groups.sorted { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }
    }
}
