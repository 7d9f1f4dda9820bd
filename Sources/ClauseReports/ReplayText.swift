import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseWorkflows

/// A replay as a reviewer reads it, in Chinese or English: where the case stands, each step with
/// its clause and what its guard saw, every violation, who may do what next.
package enum ReplayText {
    package static func render(_ r: CaseReplay, lang: Lang, steps: Bool = true) -> String {
        let zh = lang == .zh
        func cite(_ id: String) -> String { r.policy.cite(id) ?? id }
        func label(_ s: WorkflowState) -> String { zh ? s.label : (s.labelEn ?? s.name) }
        var out = "\(TerminalText.escape(r.caseID))  " + (zh ? "状态：" : "state: ") + "\(label(r.state)) (\(r.state.name), \(cite(r.state.clause)))\n"
        if r.states.count > 1 {
            for (m, s) in r.states.dropFirst() { out += "  \(m): \(label(s)) (\(s.name))\n" }
        }
        if steps && !r.steps.isEmpty {
            out += zh ? "办理经过：\n" : "steps:\n"
            for s in r.steps {
                out += "  [\(s.index)] \(s.on.iso) \(s.event): \(s.from) → \(s.to)  \(cite(s.clause))"
                if let g = s.guardText {
                    let values = s.guardValues.map { "\($0.text) = \($0.value)" }.joined(separator: zh ? "，" : ", ")
                    out += zh ? "  条件 \(g)：\(values)" : "  guard \(g): \(values)"
                    if !s.guardHeld { out += zh ? "（不满足）" : " (does not hold)" }
                }
                if !s.allowed { out += zh ? "  未按程序办理，仍计入已拨付" : "  out of order, still counted as paid" }
                out += "\n"
            }
        }
        if r.violations.isEmpty {
            out += zh ? "违规：无\n" : "violations: none\n"
        } else {
            out += zh ? "违规（\(r.violations.count)）：\n" : "violations (\(r.violations.count)):\n"
            for v in r.violations {
                let at = v.event.map { "[\($0)] " } ?? ""
                var mended = ""
                if let c = v.correctedBy {
                    let why = v.correctionReason.map { zh ? "：\($0)" : ": \($0)" } ?? ""
                    mended = zh ? "（已由 [\(c)] 纠正\(why)）" : " (corrected by [\(c)]\(why))"
                }
                out += "  \(v.correctedBy == nil ? "✗" : "✓") \(cite(v.clause)) \(at)\(zh ? v.message : v.messageEn)\(mended)\n"
            }
        }
        if !r.findings.isEmpty {
            out += zh ? "日程（工作方案的时间安排，不计为申报单位违规）：\n" : "schedule (the work plan's timetable, not the applicant's violation):\n"
            for v in r.findings {
                let at = v.event.map { "[\($0)] " } ?? ""
                out += "  ◦ \(cite(v.clause)) \(at)\(zh ? v.message : v.messageEn)\n"
            }
        }
        if r.paid != .zero {
            out += zh ? "已拨付：合计 \(r.paid.display)\n" : "paid: \(r.paid.display) in all\n"
        }
        if r.clawback != .zero || r.banUntil != nil {
            out += zh ? "后果：收回 \(r.clawback.display)" : "effects: claw back \(r.clawback.display)"
            if let b = r.banUntil { out += zh ? "；列入黑名单至 \(b.iso)" : "; banned through \(b.iso)" }
            out += "\n"
        }
        for p in r.pending {
            out += zh ? "期限：\(p.deadline.label) — \(p.deadline.event) 不晚于 \(p.due.iso)（\(cite(p.deadline.clause))）\n"
                : "deadline: \(p.deadline.labelEn ?? p.deadline.label) — \(p.deadline.event) by \(p.due.iso) (\(cite(p.deadline.clause)))\n"
        }
        out += zh ? "下一步：\n" : "next:\n"
        for (role, events) in r.next {
            let names = events.map { e in zh ? "\(e.name)（\(e.label)）" : (e.labelEn.map { "\(e.name) (\($0))" } ?? e.name) }
            out += "  \(zh ? role.label : (role.labelEn ?? role.name)) [\(role.name)]: "
                + (names.isEmpty ? "—" : names.joined(separator: zh ? "、" : ", ")) + "\n"
        }
        return out
    }
}
