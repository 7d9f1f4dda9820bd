import ArgumentParser
import ClauseEngine
import ClauseLanguage

/// How decisions are printed.
package enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json, markdown
}

extension Lang: ExpressibleByArgument {}

/// Options shared by the commands that decide cases.
package struct DecisionOptions: ParsableArguments {
    @Option(help: "Output format: text, json (one object per line) or markdown.")
    var format: Format = .text

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
            throw ValidationError("--as-of '\(asOf)' is not a date: write YYYY-MM-DD")
        }
        return d
    }
}
