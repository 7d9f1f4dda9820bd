import ArgumentParser
import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import ClauseWorkflows

extension ClauseCommand {
    /// `clause ledger`: the fund's record as the packages' `ledger:` figures count it, per key
    /// (per enterprise, per platform, per programme…): granted, paid, revoked and the room left
    /// under the figure's limit, with the grants behind each.
    struct Ledger: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ledger",
            abstract: "The fund's record per enterprise, platform or programme: granted, paid, revoked and room left, with the grants.")

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "Count with this package (default: today's package of each policy id in the store, found under ./Policies).")
        var policy: String?

        @Option(help: "The workflows that say which history event pays (default: ./Workflows or CLAUSE_WORKFLOW_PATH).")
        var workflows: String?

        @Option(name: .customLong("credit-code"), help: "Only the figures whose key is this 统一社会信用代码.")
        var creditCode: String?

        @Option(name: .customLong("as-of"), help: "The date whose limits (dated parameters) the room is counted against (default: today).")
        var asOf: String?

        @Option(help: "Output: text, or json (one line per policy).")
        var format: LedgerFormat = .text

        @Option(help: "Output language: zh or en.")
        var lang: Lang = .zh

        enum LedgerFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func run() throws {
            let on = try StoreCommand.date(asOf, option: "--as-of") ?? StoreCommand.today
            let creditCode = self.creditCode.map(StoreCommand.creditCode)
            let store = try storeOptions.open(create: false)
            let repository = PolicyRepository(explicit: policy)
            let catalog = WorkflowCatalog.load(roots: workflows.map { [$0] } ?? WorkflowCatalog.defaultRoots(), repository: repository)
            let ledger = StoreLedger(store: store, loader: CaseLoader(repository: repository))
            let ids = try StoreCommand.guarded { try store.recordedPolicyIDs() }
            var shown = 0
            var unfound: [String] = []
            for id in ids {
                guard let p = repository.policy(for: policy == nil ? id : nil).policy, p.id == id else {
                    Output.error("note: the decisions of '\(TerminalText.escape(id))' are not counted: its package is not found or does not load\n")
                    unfound.append(id)
                    continue
                }
                guard !p.ledger.isEmpty else { continue }
                let report = try StoreCommand.guarded {
                    LedgerReport(policy: p, asOf: on, paid: try Disbursements.paid(store: store, attributes: catalog.paymentAttributes(for: p)),
                                 creditCode: creditCode)
                }
                // Written as it is read, a key at a time: the ledger of a large record is never held whole.
                var out = LedgerReport.Sink { Output.out($0) }
                shown += try StoreCommand.guarded {
                    try report.write(format == .json ? .json : .text(lang), from: ledger.source(for: p), into: &out) {
                        if report.paid == nil, format == .text {
                            Output.error("note: no workflow of '\(TerminalText.escape(id))' records a payment (recorded_by a money fact): paid is not shown\n")
                        }
                    }
                }
                out.flush()
            }
            guard shown > 0 else {
                // Run away from Policies/, no package is found: that is not "no grant".
                if !unfound.isEmpty && unfound.count == ids.count {
                    Output.error("error: nothing counted: no package found for the policies recorded in \(TerminalText.escape(store.path)) "
                        + "(\(unfound.map(TerminalText.escape).joined(separator: ", "))) under \(TerminalText.escape(repository.searchRoots.joined(separator: ", "))): "
                        + "run beside Policies/, set CLAUSE_POLICY_PATH, or give --policy\n")
                    throw ExitCode(1)
                }
                Output.error("error: nothing counted: no grant in \(TerminalText.escape(store.path)) falls under a ledger figure\(creditCode.map { " for \(TerminalText.escape($0))" } ?? "")\n")
                throw ExitCode(1)
            }
        }
    }
}
