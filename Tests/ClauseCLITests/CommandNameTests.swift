import ArgumentParser
@testable import ClauseCLI
import Testing

/// Every command names itself. A command that does not is named by the argument parser from its
/// type's name, through `String(describing:)` and runtime conformance scans: about a fifth of the
/// instructions `clause evaluate` spends on one case, paid at every start.
@Suite struct CommandNameTests {
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = [], seen = 0
        func visit(_ command: any ParsableCommand.Type, path: String) {
            seen += 1
            let name = command.configuration.commandName
            if name == nil { unnamed.append("\(path) › \(command)") }
            for sub in command.configuration.subcommands { visit(sub, path: path + " " + (name ?? "?")) }
        }
        visit(ClauseCommand.self, path: "")
        #expect(unnamed.isEmpty, "name these in their CommandConfiguration: \(unnamed)")
        #expect(seen >= 20)
    }

    /// The names are the ones the users type (and the ones the parser would have derived).
    @Test func namesAreTheOnesUsersType() {
        let names = ClauseCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        #expect(names == ["evaluate", "explain", "check", "test", "diff", "init", "record", "why", "replay", "verify", "revoke", "bans", "ledger",
                          "report", "workflow", "serve"])
        let bans = ClauseCommand.Bans.configuration.subcommands.compactMap { $0.configuration.commandName }
        #expect(bans == ["list", "show", "lift", "correct"])
        let workflow = ClauseCommand.Workflow.configuration.subcommands.compactMap { $0.configuration.commandName }
        #expect(workflow == ["status", "next", "check"])
    }
}
