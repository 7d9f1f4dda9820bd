import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import Foundation
import FuzzDriver

/// What every fuzz target shares: the driver, the repository's Shenyang package, and the checks
/// that turn a wrong answer (not only a crash) into a crash libFuzzer keeps as an input.
package enum Fuzz {
    /// One input: libFuzzer's bytes. A target returns 0; anything it finds wrong is a trap.
    package typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus folders…).
    package static func run(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }

    /// The repository: `CLAUSE_ROOT` (set by Fuzz/run.sh), else found from this file's path.
    package static let root: String = {
        if let r = ProcessInfo.processInfo.environment["CLAUSE_ROOT"], !r.isEmpty { return r }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    package static let policies = (root as NSString).appendingPathComponent("Policies")

    /// Packages by id from the repository's Policies/, loaded once per process (as in one CLI run).
    package static let repository = PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": policies])

    package static let shenyang: Policy = {
        guard let p = repository.policy(for: "shenyang-sme-dx-fund").policy else { fatalError("the Shenyang package does not load") }
        return p
    }()

    /// The input as text, when it is UTF-8 (files that are not are refused before any parsing, by
    /// `YAMLReader.readText`, and JSON Lines are decoded the same way).
    package static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String? {
        guard let data else { return size == 0 ? "" : nil }
        return String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }

    /// A finding: printed for the log, then a trap so libFuzzer saves the input (crash-…).
    package static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("clause fuzz finding: \(message)\n".utf8))
        fatalError(message)
    }

    /// Every refusal must say why, at a place: an error without a file would be printed with no
    /// location, and no error at all would be a silent refusal.
    package static func expectLocatedErrors(_ diagnostics: [Diagnostic], _ what: String) {
        let errors = diagnostics.filter { $0.severity == .error }
        if errors.isEmpty { fail("\(what) refused without an error") }
        if !errors.contains(where: { $0.range.file != nil }) { fail("\(what) refused with no error located in a file") }
        _ = DiagnosticRenderer().render(diagnostics)
    }

    /// Everything a decision without a trace says, as in CompiledPolicyTests: both languages of
    /// the contract JSON, plus the amount before the cap and the fixes.
    package static func fingerprint(_ d: Decision, _ policy: Policy) -> String {
        var s = JSONDecisionRenderer.render(d, policy: policy, lang: .zh) + "\n" + JSONDecisionRenderer.render(d, policy: policy, lang: .en)
        for rt in d.rules {
            s += "\n\(rt.rule) uncapped=\(rt.uncapped?.plain ?? "-") fix=\(rt.fix ?? "-") fixEn=\(rt.fixEn ?? "-")"
        }
        return s
    }

    /// Decides `c` with the tracing interpreter (and renders it every way the CLI does) and with
    /// the compiled policy: the two must agree whenever the compiled path decides.
    package static func decideBothWays(_ c: CaseFile, _ policy: Policy, compiled: CompiledPolicy, asOf: CivilDate? = nil) {
        guard case .success(let traced) = Interpreter.decide(c, policy: policy, asOf: asOf, tracing: true) else { return }
        for lang in Lang.allCases {
            _ = TextDecisionRenderer.render(traced, policy: policy, lang: lang, explain: true)
            _ = MarkdownDecisionRenderer.render(traced, policy: policy, lang: lang)
            _ = JSONDecisionRenderer.render(traced, policy: policy, lang: lang, trace: true)
        }
        guard let quick = compiled.decide(c, asOf: asOf) else { return }
        guard case .success(let slow) = Interpreter.decide(c, policy: policy, asOf: asOf, tracing: false) else {
            fail("the compiled policy decided \(c.id), the interpreter failed")
        }
        let a = fingerprint(slow, policy), b = fingerprint(quick, policy)
        if a != b { fail("compiled and interpreted decisions differ on \(c.id):\n  interpreter: \(a)\n  compiled:    \(b)") }
    }
}
