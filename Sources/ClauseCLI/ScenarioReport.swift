import ClauseSyntax

/// How `clause test` reports a scenario, policy or workflow alike: a line for a pass (verbose), or
/// what was expected, what came out, and the command that reproduces it.
enum ScenarioReport {
    /// Counts one scenario's result and reports it: the one path policy and workflow scenarios share.
    static func record(_ ok: Bool, _ name: String, file: String, line: Int, failures: [String], diagnostics: [Diagnostic],
                       unreadable: String, reproduce: String, verbose: Bool, passed: inout Int, failed: inout Int) {
        if ok {
            passed += 1
            if verbose { Output.out("ok   \(name)\n") }
        } else {
            failed += 1
            self.failed(name, file: file, line: line, failures: failures, diagnostics: diagnostics, unreadable: unreadable,
                        reproduce: reproduce)
        }
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
