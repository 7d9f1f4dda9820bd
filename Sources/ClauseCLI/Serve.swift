import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseServe
import ClauseStore
import ClauseSyntax
import ClauseWorkflows
import Dispatch
import Foundation

extension ClauseCommand {
    /// `clause serve`: the workbench, read-only pages over a decision store for the bureau's
    /// reviewers and policy staff (docs/reference/workbench.md).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve",
            abstract: "Serve the workbench: read-only web pages over a decision store (cases, notices, queue, policies, report, ledger, playground).",
            discussion: """
                Listens on 127.0.0.1 unless --host names another address: the pages show applicants' records and have \
                no accounts yet, so reaching them from another machine must be asked for. Nothing is written to the store.
                """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "The address to listen on (default: 127.0.0.1, this machine only).")
        var host: String = "127.0.0.1"

        @Option(help: "The port (0: any free port, printed when listening).")
        var port: Int = 8080

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port \(port) is not a port: 0 to 65535") }
            guard !host.isEmpty else { throw ValidationError("--host needs an address") }
        }

        func run() throws {
            // The server stops gracefully on SIGINT and SIGTERM; the replays' folders go after it.
            ScratchFolders.leaveSignalsToCaller()
            if !Self.isLoopback(host) {
                Output.error("warning: listening on \(TerminalText.escape(host)): other machines can reach the pages, which show applicants' records to anyone (there are no accounts yet)\n")
            }
            let store = try storeOptions.open(create: false)
            let path = store.path
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let configuration = WorkbenchConfiguration(host: host, port: port, storePath: path, executable: executable)
            let failure = Failure()
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                do {
                    try await Workbench.run(configuration, programs: Self.programs) { host, port in
                        Output.out("clause serve: listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/ (store \(TerminalText.escape(path)))\n")
                    }
                } catch {
                    failure.error = error
                }
                done.signal()
            }
            done.wait()
            ScratchFolders.removeAll()
            if let error = failure.error {
                Output.error("error: clause serve: \(TerminalText.escape(String(describing: error)))\n")
                throw ExitCode(1)
            }
        }

        /// 127.0.0.0/8, ::1 and localhost: this machine only.
        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        private final class Failure: @unchecked Sendable {
            var error: Error?
        }

        /// The ledger and the programme report, computed by the same code as `clause ledger` and
        /// `clause report` (today, every policy recorded, the workflows under ./Workflows).
        static let programs = WorkbenchPrograms(
            ledger: { store, format in
                let on = StoreCommand.today
                let repository = PolicyRepository()
                let catalog = WorkflowCatalog.load(roots: WorkflowCatalog.defaultRoots(), repository: repository)
                let ledger = StoreLedger(store: store, loader: CaseLoader(repository: repository))
                var parts: [String] = []
                for id in try store.recordedPolicyIDs() {
                    guard let p = repository.policy(for: id).policy, p.id == id, !p.ledger.isEmpty else { continue }
                    let report = LedgerReport(policy: p, asOf: on, paid: try Disbursements.paid(store: store, attributes: catalog.paymentAttributes(for: p)), creditCode: nil)
                    let written = try report.rendered(format, from: ledger.source(for: p))
                    if !written.isEmpty { parts.append(written) }
                }
                // JSON lines one per policy; the texts each end their own lines.
                if case .json = format { return parts.joined(separator: "\n") }
                return parts.joined()
            },
            report: { store, json in
                let repository = PolicyRepository()
                let ids = try store.recordedPolicyIDs()
                guard ids.count == 1, let p = repository.policy(for: ids[0]).policy else {
                    throw ReportUnavailable(ids: ids)
                }
                let report = try ProgrammeInput.report(store, policy: p, repository: repository, asOf: StoreCommand.today, reported: [])
                return json ? ProgrammeJSON.render(report) : ProgrammeHTML.render(report)
            })

        struct ReportUnavailable: Error, CustomStringConvertible {
            var ids: [String]
            var description: String {
                ids.isEmpty ? "the store holds no decision: nothing to report"
                    : "the store holds decisions of \(ids.joined(separator: ", ")): the report covers one policy (clause report --policy)"
            }
        }
    }
}
