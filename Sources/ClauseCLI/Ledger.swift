import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax

extension ClauseCommand {
    /// `clause ledger`: the fund's record as the packages' `ledger:` figures count it, per key
    /// (per enterprise, per platform, per programme…), with the grants behind each figure.
    struct Ledger: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The fund's record as the packages' ledger figures count it: each figure per enterprise, platform or programme, with its grants.")

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "Count with this package (default: today's package of each policy id in the store, found under ./Policies).")
        var policy: String?

        @Option(name: .customLong("credit-code"), help: "Only the figures whose key is this 统一社会信用代码.")
        var creditCode: String?

        @Option(help: "Output language: zh or en.")
        var lang: Lang = .zh

        func run() throws {
            let store = try storeOptions.open(create: false)
            let repository = PolicyRepository(explicit: policy)
            let ledger = StoreLedger(store: store, loader: CaseLoader(repository: repository))
            let ids = try StoreCommand.guarded { try store.recordedPolicyIDs() }
            var shown = 0
            for id in ids {
                guard let p = repository.policy(for: policy == nil ? id : nil).policy, p.id == id else {
                    Output.error("note: the decisions of '\(TerminalText.escape(id))' are not counted: its package is not found or does not load\n")
                    continue
                }
                guard !p.ledger.isEmpty else { continue }
                let book = try StoreCommand.guarded { try ledger.book(for: p) }
                var lines: [String] = []
                let text = ValueText(policy: p, lang: lang)
                for (m, measure) in p.ledger.enumerated() {
                    var groups = book.groups(of: m)
                    if let creditCode {
                        groups = groups.filter { g in g.values.contains { $0.value == .text(creditCode) } }
                    }
                    guard !groups.isEmpty else { continue }
                    let cite = p.clause(measure.clause)?.cite ?? measure.clause
                    lines.append("  [\(cite)] \(lang == .zh ? measure.label : (measure.labelEn ?? measure.label)) (\(measure.name))\n")
                    for g in groups {
                        let key = g.values.map { "\($0.path) = \(TerminalText.escape(text.format($0.value)))" }.joined(separator: ", ")
                        let cases = g.entries.map { "\(TerminalText.escape($0.caseID)) \($0.asOf.iso) \($0.amount.display)" }.joined(separator: "; ")
                        lines.append("    \(key.isEmpty ? (lang == .zh ? "（全部）" : "(all)") : key): \(text.format(g.figure)) — \(cases)\n")
                        shown += 1
                    }
                }
                if !lines.isEmpty { Output.out("\(TerminalText.escape(p.id)) \(TerminalText.escape(p.version))\n" + lines.joined()) }
            }
            guard shown > 0 else {
                Output.error("error: nothing counted: no grant in \(store.path) falls under a ledger figure\(creditCode.map { " for \($0)" } ?? "")\n")
                throw ExitCode(1)
            }
        }
    }
}
