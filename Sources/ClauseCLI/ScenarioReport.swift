import ClauseSyntax

/// How `clause test` reports a scenario, policy or workflow alike: a line for a pass (verbose), or
/// what was expected, what came out, and the command that reproduces it.
enum ScenarioReport {
    static func passed(_ name: String, verbose: Bool) {
        if verbose { Output.out("ok   \(name)\n") }
    }

    static func failed(_ name: String, file: String, line: Int, failures: [String], diagnostics: [Diagnostic],
                       unreadable: String, reproduce: String) {
        Output.out("FAIL \(name)  (\(file):\(line))\n")
        for f in failures { Output.out("     \(f)\n") }
        if !diagnostics.isEmpty {
            Output.out("     \(unreadable):\n")
            Output.diagnostics(diagnostics)
        }
        Output.out("     reproduce: \(reproduce)\n")
    }

    /// A scenario file that could not be read counts as one failure.
    static func unreadableFile(_ file: String, _ diagnostics: [Diagnostic]) {
        Output.diagnostics(diagnostics)
        Output.out("FAIL \(file): the scenario file has errors\n")
    }
}
