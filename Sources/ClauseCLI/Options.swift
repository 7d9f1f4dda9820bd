import ArgumentParser
import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports

/// How decisions are printed.
package enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json, markdown
    /// A letter to the applicant (不予支持告知书, 支持通知书, 补正通知书), and the same as printable HTML.
    case notice, html

    /// Whether this is a letter to the applicant rather than a reviewer's view.
    var isNotice: Bool { self == .notice || self == .html }

    /// What goes between two decisions in one output.
    var separator: String {
        switch self {
        case .json, .html: ""
        case .text: "\n"
        case .markdown: "\n---\n\n"
        case .notice: "\n" + String(repeating: "─", count: 40) + "\n\n"
        }
    }

    /// One decision in this format; `explain` is the whole justification (text), `onlyDeciding`
    /// keeps only the rules that decided in the rule checks.
    func render(_ d: Decision, policy: Policy, lang: Lang, explain: Bool, trace: Bool = false, onlyDeciding: Bool = false) -> String {
        switch self {
        case .json: JSONDecisionRenderer.render(d, policy: policy, lang: lang, trace: trace) + "\n"
        case .text: TextDecisionRenderer.render(d, policy: policy, lang: lang, explain: explain, onlyDeciding: onlyDeciding)
        case .markdown: MarkdownDecisionRenderer.render(d, policy: policy, lang: lang, onlyDeciding: onlyDeciding)
        case .notice: NoticeRenderer.text(d, policy: policy, lang: lang)
        case .html: NoticeRenderer.html(d, policy: policy, lang: lang)
        }
    }

    /// The same output as UTF-8 bytes: a JSON line goes out as written, without a String between.
    func bytes(_ d: Decision, policy: Policy, lang: Lang, trace: Bool, onlyDeciding: Bool) -> [UInt8] {
        guard self == .json else { return Array(render(d, policy: policy, lang: lang, explain: false, trace: trace, onlyDeciding: onlyDeciding).utf8) }
        return JSONDecisionRenderer.bytes(d, policy: policy, lang: lang, trace: trace, newline: true)
    }
}

extension Lang: ExpressibleByArgument {}

/// Options shared by the commands that decide cases.
package struct DecisionOptions: ParsableArguments {
    @Option(help: "Output format: text, json (one object per line), markdown, notice (a letter to the applicant) or html (the letter as a printable page).")
    var format: Format = .text

    @Flag(name: .customLong("only-deciding"), help: "List only the rules that decided (refused, waited, awarded or sent to review), not every rule checked.")
    var onlyDeciding = false

    @Option(help: "Language of the text: zh (default) or en.")
    var lang: Lang = .zh

    @Option(help: "The policy package folder that decides every case (default: by each case's 'policy:' id).")
    var policy: String?

    @Option(name: .customLong("as-of"), help: "Evaluation date YYYY-MM-DD (default: each case's applied_on).")
    var asOf: String?

    package init() {}

    func asOfDate() throws -> CivilDate? {
        guard let asOf else { return nil }
        guard let d = CivilDate(iso: Substring(asOf)) else {
            throw ValidationError("--as-of: " + CivilDate.problem(asOf))
        }
        return d
    }
}
