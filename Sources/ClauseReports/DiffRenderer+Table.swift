import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

extension DiffRenderer {
    // MARK: - Text and Markdown

    /// For a person (`markdown: true` for a memo): both packages and their digests, the changed
    /// cases grouped by the kind of change (outcome, amount, reasons only), each with its causes
    /// and their values before → after, then the totals.
    package static func table(_ entries: [ImpactDiff.Entry], _ s: DiffSummary, _ compared: Compared, lang: Lang, markdown: Bool) -> String {
        let zh = lang == .zh
        let words = OutcomeWordsForDiff(lang: lang, compared: compared)
        var out = ""
        if markdown { out += zh ? "# 政策调整影响分析\n\n" : "# Impact of the proposed change\n\n" }
        for line in words.packageLines() { out += markdown ? "- \(line)\n" : line + "\n" }

        let header = zh ? ["案件", "事项", "区县", "现行", "拟议", "差额"] : ["case", "item", "district", "base", "proposed", "difference"]
        var groups: [(title: String, rows: [(cells: [String], causes: [String])])] = []
        for kind in ImpactDiff.Change.allCases {
            let rows = entries.filter { $0.change == kind }.map { e in
                (cells: [e.caseID, words.item(e.item), e.district ?? "—", words.side(e.base), words.side(e.proposed), delta(e.delta)],
                 causes: words.causes(e.causes))
            }
            if !rows.isEmpty { groups.append((words.title(kind, count: rows.count), rows)) }
        }
        if groups.isEmpty { out += zh ? "\n没有案件的决定发生变化\n" : "\nNo decision changes\n" }
        if markdown {
            for g in groups {
                out += "\n## \(g.title)\n\n"
                out += render([header + [zh ? "原因" : "causes"]] + g.rows.map { $0.cells + [$0.causes.joined(separator: "<br>")] }, markdown: true)
            }
        } else {
            // One set of column widths for every group, so the groups line up.
            let widths = columnWidths([header] + groups.flatMap { $0.rows.map(\.cells) })
            for g in groups {
                out += "\n\(g.title)\n" + line(header, widths)
                for r in g.rows {
                    out += line(r.cells, widths)
                    for c in r.causes { out += "    " + c + "\n" }
                }
            }
        }

        func tallyRows(_ groups: [(key: String, tally: DiffSummary.Tally)], label: (String) -> String) -> [[String]] {
            groups.map { g in
                [label(g.key), "\(g.tally.cases)", "\(g.tally.changed)"] + ImpactDiff.Change.allCases.map { "\(g.tally.count($0))" }
                    + ["\(g.tally.grantedBase) → \(g.tally.grantedProposed)", "\(g.tally.moneyBase.display) → \(g.tally.moneyProposed.display)",
                       delta(g.tally.delta)]
            }
        }
        let totalsHeader = zh ? ["", "案件数", "变化", "结论", "金额", "仅依据", "予以支持", "支持金额", "差额"]
            : ["", "cases", "changed", "outcome", "amount", "reasons only", "granted", "money", "difference"]
        out += markdown ? (zh ? "\n## 合计\n\n" : "\n## Totals\n\n") : "\n"
        out += render([totalsHeader] + tallyRows([(zh ? "合计" : "total", s.total)], label: { $0 }), markdown: markdown)
        out += markdown ? (zh ? "\n## 按支持事项\n\n" : "\n## By item\n\n") : "\n"
        out += render([totalsHeader] + tallyRows(words.inDeclaredOrder(s.byItem), label: words.item), markdown: markdown)
        out += markdown ? (zh ? "\n## 按区县\n\n" : "\n## By district\n\n") : "\n"
        out += render([totalsHeader] + tallyRows(s.byDistrict, label: { $0 }), markdown: markdown)
        if s.failed > 0 { out += zh ? "\n\(s.failed) 个案件文件无法读取（见标准错误输出）\n" : "\n\(s.failed) case files could not be read (see stderr)\n" }
        return out
    }

    private static func delta(_ d: Money) -> String {
        d.fen > 0 ? "+" + d.display : d.display
    }

    private static func columnWidths(_ rows: [[String]]) -> [Int] {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        return widths
    }

    /// Columns padded by display width (CJK counts double); the last is not padded.
    private static func line(_ cells: [String], _ widths: [Int]) -> String {
        cells.enumerated().map { i, c in i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - DisplayWidth.of(c)) }
            .joined(separator: "  ") + "\n"
    }

    /// Columns padded by display width, or a Markdown table.
    private static func render(_ rows: [[String]], markdown: Bool) -> String {
        guard let header = rows.first else { return "" }
        if markdown {
            // Cells hold case ids and texts from case files: escaped as Markdown, not trusted.
            var out = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in " --- |" }.joined() + "\n"
            for r in rows.dropFirst() { out += "| " + r.map(MarkdownText.escape).joined(separator: " | ") + " |\n" }
            return out
        }
        let rows = rows.map { $0.map { TerminalText.escape($0) } }
        let widths = columnWidths(rows)
        return rows.map { line($0, widths) }.joined()
    }
}

/// Words for diff tables: packages, outcome and amount, item labels, causes and citations.
struct OutcomeWordsForDiff {
    let lang: Lang
    let compared: DiffRenderer.Compared
    var zh: Bool { lang == .zh }
    var policy: Policy { compared.proposed }

