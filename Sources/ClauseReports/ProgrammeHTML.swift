import ClauseEngine
import ClauseLanguage

/// `clause report --format html`: one self-contained page (no script, no remote file), its
/// charts drawn as inline SVG by `SVGChart`, readable printed (A4, black on white, numbers on
/// every bar). Every text is escaped here, at the HTML boundary.
package enum ProgrammeHTML {
    static let style = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:24px auto;max-width:1000px;color:#222;line-height:1.45}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #1f5fa8;padding-bottom:3px;margin-top:28px}
        h3{font-size:15px;margin:18px 0 6px}.meta{color:#555;font-size:13px}
        table{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
        th{background:#eef3fa;text-align:left}td.n,td.cite{white-space:nowrap}td.n{text-align:right}.why{color:#a33}.src{color:#555;font-size:11.5px}
        .ax{font-size:11px;fill:#444}.num{font-size:11px;fill:#222}.ok{color:#2d7d46}.short{color:#b8423c;font-weight:bold}
        figure{margin:8px 0;break-inside:avoid}figcaption{font-size:12px;color:#555}
        @media print{body{margin:0;max-width:none}h2{break-after:avoid}tr,figure{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        @page{size:A4;margin:14mm}
        """

    package static func render(_ r: ProgrammeReport) -> String {
        let e = HTMLText.escape
        let p = r.policy
        var h = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<title>\(e(p.title))：试点工作进展报告（截至 \(r.asOf.iso)）</title><style>\(style)</style></head><body>\n"
        h += "<h1>\(e(p.title))：试点工作进展报告</h1>\n"
        h += "<p class=\"meta\">政策 \(e(p.id)) · 版本 \(e(p.version)) · 截至 \(r.asOf.iso) · 基金记录：\(r.cases) 个案件，\(r.grants) 项予以支持，"
            + "\(r.payments) 笔拨付共 \(e(r.paid.display))</p>\n"

        h += "<h2>指标完成情况（指标体系表）</h2>\n<table><thead><tr><th>序号</th><th>指标</th>"
        for y in r.years { h += "<th>\(y)年 目标</th><th>\(y)年 完成</th>" }
        h += "<th>目标合计</th><th>完成合计</th><th>目标与完成</th></tr></thead><tbody>\n"
        for row in r.rows {
            h += "<tr id=\"\(e(row.indicator.name))\"><td class=\"cite\">\(e(row.cite))</td><td>\(e(row.indicator.label))"
            h += "<div class=\"src\">\(sourceHTML(row))</div></td>"
            for y in row.years { h += "<td class=\"n\">\(e(ProgrammeText.figure(y.target)))</td><td class=\"n\">\(e(ProgrammeText.figure(y.achieved)))</td>" }
            h += "<td class=\"n\">\(e(row.indicator.total.indicatorText))</td><td class=\"n\">\(e(ProgrammeText.figure(row.achieved)))"
            if let pr = ProgrammeText.progress(row.achieved, row.indicator.total) { h += "<br><span class=\"src\">\(e(pr))</span>" }
            h += "</td><td>"
            if case .unknown = row.status {
                h += "<span class=\"why\">无法计算</span>"
            } else {
                let bars = row.years.map { y in
                    (label: "\(y.year)", target: y.target.flatMap(number), achieved: y.achieved.flatMap(number),
                     targetText: ProgrammeText.figure(y.target), achievedText: ProgrammeText.figure(y.achieved))
                } + [(label: "合计", target: number(row.indicator.total), achieved: row.achieved.flatMap(number),
                      targetText: row.indicator.total.indicatorText, achievedText: ProgrammeText.figure(row.achieved))]
                h += SVGChart.targetBars(years: bars, title: "\(row.cite) 目标与完成")
            }
            h += "</td></tr>\n"
        }
        h += "</tbody></table>\n"

        if let plan = p.funding {
            let cite = p.cite(plan.clause) ?? plan.clause
            h += "<h2>资金来源与地方配套（\(e(cite))）</h2>\n"
            if let text = p.clause(plan.clause)?.text { h += "<p class=\"src\">「\(e(text))」</p>\n" }
            h += "<p>地方配套资金 ÷ 中央财政资金 应不低于 \(e(plan.localPerCentral.display))（1：\(e(ProgrammeText.ratioText(plan.localPerCentral)))）。</p>\n"
            if r.funding.isEmpty {
                h += "<p>尚无拨付记录。</p>\n"
            } else {
                h += "<table><thead><tr><th>年度</th>" + r.sourceLabels.map { "<th>\(e($0))</th>" }.joined()
                    + "<th>未注明来源</th><th>地方 ÷ 中央</th><th>应配套地方资金</th><th>缺口</th></tr></thead><tbody>\n"
                for y in r.funding {
                    h += "<tr><td>\(y.year)</td>" + y.bySource.map { "<td class=\"n\">\(e($0.display))</td>" }.joined()
                    h += "<td class=\"n\">\(e(y.unattributed.display))</td><td class=\"n\">\(e(y.ratio?.display ?? "—"))</td>"
                    h += "<td class=\"n\">\(e(y.localRequired.display))</td>"
                    h += "<td class=\"n \(y.shortfall.fen > 0 ? "short" : "ok")\">\(e(y.shortfall.display))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            if !r.monthly.isEmpty {
                let series = r.sourceLabels.enumerated().map { SVGChart.Series(label: $1, color: SVGChart.palette[$0 % SVGChart.palette.count]) }
                    + [SVGChart.Series(label: "未注明来源", color: "#aaaaaa")]
                let columns = r.monthly.map { (label: $0.month, values: ($0.bySource + [$0.unattributed]).map(\.fen)) }
                h += "<figure>" + SVGChart.stackedBars(columns: columns, series: series, title: "按月拨付（按资金来源）")
                    + "<figcaption>按月拨付金额（万元），按资金来源堆叠</figcaption></figure>\n"
            }
        }

        h += "<h2>预算执行</h2>\n"
        for (title, list) in [("按支持事项", r.byItem), ("按区县", r.byDistrict)] {
            h += "<h3>\(title)</h3>\n<table><thead><tr><th>\(title.dropFirst())</th><th>案件</th><th>决定金额</th><th>已拨付</th><th>执行率</th></tr></thead><tbody>\n"
            for x in list {
                h += "<tr><td>\(e(x.label))</td><td class=\"n\">\(x.cases)</td><td class=\"n\">\(e(x.granted.display))</td>"
                h += "<td class=\"n\">\(e(x.paid.display))</td><td class=\"n\">\(e(ProgrammeText.progress(.money(x.paid), .money(x.granted)) ?? "—"))</td></tr>\n"
            }
            h += "</tbody></table>\n"
        }
        let capped = r.byItem.filter { $0.ceiling != nil && !$0.projection }
        if !capped.isEmpty { h += ceilingsHTML(capped, projection: false) }
        let projected = r.byItem.filter { $0.ceiling != nil && $0.projection }
        if !projected.isEmpty { h += ceilingsHTML(projected, projection: true) }
        if !capped.isEmpty {
            let rows = capped.map { (label: $0.label, outline: $0.ceiling!.fen, filled: $0.granted.fen) }
            h += "<figure>" + SVGChart.pairedBars(rows: rows, outlineLabel: "支出上限", filledLabel: "决定金额", title: "按支持事项：决定与上限")
                + "<figcaption>按支持事项：决定金额（实心）与支出上限（虚线），万元</figcaption></figure>\n"
        }
        if !r.byDistrict.isEmpty {
            let rows = r.byDistrict.map { (label: $0.label, outline: $0.granted.fen, filled: $0.paid.fen) }
            h += "<figure>" + SVGChart.pairedBars(rows: rows, outlineLabel: "决定金额", filledLabel: "已拨付", title: "按区县：决定与拨付")
                + "<figcaption>按区县：已拨付（实心）与决定金额（虚线），万元</figcaption></figure>\n"
        }
        if !r.notes.isEmpty {
            h += "<h2>备注</h2><ul>" + r.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        h += "</body></html>\n"
        return h
    }

    /// Each item against its ceiling: for each year and in all, the ceiling, decided, paid and
    /// their shares of the ceiling; the basis (cap × target) under the item's name.
    /// A projection (cap per award × an indicator's minimum target) is labelled 预计规模 and
    /// never marked 超出上限.
    static func ceilingsHTML(_ items: [ProgrammeReport.Execution], projection: Bool) -> String {
        let e = HTMLText.escape
        func share(_ p: Percent?) -> String { e(p?.display ?? "—") }
        let word = projection ? "预计规模" : "上限"
        var h = projection
            ? "<h3>预计规模（每项上限 × 指标目标，仅供参考）</h3>\n<p class=\"src\">指标目标为最低目标（「以上」），每项上限是对每一笔资助的限额：两者相乘是预计规模，不是支出上限。</p>\n"
            : "<h3>对照支出上限（办法所定总额）</h3>\n"
        h += "<table><thead><tr><th>支持事项</th><th>年度</th><th>\(word)</th>"
            + "<th>决定金额</th><th>决定占\(word)</th><th>已拨付</th><th>拨付占\(word)</th></tr></thead><tbody>\n"
        for x in items {
            let span = x.years.count + 1
            h += "<tr><td rowspan=\"\(span)\">\(e(x.label))"
            if let b = x.ceilingBasis { h += "<div class=\"src\">\(e(b))</div>" }
            h += "</td><td>合计</td><td class=\"n\">\(e(x.ceiling?.display ?? "—"))</td><td class=\"n\">\(e(x.granted.display))</td>"
            h += "<td class=\"n\(x.overCeiling ? " short" : "")\">\(share(x.grantedShare))\(x.overCeiling ? " 超出上限" : "")</td><td class=\"n\">\(e(x.paid.display))</td><td class=\"n\">\(share(x.paidShare))</td></tr>\n"
            for y in x.years {
                h += "<tr><td>\(y.year)</td><td class=\"n\">\(e(y.ceiling?.display ?? "—"))</td><td class=\"n\">\(e(y.granted.display))</td>"
                let over = !projection && y.overCeiling
                h += "<td class=\"n\(over ? " short" : "")\">\(share(y.grantedShare))\(over ? " 超出上限" : "")</td><td class=\"n\">\(e(y.paid.display))</td><td class=\"n\">\(share(y.paidShare))</td></tr>\n"
            }
        }
        return h + "</tbody></table>\n"
    }

    /// A figure as a number for a bar: counts as they are, money in yuan, percentages in percent.
    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .money(let m): Double(m.fen) / 100
        case .percent(let p): Double(p.millionths) / 10_000
        default: nil
        }
    }

    static func sourceHTML(_ r: ProgrammeReport.Row) -> String {
        let e = HTMLText.escape
        var s: String
        switch r.status {
        case .counted: s = "来源：基金记录"
        case .reported: s = "来源：市工信局报告"
        case .unknown(let why): s = "<span class=\"why\">无法计算：\(e(why))</span>"
        }
        if !r.sources.isEmpty { s += "（" + r.sources.map(e).joined(separator: "；") + "）" }
        if r.undetermined > 0 {
            s += "；<span class=\"why\">\(r.undetermined) 条记录缺少事实无法判断（\(e(r.missingFacts.joined(separator: "、")))）</span>"
        }
        if let parts = ProgrammeText.partsText(r) { s += "<br>" + e(parts) }
        return s
    }
}
