import ClauseSyntax
import Crypto
import Foundation

/// The YAML files of one policy package folder, read once, and the digest that ties a decision to
/// exactly these bytes.
package struct PackageFiles {
    package var directory: String
    /// (file name, parsed root) in name order; `policy.yaml` is among them.
    package var documents: [(name: String, file: SourceFile, root: YAMLNode)]
    package var digest: String

    /// Every `*.yaml` directly in `directory` (tests/ is not part of the rules).
    package static func read(_ directory: String, into bag: inout DiagnosticBag) -> PackageFiles? {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            bag.error("policy.not-found", "no policy package folder at '\(directory)'", at: .builtin)
            return nil
        }
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard names.contains("policy.yaml") else {
            bag.error("policy.no-policy-yaml", "'\(directory)' has no policy.yaml: a package folder needs one", at: .builtin)
            return nil
        }
        var hasher = SHA256()
        var documents: [(String, SourceFile, YAMLNode)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let (file, root) = YAMLReader.read(path: path, into: &bag)
            if let file {
                hasher.update(data: Data(name.utf8))
                hasher.update(data: Data([0]))
                hasher.update(data: Data(file.text.utf8))
                hasher.update(data: Data([0]))
            }
            if let file, let root { documents.append((name, file, root)) }
        }
        let digest = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return PackageFiles(directory: directory, documents: documents, digest: digest)
    }

    /// One digest for a base package and its amendments, in order.
    package static func combinedDigest(_ digests: [String]) -> String {
        guard digests.count > 1 else { return digests.first ?? "" }
        var hasher = SHA256()
        hasher.update(data: Data(digests.joined(separator: "\n").utf8))
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