    /// 现行 / 拟议: each package's id and version (an amendment with its date), folder and digest.
    func packageLines() -> [String] {
        [(zh ? "现行" : "base", compared.base, compared.baseFolder), (zh ? "拟议" : "proposed", compared.proposed, compared.proposedFolder)].map {
            name, p, folder in
            let parts = p.packages.map { r in
                "\(r.id) \(r.version)" + (r.effective.map { zh ? "（自 \($0.iso) 起）" : " (from \($0.iso))" } ?? "")
            }
            let hex = p.digest.hasPrefix("sha256:") ? p.digest.dropFirst(7) : p.digest[...]
            return "\(name)\(zh ? "：" : ": ")\(parts.joined(separator: " + ")) · \(folder) · \(zh ? "摘要" : "digest") \(hex.prefix(12))"
        }
    }

    func title(_ c: ImpactDiff.Change, count: Int) -> String {
        switch (c, zh) {
        case (.outcome, true): "结论变化（\(count) 件）"
        case (.amount, true): "金额变化（\(count) 件，结论不变）"
        case (.reasons, true): "仅依据条款变化（\(count) 件，结论与金额不变）"
        case (.outcome, false): "Outcome changes (\(count))"
        case (.amount, false): "Amount changes (\(count), same outcome)"
        case (.reasons, false): "Reason-only changes (\(count), same outcome and amount)"
        }
    }

    func side(_ s: ImpactDiff.Side) -> String {
        let o = OutcomeWords.outcome(s.outcome, lang)
        let reasons = "[\(s.reasons.joined(separator: ","))]"
        return s.outcome == .granted ? "\(o) \(s.amount.display) \(reasons)" : "\(o) \(reasons)"
    }

    /// Root causes first: parameters, then definitions, then rules, each `before → after`.
    func causes(_ causes: [ImpactDiff.Cause]) -> [String] {
        let order: [ImpactDiff.Cause.Kind] = [.parameter, .definition, .rule]
        return order.flatMap { kind in causes.filter { $0.kind == kind }.map(cause) }
    }

    func cause(_ c: ImpactDiff.Cause) -> String {
        let kind: String
        switch (c.kind, zh) {
        case (.parameter, true): kind = "参数"
        case (.definition, true): kind = "定义"
        case (.rule, true): kind = "规则"
        case (.parameter, false): kind = "parameter"
        case (.definition, false): kind = "definition"
        case (.rule, false): kind = "rule"
        }
        let cites = c.clauses.map(cite).joined(separator: zh ? "、" : ", ")
        let label = (zh ? c.label : labelEn(c) ?? c.label).map { zh ? "「\($0)」" : " (\($0))" } ?? ""
        return "\(kind) \(c.name)\(label) [\(cites)]\(zh ? "：" : ": ")"
            + "\(shown(c.base, c, compared.base)) → \(shown(c.proposed, c, compared.proposed))"
    }

    /// A parameter's or definition's English label, from whichever package has it.
    private func labelEn(_ c: ImpactDiff.Cause) -> String? {
        for p in [compared.proposed, compared.base] {
            switch c.kind {
            case .parameter: if let x = p.parameters.first(where: { $0.name == c.name }) { return x.labelEn }
            case .definition: if let x = p.definitions.first(where: { $0.name == c.name }) { return x.labelEn }
            case .rule: return nil
            }
        }
        return nil
    }

    private func shown(_ s: ImpactDiff.Shown?, _ c: ImpactDiff.Cause, _ p: Policy) -> String {
        switch s {
        case nil: return zh ? "（无）" : "(none)"
        case .value(let v, let t)?: return ValueText(policy: p, lang: lang).format(v, t)
        case .missing(let facts)?: return zh ? "未知（缺少 \(facts.joined(separator: "、"))）" : "unknown (missing \(facts.joined(separator: ", ")))"
        case .rule(let status, let amount)?:
            let kind = p.rules.first { $0.id == c.name }?.kind
            switch status {
            case .notApplicable: return "– " + (zh ? "不适用" : "not applicable")
            case .notInForce: return "⊘ " + (zh ? "不在施行期" : "not in force")
            case .passed: return "✓ " + (zh ? "通过" : "passes")
            case .pending: return "? " + (zh ? "待定" : "pending")
            case .fired:
                if let amount { return (amount.fen > 0 ? "✓ " : "✗ ") + amount.display }
                switch kind {
                case .reviewWhen?: return "! " + (zh ? "需人工审核" : "review")
                case .needs?: return "? " + (zh ? "待定" : "pending")
                default: return "✗ " + (zh ? "不予支持" : "refuses")
                }
            }
        }
    }

    func item(_ name: String?) -> String {
        guard let name else { return "—" }
        guard let i = policy.itemSlot, case .enumeration(let t) = policy.caseSchema.fields[i].type.unwrapped,
              let k = policy.enums[t].index[name] else { return name }
        let c = policy.enums[t].cases[k]
        return zh ? c.label : (c.labelEn ?? name)
    }

    /// A clause's citation in the proposed package (which has the base's clauses and any notice's).
    func cite(_ id: String) -> String { policy.cite(id) ?? compared.base.cite(id) ?? id }

    /// Items in the order the package declares them (第四条's order), not alphabetically.
    func inDeclaredOrder(_ groups: [(key: String, tally: DiffSummary.Tally)]) -> [(key: String, tally: DiffSummary.Tally)] {
        guard let i = policy.itemSlot, case .enumeration(let t) = policy.caseSchema.fields[i].type.unwrapped else {
            return groups
        }
        let order = policy.enums[t].index
        return groups.sorted { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }
    }
}
