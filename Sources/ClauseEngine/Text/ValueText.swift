import ClauseLanguage
import ClauseSyntax

/// The language a reviewer reads: Chinese by default, English on request.
public enum Lang: String, Sendable, CaseIterable {
    case zh, en
}

/// Values as people read them: `¥190,000.00`, `50%`, enum values by their Chinese label.
package struct ValueText: Sendable {
    package let policy: Policy
    package let lang: Lang

    package init(policy: Policy, lang: Lang) {
        self.policy = policy
        self.lang = lang
    }

    package func format(_ v: Value, _ type: ValueType? = nil) -> String {
        switch v {
        case .bool(let b): return lang == .zh ? (b ? "是" : "否") : (b ? "yes" : "no")
        case .int(let n): return String(n)
        case .money(let m): return m.display
        case .percent(let p): return p.display
        case .date(let d): return d.iso
        case .period(let p): return lang == .zh ? "\(p.start.iso) 至 \(p.end.iso)" : "\(p.start.iso) to \(p.end.iso)"
        case .duration(let d): return lang == .zh ? d.displayZh : d.display
        case .text(let t): return TerminalText.escape(t)  // a tab or line feed of free text, shown
        case .enumCase(let t, let i):
            let c = policy.enums[t].cases[i]
            return lang == .zh ? c.label : (c.labelEn ?? c.name)
        case .list(let items):
            var element: ValueType?
            if case .list(let e)? = type { element = e }
            return "[" + items.map { format($0, element) }.joined(separator: lang == .zh ? "、" : ", ") + "]"
        case .record(let fields):
            guard case .record(let r)? = type?.unwrapped else { return "{…}" }
            return recordSummary(fields, policy.records[r])
        case .table(let t):
            var keyType: ValueType?, valueType: ValueType?
            if case .table(let k, let v)? = type { (keyType, valueType) = (k, v) }
            var rows = t.rows.map { r -> String in
                let key: String
                switch r.key {
                case .int(let n): key = String(n)
                case .ints(let lo, let hi): key = "\(lo)..\(hi)"
                case .enumCase(let i):
                    if case .enumeration(let e)? = keyType { key = format(.enumCase(type: e, index: i)) } else { key = String(i) }
                }
                return "\(key): \(format(r.value, valueType))"
            }
            if let d = t.fallback { rows.append("\(lang == .zh ? "默认" : "default"): \(format(d, valueType))") }
            return "{" + rows.joined(separator: lang == .zh ? "；" : "; ") + "}"
        case .none: return lang == .zh ? "无" : "none"
        }
    }

    /// A record in one line: its text fields and amounts, as a reviewer would name an expense.
    package func recordSummary(_ fields: [Value?], _ schema: RecordSchema) -> String {
        var parts: [String] = []
        for (i, f) in schema.fields.enumerated() {
            guard let v = fields[i] else { continue }
            parts.append("\(label(f))\(lang == .zh ? "：" : ": ")\(format(v, f.type))")
        }
        return parts.joined(separator: lang == .zh ? "，" : ", ")
    }

    package func label(_ f: Field) -> String { lang == .zh ? f.label : (f.labelEn ?? f.name) }
}

/// Fills a rule's message template with the values of its holes.
package struct MessageRenderer {
    let policy: Policy

    package init(policy: Policy) { self.policy = policy }

    package func render(_ template: MessageTemplate, _ ev: inout Evaluator, lang: Lang) -> String {
        let text = ValueText(policy: policy, lang: lang)
        var out = ""
        for part in template.parts {
            switch part {
            case .text(let s): out += s
            case .value(let e):
                var none: [TraceNode]? = nil
                switch ev.eval(e, &none) {
                case .value(let v): out += text.format(v, e.type)
                case .missing: out += lang == .zh ? "（未知）" : "(unknown)"
                case .failed: out += "?"
                }
            }
        }
        return out
    }
}
