import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation
import Testing

/// Packages written for a test (one policy.yaml in a temporary folder) and the second city's
/// (Zhongshan), with cases decided by both interpreters, which must agree.
package enum TablePackages {
    package static let zhongshanDirectory = Repo.path("Playground/cities/zhongshan-sme-dx-fund")

    package static let zhongshan: Policy = {
        let r = PolicyLoader.load(zhongshanDirectory)
        guard let p = r.policy else { fatalError("Zhongshan package does not load:\n" + DiagnosticRenderer().render(r.diagnostics)) }
        return p
    }()

    /// A package written to a temporary folder (one policy.yaml), loaded.
    package static func load(_ yaml: String) throws -> PolicyLoader.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-tables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try yaml.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        return PolicyLoader.load(dir.path)
    }

    package static func rendered(_ r: PolicyLoader.Result) -> String {
        DiagnosticRenderer().render(r.diagnostics).replacingOccurrences(of: FileManager.default.temporaryDirectory.path, with: "TMP")
    }

    /// Decides a case text under `policy` with both interpreters; they must agree.
    package static func decide(_ yaml: String, _ policy: Policy, asOf: CivilDate? = nil,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Decision {
        var bag = DiagnosticBag()
        let file = SourceFile(path: "case.yaml", text: yaml)
        let root = try #require(YAMLReader.read(file, into: &bag), sourceLocation: sourceLocation)
        guard let c = CaseReader.read(root, path: "case.yaml", policy: policy, into: &bag) else {
            Issue.record("case does not load:\n\(DiagnosticRenderer().render(bag.sorted))", sourceLocation: sourceLocation)
            throw CaseError()
        }
        let slow = try Interpreter.decide(c, policy: policy, asOf: asOf).get()
        if let quick = CompiledPolicy(policy).decide(c, asOf: asOf) {
            let untraced = try Interpreter.decide(c, policy: policy, asOf: asOf, tracing: false).get()
            #expect(DecisionFingerprint.text(quick, policy) == DecisionFingerprint.text(untraced, policy),
                    sourceLocation: sourceLocation)
        } else {
            Issue.record("the compiled policy did not decide the case", sourceLocation: sourceLocation)
        }
        return slow
    }

    package struct CaseError: Error {}

    package static func zhongshanCase(level: Int, spending: String, previously: String = "0", vat: String = "13%") -> String {
        """
        case: ZS-T
        policy: zhongshan-sme-dx-fund
        item: transformation
        applied_on: 2025-03-12
        applicant: { name: 示例, credit_code: 91442000MA4W7K3Q2B, town: 古镇镇, is_sme: true, in_pilot_library: true }
        project:
          digital_level: \(level)
          assessed_on: 2025-02-28
          previously_granted: \(previously)
          expenses:
            - { name: 软件, category: software, amount: \(spending), vat_rate: \(vat), paid_on: 2024-09-10 }
        """
    }
}
