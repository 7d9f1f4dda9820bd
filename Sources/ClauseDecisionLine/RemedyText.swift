import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The words of the remedies (`RemedyFinder`): what would have to change, and what follows,
/// the same in `explain`, `evaluate`, Markdown, JSON and the notice. Each line is checked: the
/// change it names was decided again and gives the outcome and amount it states.
package enum RemedyText {
    /// The heading: 怎样可以获得支持 / What would lead to a grant.
    package static func title(_ lang: Lang) -> String {
        lang == .zh ? "怎样可以获得支持" : "What would lead to a grant"
    }

    /// One line per remedy, or one line saying there is none (with why, from the dead ends);
    /// empty when no search was made (a grant, a review).
    package static func lines(_ d: Decision, policy: Policy, lang: Lang) -> [String] {
        guard let search = d.remedies else { return [] }
        if !search.remedies.isEmpty { return search.remedies.map { sentence($0, policy: policy, lang: lang) } }
        var out = [none(d, lang, exhausted: search.exhausted)]
        out += search.deadEnds.map { deadEnd($0, policy: policy, lang: lang) }
        return out
    }

    /// No change found, said plainly; for a case still missing facts whose values no search can
    /// propose (a credit code), that those come first: a notice that asks for them must not then
    /// say that nothing can help.
    package static func none(_ d: Decision, _ lang: Lang, exhausted: Bool) -> String {
        // The missing facts the search tried a value for are settled by its answer; the others not.
        let tried = Set(d.remedies?.deadEnds.flatMap { $0.changes.map(\.path) } ?? [])
        let untried = d.missing.filter { !tried.contains($0.fact) }
        guard d.outcome == .incomplete, !untried.isEmpty else { return none(lang, exhausted: exhausted) }
        let facts = untried.map { lang == .zh ? $0.label : $0.fact }.joined(separator: lang == .zh ? "、" : ", ")
        return lang == .zh ? "须先补齐所缺材料（\(facts)），方能判断能否获得支持；仅改变其他事实均不能获得支持"
            : "the missing facts (\(facts)) must be given first: whether a grant can follow depends on them; no change of the other facts leads to a grant"
    }

    /// No change can save the case, said plainly.
    package static func none(_ lang: Lang, exhausted: Bool) -> String {
        switch (lang, exhausted) {
        case (.zh, false): "本案中可以改变的事实无论怎样改变，均不能获得支持"
        case (.zh, true): "在可尝试的改变范围内，未找到能使本案获得支持的改变"
        case (.en, false): "no change of the facts that can still change leads to a grant"
        case (.en, true): "no change tried within the search's limit leads to a grant"
        }
    }

    /// `若改造后数字化水平等级由 1 改为 2，则予以支持 ¥55,000.00`.
    package static func sentence(_ r: Remedy, policy: Policy, lang: Lang) -> String {
        sentence(r, ValueText(policy: policy, lang: lang))
    }

    static func sentence(_ r: Remedy, _ text: ValueText) -> String {
        let lang = text.lang
        let what = changes(r.changes, text)
        let outcome = OutcomeWords.outcome(r.outcome, lang) + (r.outcome == .granted ? " \(r.amount.display)" : "")
        return lang == .zh ? "若\(what)，则\(outcome)" : "if \(what): \(outcome)"
    }

    /// `即使申报日期由 2025-03-01 改为 2026-04-01，仍将依第十六条不予支持`.
    package static func deadEnd(_ e: RemedySearch.DeadEnd, policy: Policy, lang: Lang) -> String {
        deadEnd(e, ValueText(policy: policy, lang: lang))
    }

    static func deadEnd(_ e: RemedySearch.DeadEnd, _ text: ValueText) -> String {
        let lang = text.lang
        let what = changes(e.changes, text)
        let cites = e.clauses.map { text.policy.cite($0) ?? $0 }.joined(separator: lang == .zh ? "、" : ", ")
        let outcome = OutcomeWords.outcome(e.outcome, lang)
        return lang == .zh ? "即使\(what)，仍将依\(cites)\(outcome)" : "even if \(what), still \(outcome) under \(cites)"
    }

    /// The changes joined: `补充第三方测评验收日期为 2024-11-05，且…`.
    static func changes(_ cs: [Remedy.Change], _ text: ValueText) -> String {
        let lang = text.lang
        return cs.map { c in
            let label = lang == .zh ? c.label : c.labelEn
            let value = TerminalText.escape(text.format(c.value, c.type))
            guard let was = c.was else { return lang == .zh ? "补充\(label)为 \(value)" : "\(label) is given as \(value)" }
            let before = TerminalText.escape(text.format(was, c.type))
            return lang == .zh ? "\(label)由 \(before) 改为 \(value)" : "\(label) changes from \(before) to \(value)"
        }.joined(separator: lang == .zh ? "，且" : ", and ")
    }

    /// A decision's remedies and dead ends in words, each made once: a decision line writes each
    /// under the reasons it lifts and again in its remedies, and making them twice (with a
    /// wording of values for each) was a third of writing a refused case's line.
    package struct Worded {
        package let remedies: [String]
        package let deadEnds: [String]

        package init(_ search: RemedySearch, _ text: ValueText) {
            remedies = search.remedies.map { RemedyText.sentence($0, text) }
            deadEnds = search.deadEnds.map { RemedyText.deadEnd($0, text) }
        }
    }

    /// The words under a refusing or waiting rule: the package's `fix`, checked against the
    /// remedies found. When acting on it alone meets another refusal (a ban that ends after the
    /// measures do), that is said after it, so the hint never promises what the rules refuse.
    package static func fix(rule: String, _ d: Decision, policy: Policy, lang: Lang) -> String? {
        let text = ValueText(policy: policy, lang: lang)
        return fix(rule: rule, d, lang: lang, remedy: { sentence(d.remedies!.remedies[$0], text) },
                   deadEnd: { deadEnd(d.remedies!.deadEnds[$0], text) })
    }

    /// The same, with the remedies' words already made.
    package static func fix(rule: String, _ d: Decision, lang: Lang, worded: Worded) -> String? {
        fix(rule: rule, d, lang: lang, remedy: { worded.remedies[$0] }, deadEnd: { worded.deadEnds[$0] })
    }

    /// `remedy` and `deadEnd` word the remedy or dead end at an index of the decision's search.
    private static func fix(rule: String, _ d: Decision, lang: Lang, remedy: (Int) -> String, deadEnd: (Int) -> String) -> String? {
        let trace = d.rules.first { $0.rule == rule }
        let words = lang == .zh ? trace?.fix : (trace?.fixEn ?? trace?.fix)
        guard let search = d.remedies else { return words }
        if let r = search.remedies.firstIndex(where: { $0.lifts.contains(rule) }) {
            return words ?? remedy(r)
        }
        if let e = search.deadEnds.firstIndex(where: { $0.lifts.contains(rule) }) {
            let after = deadEnd(e)
            guard let words else { return after }
            return lang == .zh ? "\(words)（\(after)）" : "\(words) (\(after))"
        }
        return words
    }
}
