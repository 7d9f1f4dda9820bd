import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// The cases the remedy tests search: the Playground's and the oracle's, read under Shenyang.
package enum RemedyCases {
    package static let compiled = CompiledPolicy(Repo.shenyang)

    package static func read(_ text: String, path: String) -> (CaseFile, YAMLNode)? {
        var bag = DiagnosticBag()
        let file = SourceFile(path: path, text: text)
        guard let root = YAMLReader.read(file, into: &bag),
              let c = CaseReader.read(root, path: path, policy: Repo.shenyang, into: &bag) else { return nil }
        return (c, root)
    }

    package static func playground() throws -> [(CaseFile, YAMLNode)] {
        let dir = Repo.path("Playground/cases")
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted().compactMap { f in
            read(try String(contentsOfFile: "\(dir)/\(f)", encoding: .utf8), path: f)
        }
    }

    package static func oracle() throws -> [(CaseFile, YAMLNode)] {
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/oracle/cases.jsonl"), encoding: .utf8).split(separator: "\n")
        return lines.enumerated().compactMap { read(String($1), path: "cases.jsonl:\($0 + 1)") }
    }
}
