import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation
import Testing

/// Paths and shared fixtures for the tests.
package enum Repo {
    /// The package root, found from this file's path so tests run from any directory.
    package static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    package static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    package static let shenyangDirectory = path("Policies/shenyang-sme-dx-fund")

    /// The Shenyang package, loaded once; a failure to load fails every test that uses it.
    package static let shenyang: Policy = {
        let r = PolicyLoader.load(shenyangDirectory)
        guard let p = r.policy else {
            fatalError("Shenyang package does not load:\n" + DiagnosticRenderer().render(r.diagnostics))
        }
        return p
    }()

    /// Reads YAML text as a case of `policy` and decides it with the tracing interpreter.
    package static func decide(policy: Policy, yaml: String) throws -> Decision {
        var bag = DiagnosticBag()
        let file = SourceFile(path: "case.yaml", text: yaml)
        let root = try #require(YAMLReader.read(file, into: &bag))
        let c = try #require(CaseReader.read(root, path: "case.yaml", policy: policy, into: &bag), "\(bag.sorted.map(\.message))")
        guard case .success(let d) = Interpreter.decide(c, policy: policy, asOf: nil) else { throw CancellationError() }
        return d
    }

    /// How many scenarios the Shenyang package's tests/ hold, so end-to-end counts follow the suite.
    package static let shenyangScenarioCount: Int = {
        let dir = path("Policies/shenyang-sme-dx-fund/tests")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }
        return files.reduce(0) { n, f in
            var bag = DiagnosticBag()
            return n + ScenarioReader.read(path: "\(dir)/\(f)", into: &bag).count
        }
    }()

    package static var repository: PolicyRepository {
        PolicyRepository(explicit: nil, environment: ["CLAUSE_POLICY_PATH": path("Policies")])
    }
}

/// A package of one `policy.yaml` written in a test, loaded from a folder of its own that is
/// removed again: its policy, or the diagnostics that stop it.
package func loadOneFilePackage(_ yaml: String, named name: String = "package") throws -> PolicyLoader.Result {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try yaml.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
    return PolicyLoader.load(dir.path)
}

/// Reads YAML text as a case and decides it under the Shenyang package.
package func decide(yaml: String, asOf: CivilDate? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Decision? {
    var bag = DiagnosticBag()
    let file = SourceFile(path: "case.yaml", text: yaml)
    guard let root = YAMLReader.read(file, into: &bag),
          let c = CaseReader.read(root, path: "case.yaml", policy: Repo.shenyang, into: &bag) else {
        Issue.record("case does not load:\n\(DiagnosticRenderer().render(bag.sorted))", sourceLocation: sourceLocation)
        return nil
    }
    switch Interpreter.decide(c, policy: Repo.shenyang, asOf: asOf) {
    case .success(let d): return d
    case .failure(let f):
        Issue.record("evaluation failed: \(f.message)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The diagnostics a case text gets, rendered as the CLI prints them (without colour).
package func caseDiagnostics(_ yaml: String, path: String = "case.yaml") -> String {
    var bag = DiagnosticBag()
    let file = SourceFile(path: path, text: yaml)
    if let root = YAMLReader.read(file, into: &bag) {
        _ = CaseReader.read(root, path: path, policy: Repo.shenyang, into: &bag)
    }
    return DiagnosticRenderer().render(bag.sorted)
}
