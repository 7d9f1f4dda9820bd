import ArgumentParser
import ClauseSyntax
import ClauseStore
import ClauseLanguage

/// The `clause` command: decide subsidy cases under encoded policy, and explain why.
package struct ClauseCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "clause",
        abstract: "Decide government subsidy cases under policy encoded in YAML, with clause-level justifications.",
        version: ClauseVersion.current,
        subcommands: [Evaluate.self, Explain.self, Check.self, Test.self, Diff.self, Init.self, Record.self, Why.self, Replay.self, Verify.self, Revoke.self, Bans.self, Ledger.self, Report.self,
                      Workflow.self, Serve.self]
    )

    package init() {}

    /// Runs the command line and returns the process exit status: 0 decided, 1 bad input (or a
    /// failed scenario), 2 usage error, as docs/reference/command-line.md states them.
    package static func run(_ arguments: [String]) -> Int32 {
        defer { Output.finishDiagnostics() }
        // A misspelt command (`clause evalute x`) is named with the nearest command, not read
        // as arguments nobody expected.
        if let first = arguments.first, !first.hasPrefix("-"), first != "help" {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(first) {
                Output.error("error: unknown command '\(TerminalText.escape(first))'\(Suggestion.hint(first, names))\n")
                Output.error("run 'clause --help' for usage\n")
                return 2
            }
        }
        do {
            let folded = LongArgumentLists(folding: arguments)
            var command = try parseAsRoot(folded.arguments)
            if var long = command as? any TakesLongArgumentLists {
                long.unfoldArgumentLists(folded)
                command = long
            }
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            // The parser quotes what was typed ("Unexpected argument '…'"): escaped line by line.
            let message = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map(TerminalText.escape)
            Output.error(message.joined(separator: "\n") + "\n")
            if code == .validationFailure { Output.error("run 'clause --help' for usage\n") }
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}
