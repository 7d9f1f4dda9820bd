import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// Everything the benchmarks read, loaded once per benchmark process before measuring.
final class Inputs: Sendable {
    static let shared = Inputs()

    /// The main package's folder: $CLAUSE_ROOT, else two levels above this benchmark package.
    let root: String
    let policyDir: String
    let proposalDir: String
    let policy: Policy
    /// Playground/cases/transformation-granted.yaml, as text and as bytes (for the libyaml loop).
    let yamlPath: String
    let yamlText: String
    let yamlBytes: [UInt8]
    /// One line of the oracle corpus: the first transformation case that is granted.
    let jsonLine: String
    let jsonBytes: [UInt8]
    /// The oracle corpus (case files, one JSON object a line) and the oracle's decisions.
    let corpusLines: [String]
    let expectedLines: [String]
    /// The YAML case as the engine reads it, and as the native baseline's structs.
    let yamlCase: CaseFile
    let yamlNative: NativeCase

    private init() {
        let env = ProcessInfo.processInfo.environment
        let r: String
        if let e = env["CLAUSE_ROOT"], !e.isEmpty {
            r = e
        } else {
            // …/Benchmarks/Benchmarks/ClauseBenchmarks/Inputs.swift → the repository.
            var url = URL(fileURLWithPath: #filePath)
            for _ in 0..<4 { url.deleteLastPathComponent() }
            r = url.path
        }
        func path(_ p: String) -> String { (r as NSString).appendingPathComponent(p) }
        func text(_ p: String) -> String {
            guard let t = try? String(contentsOfFile: path(p), encoding: .utf8) else { fatalError("cannot read \(path(p))") }
            return t
        }
        root = r
        policyDir = path("Policies/shenyang-sme-dx-fund")
        proposalDir = path("Playground/proposals/shenyang-2025-core-sectors")
        let loaded = PolicyLoader.load(policyDir)
        guard let p = loaded.policy else { fatalError("policy does not load: \(loaded.diagnostics.map(\.message))") }
        policy = p
        yamlPath = path("Playground/cases/transformation-granted.yaml")
        yamlText = text("Playground/cases/transformation-granted.yaml")
        yamlBytes = Array(yamlText.utf8)
        let lines = text("Tests/Fixtures/oracle/cases.jsonl").split(separator: "\n").map(String.init)
        let expected = text("Tests/Fixtures/oracle/expected.jsonl").split(separator: "\n").map(String.init)
        corpusLines = lines
        expectedLines = expected
        guard let i = lines.indices.first(where: {
            lines[$0].contains("\"item\":\"transformation\"") && expected[$0].contains("\"outcome\":\"granted\"")
        }) else { fatalError("no granted transformation case in the corpus") }
        jsonLine = lines[i]
        jsonBytes = Array(jsonLine.utf8)
        guard let c = Inputs.read(yamlText, path: yamlPath, policy: p) else { fatalError("the YAML case does not read") }
        yamlCase = c
        guard let n = NativeCase(c, policy: p) else { fatalError("the YAML case is not a transformation case") }
        yamlNative = n
    }

    /// Text → events → slots (FastCaseReader); a case it declines would take the tree path.
    @inline(__always)
    static func readFast(_ text: String, path: String, policy: Policy) -> CaseFile? {
        guard let c = FastCaseReader.read(SourceFile(path: path, text: text), path: path, policy: policy) else { fatalError("not read fast: \(path)") }
        return c
    }

    /// Text → tree → typed case: the path that reports problems.
    @inline(__always)
    static func read(_ text: String, path: String, policy: Policy) -> CaseFile? {
        var bag = DiagnosticBag()
        guard let root = YAMLReader.read(SourceFile(path: path, text: text), into: &bag), !bag.hasErrors else { return nil }
        return CaseReader.read(root, path: path, policy: policy, into: &bag)
    }
}
