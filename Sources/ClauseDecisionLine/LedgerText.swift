import ClauseEngine
import ClauseLanguage

/// How a decision says what it counted from the fund's record (`ledger:`): the figures and the
/// recorded grants behind each, or that no record was consulted. Text, Markdown and JSON share
/// these words and this selection, so they never disagree.
package enum LedgerText {
    package static func title(_ lang: Lang) -> String { lang == .zh ? "基金记录" : "Fund record" }

    /// The figures worth a line: those that counted something bearing on the case. Zero
    /// figures say nothing a reviewer needs, and the rule checks show them where a rule used them.
    static func shown(_ use: LedgerUse) -> [LedgerUse.Figure] { use.figures.filter { !$0.counted.isEmpty } }

    /// The figures the JSON line keeps: every one that is not zero, so that `why` and `replay`
    /// decide again on exactly what was counted, including a programme-wide figure whose grants
    /// are not listed for this case (it does not meet the figure's literal conditions).
    static func kept(_ use: LedgerUse) -> [LedgerUse.Figure] {
        use.figures.filter { f in
            guard f.counted.isEmpty else { return true }
            switch f.value {
            case .money(let m): return m.fen != 0
            case .int(let n): return n != 0
            default: return true
            }
        }
    }

    /// One line per figure that counted grants, or one line saying nothing was counted, or that
    /// no record was consulted. Empty for a package without `ledger:`.
    package static func lines(_ d: Decision, policy: Policy, lang: Lang) -> [String] {
        guard !policy.ledger.isEmpty else { return [] }
        let zh = lang == .zh
        guard let use = d.ledger, use.consulted else {
            return [zh ? "未查询基金记录（未使用决定库）：仅依据本案填报的事实"
                       : "no fund record was consulted (no decision store): only this case's own facts counted"]
        }
        let figures = shown(use)
        guard !figures.isEmpty else {
            return [zh ? "已查询基金记录：没有计入本案的在先支持决定" : "fund record consulted: no earlier grant counts for this case"]
        }
        return figures.map { f in
            let cited = policy.ledger.first { $0.name == f.name }.map { $0.clauses.isEmpty ? [$0.clause] : $0.clauses } ?? [f.clause]
            let cite = cited.map { policy.cite($0) ?? $0 }.joined(separator: zh ? "、" : ", ")
            let label = zh ? f.label : (f.labelEn ?? f.label)
            var cases = f.counted.map { e in
                let revoked = e.revoked ? (zh ? "（已撤销，不再计入）" : " (revoked since: no longer counts)") : ""
                // A figure of one part says what each grant paid under it.
                let part = measure(f, policy).flatMap { e.partAmount(for: $0) }
                    .map { zh ? "（其中本项 \($0.display)）" : " (\($0.display) of it counted)" } ?? ""
                return zh ? "\(e.caseID)（\(e.asOf.iso)）\(e.amount.display)\(part)\(revoked)" : "\(e.caseID) (\(e.asOf.iso)) \(e.amount.display)\(part)\(revoked)"
            }.joined(separator: zh ? "；" : "; ")
            if f.isCut {
                cases += zh ? "（共 \(f.grants) 项，列出最近和金额最大的 \(f.counted.count) 项；clause ledger 列出全部）"
                    : " (\(f.grants) grants; the latest and largest \(f.counted.count) named; clause ledger lists them all)"
            }
            let text = ValueText(policy: policy, lang: lang)
            var room = ""
            // A limit that depends on the case was evaluated with the figure.
            if let m = measure(f, policy), let limit = f.limit ?? policy.limit(of: m, on: d.asOf), let left = Policy.room(limit: limit, figure: f.value) {
                room = zh ? "（上限 \(text.format(limit))，余额 \(text.format(left))）" : " (limit \(text.format(limit)), room left \(text.format(left)))"
            }
            return "[\(cite)] \(label) = \(text.format(f.value))\(room)\(zh ? "：" : ": ")\(cases)"
        }
    }

    /// The package's measure a figure was counted by.
    private static func measure(_ f: LedgerUse.Figure, _ policy: Policy) -> LedgerMeasure? {
        policy.ledger.first { $0.name == f.name }
    }

    /// A ledger value as the contract's JSON writes it: amounts as yuan strings, counts as text,
    /// an enum by its case name, a date as ISO (the figures, their limits and the keys they match).
    package static func plain(_ v: Value, policy: Policy) -> String {
        switch v {
        case .money(let m): m.plain
        case .int(let n): String(n)
        case .text(let t): t
        case .enumCase(let type, let index): policy.enums[type].cases[index].name
        case .date(let d): d.iso
        default: String(describing: v)
        }
    }

    /// The `ledger` object of the JSON line, for a package with `ledger:` only.
    package static func write(_ d: Decision, policy: Policy, _ w: inout JSONWriter) {
        guard !policy.ledger.isEmpty else { return }
        w.key("ledger")
        w.beginObject()
        let use = d.ledger ?? .notConsulted
        w.field("consulted", use.consulted)
        w.key("figures")
        w.beginArray()
        for f in kept(use) {
            w.beginObject()
            w.field("name", f.name)
            w.field("label", f.label)
            w.field("clause", f.clause)
            w.field("value", plain(f.value, policy: policy))
            if let m = measure(f, policy), let limit = policy.limit(of: m, on: d.asOf), let left = policy.room(of: m, figure: f.value, on: d.asOf) {
                w.field("limit", plain(limit, policy: policy))
                w.field("room", plain(left, policy: policy))
            }
            // Only a cut list says how many there were, so lines recorded before lists were cut
            // are written again byte for byte.
            if f.isCut { w.field("grants", f.grants) }
            w.key("cases")
            w.beginArray()
            for e in f.counted {
                w.beginObject()
                w.field("case", e.caseID)
                if let id = e.decisionID { w.field("decision", Int(id)) } else { w.key("decision"); w.null() }
                w.field("as_of", e.asOf.iso)
                w.field("amount", e.amount.plain)
                if e.revoked { w.field("revoked", true) }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
