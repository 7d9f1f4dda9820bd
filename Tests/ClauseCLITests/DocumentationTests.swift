import Foundation
import Testing

/// The repository documents itself: every diagnostic id the sources emit is in the catalogue, and
/// every relative link of the README and of docs/ leads to a file that exists.
///
/// Both read the checkout, not the built module, so they hold wherever the sources move.
@Suite struct DiagnosticCatalogueDocTests {
    /// The ids the sources emit: a dotted literal such as `"yaml.duplicate-key"` given to a call
    /// that makes a diagnostic (`error(…)`, `warning(…)`, `Diagnostic(…)`, `problem(…)`, `fail(…)`)
    /// or labelled `id:`.
    static func emittedIDs() throws -> [String: String] {
        let literal = try Regex(#""([a-z][a-z0-9]*(?:\.[a-z0-9-]+)+)""#)
        // Simple word boundaries: by Unicode's rules `bag.error` is one word, with no boundary
        // before `error`.
        let call = try Regex(#"(?:\b(?:error|warning|note|problem|fail\w*)|\bDiagnostic)\s*\("#).wordBoundaryKind(.simple)
        let labelled = try Regex(#"\bid:\s*$"#).wordBoundaryKind(.simple)
        let blankLine = try Regex(#"\n[ \t]*\n"#)
        var ids: [String: String] = [:]
        for file in try DocumentationFiles.files(under: "Sources", ending: ".swift") {
            let text = try String(contentsOfFile: DocumentationFiles.path(file), encoding: .utf8)
            for match in text.matches(of: literal) {
                let id = String(match.output[1].substring ?? "")
                let start = text.index(match.range.lowerBound, offsetBy: -200, limitedBy: text.startIndex) ?? text.startIndex
                let before = text[start..<match.range.lowerBound]
                // The id may follow other arguments (`error(ctx, e, "type.mismatch", …)`) or open a
                // call's second line: look back to the start of the statement (a brace or a blank line).
                var statement = before.split(omittingEmptySubsequences: false, whereSeparator: { ";{}".contains($0) }).last ?? ""
                if let gap = statement.ranges(of: blankLine).last { statement = statement[gap.upperBound...] }
                if statement.contains(call) || statement.contains(labelled), ids[id] == nil {
                    ids[id] = file
                }
            }
        }
        return ids
    }

    /// The ids the catalogue documents: the first cell of each table row, in backticks.
    static func catalogueIDs() throws -> Set<String> {
        let text = try String(contentsOfFile: DocumentationFiles.path("docs/reference/diagnostics.md"), encoding: .utf8)
        let row = try Regex(#"^\| `([a-z][a-z0-9]*(?:\.[a-z0-9-]+)+)` \|"#).anchorsMatchLineEndings()
        return Set(text.matches(of: row).map { String($0.output[1].substring ?? "") })
    }

    @Test func everyEmittedIDIsCatalogued() throws {
        let emitted = try Self.emittedIDs()
        let catalogued = try Self.catalogueIDs()
        #expect(emitted.count > 100, "the scan found too few ids: \(emitted.count)")
        let missing = emitted.keys.filter { !catalogued.contains($0) }.sorted()
        #expect(missing.isEmpty, "not in docs/reference/diagnostics.md: \(missing.map { "\($0) (\(emitted[$0]!))" }.joined(separator: ", "))")
    }

    @Test func everyCataloguedIDIsEmitted() throws {
        let emitted = try Self.emittedIDs()
        let stale = try Self.catalogueIDs().filter { emitted[$0] == nil }.sorted()
        #expect(stale.isEmpty, "in docs/reference/diagnostics.md but no longer emitted: \(stale.joined(separator: ", "))")
    }

    /// The scan itself: a real id is found, and a fact path or a file name is not taken for one.
    @Test func theScanTellsIDsFromOtherDottedText() throws {
        let emitted = try Self.emittedIDs()
        #expect(emitted["yaml.duplicate-key"] != nil)
        #expect(emitted["expr.syntax"] != nil)
        #expect(emitted["policy.yaml"] == nil)
        #expect(emitted["decision.outcome"] == nil)
    }
}

@Suite struct DocLinkTests {
    /// Every `[text](target)` of README.md, Benchmarks/README.md and docs/ whose target is a path in
    /// the repository (not a web address, not an anchor alone) names a file or folder that exists.
    @Test func everyRelativeLinkLeadsSomewhere() throws {
        let link = try Regex(#"\]\(([^)\s]+)\)"#)
        var pages = ["README.md", "Benchmarks/README.md"]
        pages += try DocumentationFiles.files(under: "docs", ending: ".md")
        var broken: [String] = []
        for page in pages {
            let text = try String(contentsOfFile: DocumentationFiles.path(page), encoding: .utf8)
            let folder = (page as NSString).deletingLastPathComponent
            for match in text.matches(of: link) {
                let target = String(match.output[1].substring ?? "")
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("#") || target.hasPrefix("mailto:") { continue }
                let file = String(target.split(separator: "#", maxSplits: 1)[0])
                let resolved = (DocumentationFiles.path(folder) as NSString).appendingPathComponent(file)
                if !FileManager.default.fileExists(atPath: (resolved as NSString).standardizingPath) {
                    broken.append("\(page): \(target)")
                }
            }
        }
        #expect(pages.count > 10)
        #expect(broken.isEmpty, "links to nothing: \(broken.joined(separator: "; "))")
    }

    @Test func theReadmeFitsOnAFewScreens() throws {
        let text = try String(contentsOfFile: DocumentationFiles.path("README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines <= 300, "README.md has \(lines) lines; the rest belongs in docs/")
    }
}

/// Files of the checkout, found from this file's path so the tests run from any folder and from
/// any test target this file is moved into.
enum DocumentationFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    static func path(_ relative: String) -> String {
        relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
    }

    /// Paths relative to the root, sorted, of the files under `folder` whose names end in `suffix`.
    static func files(under folder: String, ending suffix: String) throws -> [String] {
        let base = path(folder)
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".build") && !$0.contains("/.build/") }
            .map { (folder as NSString).appendingPathComponent($0) }
            .sorted()
    }
}
