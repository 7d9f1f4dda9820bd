import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation
import FuzzSupport

/// The package loader (ClauseLanguage) on a package's YAML files. An input is a whole package:
/// files introduced by a line `#file: NAME.yaml` (a YAML comment, so each seed is also readable
/// YAML), written to a fresh folder and loaded as `clause check` loads it: a base package alone,
/// an amendment (`amends:`) on the Shenyang package. A package that loads is compiled, and an
/// amendment of Shenyang decides the Playground cases with both interpreters, which must agree.
enum Folder {
    static let directory: String = {
        let d = NSTemporaryDirectory() + "clause-fuzz-package-\(getpid())/package"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    static let cases: [CaseFile] = {
        let dir = (Fuzz.root as NSString).appendingPathComponent("Playground/cases")
        let loader = CaseLoader(repository: Fuzz.repository)
        return CaseLoader.expand([dir]).compactMap { path in
            guard case .ready(let c, _) = loader.load(path: path) else { return nil }
            return c
        }
    }()

    /// The input's files, by name; a name that is not a plain `*.yaml` file name is skipped.
    static func files(_ text: String) -> [(String, String)] {
        var files: [(String, String)] = []
        var name: String?
        var body = ""
        func flush() { if let name { files.append((name, body)) } }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#file: ") {
                flush()
                let n = line.dropFirst(7).trimmingCharacters(in: .whitespaces)
                let plain = n.hasSuffix(".yaml") && n.count <= 40 && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
                name = plain && !n.hasPrefix(".") ? n : nil
                body = ""
            } else {
                body += line + "\n"
            }
        }
        flush()
        return files.isEmpty ? [("policy.yaml", text)] : files
    }

    /// Replaces the folder's files with `files`.
    static func write(_ files: [(String, String)]) {
        let fm = FileManager.default
        for old in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] {
            try? fm.removeItem(atPath: (directory as NSString).appendingPathComponent(old))
        }
        for (name, body) in files {
            fm.createFile(atPath: (directory as NSString).appendingPathComponent(name), contents: Data(body.utf8))
        }
    }
}

Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    Folder.write(Folder.files(text))
    let dir = Folder.directory
    let header = PolicyLoader.header(dir)
    let amendsShenyang = header?.amends == Fuzz.shenyang.id
    let result = amendsShenyang ? PolicyLoader.load(dir, base: Fuzz.shenyang) : PolicyLoader.load(dir)
    _ = DiagnosticRenderer().render(result.diagnostics)
    guard let policy = result.policy else {
        if !result.diagnostics.contains(where: { $0.severity == .error }) { Fuzz.fail("the package was refused without an error") }
        return 0
    }
    let compiled = CompiledPolicy(policy)
    guard amendsShenyang else { return 0 }
    for c in Folder.cases {
        Fuzz.decideBothWays(c, policy, compiled: compiled)
    }
    return 0
}
