import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The programme report as a city bureau reads it (工作方案 三（二）: 按月调度、季度总结): each
/// indicator row against its yearly targets, the money by source against the 1:1.25 matching,
/// and budget execution, as terminal text or as Markdown. Every text from the record or the
/// reported figures goes through the boundary's escape.
package struct ProgrammeText {
    package enum Style { case text, markdown }

    let report: ProgrammeReport
    let style: Style

    package init(_ report: ProgrammeReport, style: Style) {
        self.report = report
        self.style = style
    }

    func esc(_ s: String) -> String { style == .markdown ? MarkdownText.escape(s) : TerminalText.escape(s) }

    /// `achieved ÷ target` as a percentage (one decimal), when both are counts or amounts.
    package static func progress(_ achieved: Value?, _ target: Value?) -> String? {
        switch (achieved, target) {
        case (.int(let a)?, .int(let t)?) where t > 0: return permille(a * 1000, t)
        case (.percent(let a)?, .percent(let t)?) where t.millionths > 0: return permille(a.millionths * 1000, t.millionths)
        case (.money(let a)?, .money(let t)?) where t.fen > 0: return permille(a.fen * 1000, t.fen)
        default: return nil
        }
    }

    private static func permille(_ n: Int64, _ d: Int64) -> String {
        let x = Int64((Int128(n) * 2 + Int128(d)) / (2 * Int128(d)))
        return "\(x / 10).\(x % 10)%"
    }

    package static func figure(_ v: Value?) -> String { v?.indicatorText ?? "—" }

    package func render() -> String {
        let p = report.policy
        var out: [String] = []
        let md = style == .markdown
        out.append(md ? "# \(esc(p.title))：试点工作进展报告" : "\(esc(p.title))：试点工作进展报告")
        out.append("")
        out.append("版本 \(esc(p.version)) · 截至 \(report.asOf.iso) · 基金记录：\(report.cases) 个案件，\(report.grants) 项予以支持，"
                   + "\(report.payments) 笔拨付共 \(report.paid.display)")
        out.append("")
        out.append(md ? "## 指标完成情况（指标体系表）" : "指标完成情况（指标体系表）")
        out.append("")
        if md {
            let yearCols = report.years.map { "\($0)年 目标 | \($0)年 完成" }.joined(separator: " | ")
            out.append("| 序号 | 指标 | \(yearCols) | 目标合计 | 完成合计 | 完成率 | 来源 |")
            out.append("|" + String(repeating: " --- |", count: 7 + report.years.count * 2))
        }
        for r in report.rows {
            let source = sourceText(r)
            if md {
                let cells = r.years.map { "\(Self.figure($0.target)) | \(Self.figure($0.achieved))" }.joined(separator: " | ")
                out.append("| \(esc(r.cite)) | \(esc(r.indicator.label)) | \(cells) | \(Self.figure(r.indicator.total)) | "
                           + "\(Self.figure(r.achieved)) | \(Self.progress(r.achieved, r.indicator.total) ?? "—") | \(source) |")
            } else {
                out.append("  [\(esc(r.cite)) \(esc(r.indicator.clause))] \(esc(r.indicator.label))")
                var parts = r.years.map { y in
                    "\(y.year) 目标 \(Self.figure(y.target)) 完成 \(Self.figure(y.achieved))"
                        + (Self.progress(y.achieved, y.target).map { "（\($0)）" } ?? "")
                }
                parts.append("合计 目标 \(Self.figure(r.indicator.total)) 完成 \(Self.figure(r.achieved))"
                             + (Self.progress(r.achieved, r.indicator.total).map { "（\($0)）" } ?? ""))
                out.append("    " + parts.joined(separator: " · "))
                out.append("    来源：\(source)")
            }
        }
        out.append("")
        if let plan = p.funding {
            let cite = p.cite(plan.clause) ?? plan.clause
            out.append(md ? "## 资金来源与地方配套（\(esc(cite))）" : "资金来源与地方配套（\(esc(cite))）")
            out.append("")
            out.append("地方配套资金 ÷ 中央财政资金 应不低于 \(plan.localPerCentral.display)（1：\(Self.ratioText(plan.localPerCentral))）")
            out.append("")
            if report.funding.isEmpty { out.append(md ? "尚无拨付记录。" : "  尚无拨付记录") }
            if md, !report.funding.isEmpty {
                out.append("| 年度 | " + report.sourceLabels.map(esc).joined(separator: " | ") + " | 未注明来源 | 地方÷中央 | 应配套地方资金 | 缺口 |")
                out.append("|" + String(repeating: " --- |", count: 6 + report.sourceLabels.count))
            }
            for y in report.funding {
                let ratio = y.ratio?.display ?? "—（无中央资金）"
                if md {
                    out.append("| \(y.year) | " + y.bySource.map(\.display).joined(separator: " | ")
                               + " | \(y.unattributed.display) | \(ratio) | \(y.localRequired.display) | \(y.shortfall.display) |")
                } else {
                    let by = zip(report.sourceLabels, y.bySource).map { "\(esc($0)) \($1.display)" }.joined(separator: " · ")
                    out.append("  \(y.year) \(by) · 未注明来源 \(y.unattributed.display)")
                    out.append("       地方÷中央 \(ratio)，应配套 \(y.localRequired.display)，实际 \(y.local.display)，缺口 \(y.shortfall.display)")
                }
            }
            out.append("")
        }
        out.append(md ? "## 预算执行" : "预算执行")
        out.append("")
        for (title, list) in [("按支持事项", report.byItem), ("按区县", report.byDistrict)] {
            out.append(md ? "### \(title)" : "  \(title)")
            if md {
                out.append("")
                out.append("| \(title.dropFirst()) | 案件 | 决定金额 | 已拨付 | 执行率 |")
                out.append("| --- | --- | --- | --- | --- |")
            }
            for e in list {
                let rate = Self.progress(.money(e.paid), .money(e.granted)) ?? "—"
                out.append(md ? "| \(esc(e.label)) | \(e.cases) | \(e.granted.display) | \(e.paid.display) | \(rate) |"
                              : "    \(esc(e.label)) \(e.cases) 件 · 决定 \(e.granted.display) · 已拨付 \(e.paid.display)（\(rate)）")
            }
            out.append("")
        }
        for projection in [false, true] where report.byItem.contains(where: { $0.ceiling != nil && $0.projection == projection }) {
            ceilings(&out, projection: projection)
        }
        if !report.monthly.isEmpty {
            out.append(md ? "### 按月拨付" : "  按月拨付")
            if md {
                out.append("")
                out.append("| 月份 | " + report.sourceLabels.map(esc).joined(separator: " | ") + " | 未注明来源 | 合计 |")
                out.append("|" + String(repeating: " --- |", count: 3 + report.sourceLabels.count))
            }
            for m in report.monthly {
                let total = (m.bySource + [m.unattributed]).reduce(Money.zero) { $0.adding($1) ?? $0 }
                out.append(md ? "| \(m.month) | " + m.bySource.map(\.display).joined(separator: " | ") + " | \(m.unattributed.display) | \(total.display) |"
                              : "    \(m.month) \(total.display)")
            }
            out.append("")
        }
        if !report.notes.isEmpty {
            out.append(md ? "## 备注" : "备注")
            for n in report.notes { out.append(md ? "- \(esc(n))" : "  \(esc(n))") }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// Each item against its ceiling (a sum the measures set), or against its projection (a cap
    /// per award times an indicator's minimum target: 预计规模, never a ceiling, never 超出上限),
    /// in all and per year: decided and paid, and their shares.
    func ceilings(_ out: inout [String], projection: Bool) {
        let md = style == .markdown
        func share(_ p: Percent?) -> String { p?.display ?? "—" }
        let items = report.byItem.filter { $0.ceiling != nil && $0.projection == projection }
        let word = projection ? "预计规模" : "上限"
        out.append(projection ? (md ? "### 预计规模（每项上限 × 指标目标，仅供参考）" : "  预计规模（每项上限 × 指标目标；指标为最低目标，非支出上限）")
                              : (md ? "### 对照支出上限" : "  对照支出上限（办法所定总额）"))
        if md {
            out.append("")
            if projection { out.append("指标目标为最低目标（「以上」），每项上限是对每一笔资助的限额：两者相乘是预计规模，不是支出上限。") ; out.append("") }
            out.append("| 支持事项 | 年度 | \(word) | 决定金额 | 决定占\(word) | 已拨付 | 拨付占\(word) |")
            out.append("| --- | --- | --- | --- | --- | --- | --- |")
        }
        for e in items {
            let ceiling = e.ceiling?.display ?? "—"
            let over = e.overCeiling ? " 超出上限" : ""
            if md {
                out.append("| \(esc(e.label)) | 合计 | \(ceiling) | \(e.granted.display) | \(share(e.grantedShare))\(over) | \(e.paid.display) | \(share(e.paidShare)) |")
            } else {
                out.append("    \(esc(e.label)) \(word) \(ceiling)" + (e.ceilingBasis.map { "（\(esc($0))）" } ?? ""))
                out.append("      合计 决定 \(e.granted.display)（\(share(e.grantedShare))）· 已拨付 \(e.paid.display)（\(share(e.paidShare))）"
                           + (e.overCeiling ? " · 超出上限" : ""))
            }
            for y in e.years {
                let c = y.ceiling?.display ?? "—"
                let yOver = !projection && y.overCeiling
                out.append(md ? "| \(esc(e.label)) | \(y.year) | \(c) | \(y.granted.display) | \(share(y.grantedShare))\(yOver ? " 超出上限" : "") | \(y.paid.display) | \(share(y.paidShare)) |"
                              : "      \(y.year) \(word) \(c) · 决定 \(y.granted.display)（\(share(y.grantedShare))）· 已拨付 \(y.paid.display)（\(share(y.paidShare))）"
                                + (yOver ? " · 超出上限" : ""))
            }
        }
        if md {
            out.append("")
            for e in items { if let b = e.ceilingBasis { out.append("- \(esc(e.label))：\(esc(b))") } }
        }
        out.append("")
    }

    /// Where a row's figure comes from, in words.
    func sourceText(_ r: ProgrammeReport.Row) -> String {
        var s: String
        switch r.status {
        case .counted: s = "基金记录"
        case .reported: s = "市工信局报告"
        case .unknown(let why): s = "无法计算：\(esc(why))"
        }
        if !r.sources.isEmpty { s += "（" + r.sources.map(esc).joined(separator: "；") + "）" }
        if r.undetermined > 0 {
            s += "；\(r.undetermined) 条记录缺少事实无法判断（\(r.missingFacts.map(esc).joined(separator: "、"))）"
        }
        if let parts = Self.partsText(r) { s += "；" + esc(parts) }
        return s
    }

    /// A row counted per value of its `per` fact, in words (unescaped): 「按试点行业：风机 3 ÷ 160 =
    /// 1.88% · 机床 2（分母未填报）」; nil for a row that is one figure.
    package static func partsText(_ r: ProgrammeReport.Row) -> String? {
        guard let per = r.indicator.per else { return nil }
        let label = per.path == "applicant.sector" ? "按试点行业" : "按 \(per.path)"
        guard !r.parts.isEmpty else { return "\(label)：尚无记录" }
        let isShare: Bool = { if case .share = r.indicator.measure { return true }; return false }()
        return "\(label)：" + r.parts.map { p in
            guard isShare else { return "\(p.label) \(figure(p.count))" }
            guard let whole = p.whole else { return "\(p.label) \(figure(p.count))（分母未填报）" }
            return "\(p.label) \(figure(p.count)) ÷ \(figure(whole)) = \(figure(p.achieved))"
        }.joined(separator: " · ")
    }

    /// 125% as 1.25.
    package static func ratioText(_ p: Percent) -> String {
        let whole = p.millionths / 1_000_000
        var frac = p.millionths % 1_000_000
        guard frac != 0 else { return "\(whole)" }
        var digits = 6
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: digits - f.count) + f
    }
}
