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
        let names = yamlNames(in: directory)
        guard names.contains("policy.yaml") else {
            bag.error("policy.no-policy-yaml", "'\(directory)' has no policy.yaml: a package folder needs one", at: .builtin)
            return nil
        }
        var texts: [(name: String, text: String)] = []
        var documents: [(String, SourceFile, YAMLNode)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let (file, root) = YAMLReader.read(path: path, into: &bag)
            if let file { texts.append((name, file.text)) }
            if let file, let root { documents.append((name, file, root)) }
        }
        return PackageFiles(directory: directory, documents: documents, digest: digest(of: texts))
    }

    /// The package's YAML file names in `directory`, sorted: the files its digest covers.
    package static func yamlNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    /// The digest of a package's files: each file's name and text, in name order, each followed by NUL.
    package static func digest(of files: [(name: String, text: String)]) -> String {
        var hasher = SHA256()
        for f in files {
            hasher.update(data: Data(f.name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(f.text.utf8))
            hasher.update(data: Data([0]))
        }
        return text(of: hasher.finalize())
    }

    /// The digest of one text (a case file as read): `sha256:` of its UTF-8 bytes.
    package static func digest(ofText text: String) -> String {
        text.withUTF8InPlace { PackageFiles.text(of: SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// One digest for a base package and its amendments, in order.
    package static func combinedDigest(_ digests: [String]) -> String {
        guard digests.count > 1 else { return digests.first ?? "" }
        var hasher = SHA256()
        hasher.update(data: Data(digests.joined(separator: "\n").utf8))
        return text(of: hasher.finalize())
    }

    /// `sha256:` and the digest in lowercase hex, as every digest clause writes is spelled.
    /// By table: `String(format:)` per byte cost more than the hash itself.
    package static func text(of digest: SHA256.Digest) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = Array("sha256:".utf8)
        out.reserveCapacity(7 + 64)
        for b in digest {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
