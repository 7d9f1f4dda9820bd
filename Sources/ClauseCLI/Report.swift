import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax

extension ClauseCommand {
    /// `clause report`: where the programme stands on a date, from the fund's record and the
    /// figures the city reports: the package's indicator rows against their yearly targets, the
    /// money paid by source against the matching the plan sets, and budget execution.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "report",
            abstract: "The programme report: indicators against targets, funding by source against the matching ratio, budget execution.")

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
            case text, markdown, json, html
        }

        @OptionGroup var storeOptions: StoreOptions

        @Option(name: .customLong("as-of"), help: "Report as of this date YYYY-MM-DD (default: today).")
        var asOf: String?

        @Option(help: "Output format: text, markdown, json or html (one self-contained page with SVG charts).")
        var format: ReportFormat = .text

        @Option(help: "The policy package whose indicators are reported (default: the one policy recorded in the store, under ./Policies).")
        var policy: String?

        @Option(help: "A YAML file of figures the city reports (indicators the record cannot know), dated and with their source. Repeatable.")
        var reported: [String] = []

        func run() throws {
            let asOfDate = try StoreCommand.date(asOf, option: "--as-of") ?? StoreCommand.today
            let store = try storeOptions.open(create: false)
            let repository = PolicyRepository(explicit: policy)
            let p = try choosePolicy(store, repository)
            guard !p.indicators.isEmpty || p.funding != nil else {
                Output.error("error: package '\(TerminalText.escape(p.id))' has no 'indicators:' or 'funding:' section: nothing to report\n")
                throw ExitCode(1)
            }
            var figures: [ReportedFigure] = []
            for path in reported {
                switch ReportedFigures.read(path: path, policy: p) {
                case .success(let f): figures += f
                case .failure(let e):
                    Output.diagnostics(e.diagnostics)
                    throw ExitCode(1)
                }
            }
            let report = try StoreCommand.guarded {
                try ProgrammeInput.report(store, policy: p, repository: repository, asOf: asOfDate, reported: figures)
            }
            switch format {
            case .text: Output.out(ProgrammeText(report, style: .text).render())
            case .markdown: Output.out(ProgrammeText(report, style: .markdown).render())
            case .json: Output.out(ProgrammeJSON.render(report))
            case .html: Output.out(ProgrammeHTML.render(report))
            }
        }

        /// The package named, or the one policy the store holds decisions of.
        private func choosePolicy(_ store: RecordStore, _ repository: PolicyRepository) throws -> Policy {
            let ids = try StoreCommand.guarded { try store.recordedPolicyIDs() }
            if policy == nil, ids.count != 1 {
                Output.error(ids.isEmpty ? "error: \(store.path) holds no decision: nothing to report\n"
                             : "error: \(store.path) holds decisions of \(ids.map(TerminalText.escape).joined(separator: ", ")): name one with --policy\n")
                throw ExitCode(1)
            }
            let result = repository.policy(for: policy == nil ? ids[0] : nil)
            guard let p = result.policy else {
                Output.diagnostics(result.diagnostics)
                Output.error("error: the package does not load\n")
                throw ExitCode(1)
            }
            return p
        }
    }
}

/// The record as the report reads it: the latest decision of every case, each counted as it is
/// read and let go (`ProgrammeCounter.Fold`), and the workflow events the indicators and the
/// funding plan count, with their payloads.
enum ProgrammeInput {
    static func report(_ store: RecordStore, policy p: Policy, repository: PolicyRepository, asOf: CivilDate,
                       reported: [ReportedFigure]) throws -> ProgrammeReport {
        let events = try store.programmeEvents(policyID: p.id, named: ProgrammeFacts.eventsCounted(by: p))
        // A case an event belongs to is kept until the events are counted: only the facts the report reads.
        let facts = ProgrammeFacts(policy: p)
        var fold = ProgrammeCounter.Fold(ProgrammeCounter(policy: p, asOf: asOf), events: events)
        try store.eachProgrammeRecord(policy: p, loader: CaseLoader(repository: repository), project: facts.project) { fold.add($0) }
        return fold.report(reported: reported)
    }
}
