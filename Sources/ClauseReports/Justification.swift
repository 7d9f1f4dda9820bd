import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage

/// What `clause explain` shows a reviewer, before it is laid out as text or Markdown: the
/// decision, each applied clause with its verbatim text, the arithmetic, every rule's finding.
package struct Justification: Sendable {
    /// One rule's reason, with every clause it cites (a rule citing 第九条 and 第九条第（一）项 is
    /// one reason, not two lines saying the same).
    package struct Reason: Sendable {
        /// Clause ids, `art9, art9.1`.
        package var clause: String
        /// Citations, `第九条、第九条第（一）项`.
        package var cite: String
        package var rule: String
        package var effect: Decision.Reason.Effect
        package var message: String
        /// Each clause's verbatim text, except those an earlier reason already quoted.
        package var quotes: [Quote]
        /// What would have to change, checked against the remedies (`RemedyText.fix`).
        package var fix: String?
        /// An award over its cap: the cap is the amount (said in `message`).
        package var capped = false
    }

    package struct Quote: Sendable {
        package var clause: String
        package var cite: String
        package var text: String
    }

    /// One line of the calculation, indented by `depth`.
    package struct Line: Sendable {
        package var depth: Int
        package var text: String
    }

    package struct Check: Sendable {
        /// Whether the rule decided the outcome: refused, waited for facts, awarded or sent to review.
        package var deciding: Bool = false
        package var symbol: String
        package var cite: String
        package var rule: String
        package var message: String
        /// Missing facts for a pending rule; what would have to change for a refusal.
        package var details: [String]
    }

    package var caseID: String
    package var title: String
    package var version: String
    /// The first 12 hex digits of the policy digest.
    package var digest: String
    package var item: String?
    package var asOf: String
    package var outcome: String
    /// The amount, for a granted decision.
    package var amount: String?
    package var reasons: [Reason]
    package var consequences: [String]
    package var missing: [String]
    package var calculation: [Line]
    package var checks: [Check]

    package init(_ d: Decision, policy: Policy, lang: Lang) {
        let r = TraceReader(policy: policy, lang: lang)
        caseID = d.caseID
        title = lang == .en && d.policyID == policy.id ? (policy.titleEn ?? d.policyTitle) : d.policyTitle
        version = d.policyVersion
        let hex = d.policyDigest.hasPrefix("sha256:") ? d.policyDigest.dropFirst(7) : d.policyDigest[...]
        digest = String(hex.prefix(12))
        item = r.itemLabel(d)
        asOf = d.asOf.iso
        outcome = OutcomeWords.outcome(d.outcome, lang)
        amount = d.outcome == .granted ? d.amount.display : nil

        var quoted: Set<String> = []
        reasons = Justification.grouped(d.reasons).map { group in
            let first = group[0]
            var quotes: [Quote] = []
            for reason in group where !quoted.contains(reason.clause) && reason.effect != .cap {
                guard let c = policy.clause(reason.clause) else { continue }
                quotes.append(Quote(clause: reason.clause, cite: reason.cite, text: c.text))
                quoted.insert(reason.clause)
            }
            let fix = first.effect == .refuse || first.effect == .needs ? RemedyText.fix(rule: first.rule, d, policy: policy, lang: lang) : nil
            var message = lang == .en ? (first.messageEn ?? first.message) : first.message
            if first.effect == .award && Justification.capped(group) { message += (lang == .zh ? "；" : "; ") + r.word(.capApplied) }
            return Reason(clause: Justification.clauseIDs(group), cite: Justification.cites(group, lang),
                          rule: first.rule, effect: first.effect, message: message, quotes: quotes, fix: fix,
                          capped: Justification.capped(group))
        }
        consequences = Justification.consequences(d, r)
        missing = d.missing.map(r.missingFact)
        calculation = Justification.calculation(d, r)
        checks = d.rules.map { rt in
            var c = Justification.check(rt, r)
            c.deciding = d.reasons.contains { $0.rule == rt.rule }
            return c
        }
        // Under a refusal, the hint checked against the remedies: it never promises a grant the
        // rules would refuse (applying after a ban that ends after the measures do).
        if d.remedies != nil {
            for k in d.rules.indices where OutcomeWords.refuses(d.rules[k]) {
                let stated = lang == .en ? (d.rules[k].fixEn ?? d.rules[k].fix) : d.rules[k].fix
                if let fix = RemedyText.fix(rule: d.rules[k].rule, d, policy: policy, lang: lang), fix != stated, stated != nil {
                    checks[k].details = [fix]
                }
            }
        }
    }

    /// Every rule checked, or only those that decided (`--only-deciding`).
    package func checks(onlyDeciding: Bool) -> [Check] {
        onlyDeciding ? checks.filter(\.deciding) : checks
    }

    /// The decision's reasons, one group per rule, each clause once: the JSON keeps a reason per
    /// clause (and the cap apart from the award), people read one line per rule.
    package static func grouped(_ reasons: [Decision.Reason]) -> [[Decision.Reason]] {
        var groups: [[Decision.Reason]] = []
        for r in reasons {
            if let last = groups.last?.last, last.rule == r.rule {
                if !groups[groups.count - 1].contains(where: { $0.clause == r.clause && $0.effect == r.effect }) {
                    groups[groups.count - 1].append(r)
                }
            } else {
                groups.append([r])
            }
        }
        return groups
    }

    /// Whether the group's award was capped (the rule also gave a `cap` reason).
    package static func capped(_ group: [Decision.Reason]) -> Bool { group.contains { $0.effect == .cap } }

    /// `第九条、第九条第（一）项`: each clause of the group once.
    package static func cites(_ group: [Decision.Reason], _ lang: Lang) -> String {
        var seen: Set<String> = []
        return group.filter { seen.insert($0.clause).inserted }.map(\.cite).joined(separator: lang == .zh ? "、" : ", ")
    }

    /// `art9, art9.1`: each clause id of the group once.
    package static func clauseIDs(_ group: [Decision.Reason]) -> String {
        var seen: Set<String> = []
        return group.filter { seen.insert($0.clause).inserted }.map(\.clause).joined(separator: ", ")
    }

    static func consequences(_ d: Decision, _ r: TraceReader) -> [String] {
        var out: [String] = []
        if d.consequences.clawback.fen != 0 { out.append("\(r.word(.clawback)) \(d.consequences.clawback.display)") }
        if let until = d.consequences.blacklistedUntil { out.append("\(r.word(.blacklistedUntil)) \(until.iso)") }
        return out
    }

    /// The definitions with their arithmetic and elements, then each award rule's amount and cap.
    static func calculation(_ d: Decision, _ r: TraceReader) -> [Line] {
        var lines: [Line] = []
        var shownAggregations: Set<String> = []
        var shownLookups: Set<String> = []
        func explainValue(_ node: TraceNode, depth: Int) {
            if let f = r.formula(node) { lines.append(Line(depth: depth, text: f)) }
            // `max(cap - granted, 0元)`: the arithmetic inside a floor or a ceiling still shows.
            if node.kind.isExtremum {
                for child in node.children where r.formula(child) != nil { explainValue(child, depth: depth) }
            }
            // The row of each table read: `改造补贴上限（按等级） [3] = ¥600,000.00（改造后数字化水平等级 = 3）`.
            for lookup in r.lookups(node) where !shownLookups.contains(lookup.text) {
                shownLookups.insert(lookup.text)
                lines.append(Line(depth: depth, text: r.lookupLine(lookup)))
            }
            for agg in r.aggregations(node) where !shownAggregations.contains(agg.text) {
                shownAggregations.insert(agg.text)
                if agg.text != node.text { lines.append(Line(depth: depth, text: "\(TraceReader.oneLine(agg.text)) = \(r.value(agg))")) }
                for e in r.elementLines(agg) { lines.append(Line(depth: depth + 1, text: e)) }
            }
        }
        // A money result below zero is stated, never passed over: check warns where it can happen.
        func negative(_ node: TraceNode, _ what: String, depth: Int) {
            guard case .value(.money(let m)) = node.result, m.fen < 0 else { return }
            lines.append(Line(depth: depth, text: r.lang == .zh
                ? "注意：\(what) 为负数 \(m.display)（计算结果低于零，没有下限）"
                : "note: \(what) is negative, \(m.display) (the calculation went below zero with no floor)"))
        }
        for def in d.definitions {
            let label = r.lang == .en ? (r.policy.definitions.first { $0.name == def.name }?.labelEn ?? def.label) : def.label
            lines.append(Line(depth: 0, text: "\(label) = \(r.value(def.node))"))
            explainValue(def.node, depth: 1)
            negative(def.node, label, depth: 1)
        }
        for rt in d.rules where rt.kind == .award && (rt.status == .fired || rt.status == .pending) {
            lines.append(Line(depth: 0, text: r.lang == .zh ? "\(r.word(.award))（\(rt.rule)，\(r.cites(rt.clauses))）"
                                                            : "\(r.word(.award)) (\(rt.rule), \(r.cites(rt.clauses)))"))
            guard let award = rt.steps.first(where: { $0.role == .main(.award) }) else { continue }
            if r.formula(award) == nil { lines.append(Line(depth: 1, text: r.term(award))) }
            explainValue(award, depth: 1)
            negative(award, r.word(.award), depth: 1)
            let cap = rt.steps.first { $0.role == .cap }
            if let cap {
                explainValue(cap, depth: 1)
                negative(cap, r.spelled(cap), depth: 1)
                let what = r.spelled(cap)
                if rt.capped, let a = rt.amount {
                    lines.append(Line(depth: 1, text: r.lang == .zh
                        ? "超过上限，按上限 \(a.display) 核定（\(what)）"
                        : "over the cap: assessed at the cap of \(a.display) (\(what))"))
                } else if let a = rt.amount {
                    lines.append(Line(depth: 1, text: r.lang == .zh
                        ? "不超过上限 \(r.value(cap))（\(what)），核定 \(a.display)"
                        : "within the cap of \(r.value(cap)) (\(what)): assessed at \(a.display)"))
                } else {
                    lines.append(Line(depth: 1, text: "\(r.word(.cap))：\(r.term(cap))"))
                }
            } else if let a = rt.amount {
                lines.append(Line(depth: 1, text: "\(r.word(.granted)) \(a.display)"))
            }
            if d.outcome != .granted, rt.status == .fired, (rt.amount?.fen ?? 0) > 0 {
                lines.append(Line(depth: 1, text: r.word(.notPaid)))
            }
        }
        // Values an amendment set, wherever they were used (a filter, a cap): which notice, from when.
        var amended: [String] = []
        func collect(_ n: TraceNode) {
            if n.origin != nil, !amended.contains(r.term(n)) { amended.append(r.term(n)) }
            n.children.forEach(collect)
            for e in n.elements ?? [] {
                e.filter.map(collect)
                e.contribution.map(collect)
            }
        }
        d.definitions.forEach { collect($0.node) }
        d.rules.filter { $0.status != .notInForce }.forEach { $0.steps.forEach(collect) }
        if !amended.isEmpty {
            lines.append(Line(depth: 0, text: r.word(.amendedValues)))
            lines += amended.map { Line(depth: 1, text: $0) }
        }
        return lines
    }

    static func check(_ rt: RuleTrace, _ r: TraceReader) -> Check {
        var message = r.message(rt) ?? ""
        var details: [String] = []
        switch rt.status {
        case .notApplicable:
            if message.isEmpty { message = r.word(.notApplicable) }
        case .notInForce:
            let sep = r.lang == .zh ? "；" : "; "
            var parts = [r.word(.notInForce)]
            if let by = rt.endedBy { parts.append(r.word(.endedBy) + by) }
            if let start = rt.startsOn { parts.append("\(start.iso) \(r.word(.startsOn))") }
            parts.append(r.word(rt.wouldFire == true ? .wouldFire : .wouldNotFire))
            message = parts.joined(separator: sep)
        case .pending:
            if message.isEmpty { message = r.word(.pendingOn) }
            details = rt.missing.map { r.word(.missingPrefix) + r.missingFact(path: $0) }
        case .passed where rt.kind == .refuseWhen || rt.kind == .reviewWhen:
            // The rule's words describe the refusal that did not happen: say why it did not.
            if let main = rt.steps.first(where: { $0.role == .main(rt.kind) }) {
                let sep = r.lang == .zh ? "；" : "; "
                message = r.word(.notTriggered) + r.deciding(main, want: false).map { r.condition($0, holds: false) }.joined(separator: sep)
            }
        case .passed where rt.kind == .require:
            if let main = rt.steps.first(where: { $0.role == .main(rt.kind) }) {
                let sep = r.lang == .zh ? "；" : "; "
                message = r.word(.satisfied) + r.deciding(main, want: true).map { r.condition($0, holds: true) }.joined(separator: sep)
            }
        case .passed where rt.kind == .needs:
            let sep = r.lang == .zh ? "；" : "; "
            message = r.word(.known) + rt.steps.filter { $0.role == .main(.needs) }.map { "\(r.label($0) ?? $0.text) = \(r.value($0))" }
                .joined(separator: sep)
        case .passed, .fired:
            if rt.kind == .award, message.isEmpty, let a = rt.amount { message = a.display }
            if OutcomeWords.refuses(rt) {
                if let fix = r.lang == .en ? (rt.fixEn ?? rt.fix) : rt.fix, !fix.isEmpty {
                    details = [fix]
                } else if let change = whatMustChange(rt, r) {
                    details = [r.word(.mustChange) + change]
                }
            }
        }
        return Check(symbol: OutcomeWords.symbol(rt), cite: r.cites(rt.clauses), rule: rt.rule, message: message, details: details)
    }

    /// The conditions that made a refusal fire, with their values.
    static func whatMustChange(_ rt: RuleTrace, _ r: TraceReader) -> String? {
        let sep = r.lang == .zh ? "；" : "; "
        switch rt.kind {
        case .refuseWhen:
            guard let main = rt.steps.first(where: { $0.role == .main(rt.kind) }) else { return nil }
            return r.deciding(main, want: true).map { r.condition($0, holds: true) }.joined(separator: sep)
        case .require:
            guard let main = rt.steps.first(where: { $0.role == .main(rt.kind) }) else { return nil }
            return r.deciding(main, want: false).map { r.condition($0, holds: false) }.joined(separator: sep)
        case .award:
            guard let award = rt.steps.first(where: { $0.role == .main(.award) }) else { return nil }
            var parts = [r.formula(award) ?? r.term(award)]
            if let cap = rt.steps.first(where: { $0.role == .cap }) { parts.append("\(r.word(.cap)) \(r.term(cap))") }
            return parts.joined(separator: sep)
        default:
            return nil
        }
    }
}
