import Foundation
import Testing

/// The fixtures' files under Tests/Fixtures: each input with its exact expected output beside it.
/// `CLAUSE_UPDATE_FIXTURES=1 swift test` rewrites the expectations for review.
package enum FixtureFiles {
    package static func discover(_ dir: String, suffix: String?) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { suffix == nil ? !$0.contains(".") : $0.hasSuffix(suffix!) }.sorted()
    }

    /// Renders with paths relative to the repository, so the expectations hold on any machine.
    package static func relative(_ text: String) -> String {
        text.replacingOccurrences(of: Repo.root + "/", with: "")
    }

    package static func compare(_ actual: String, expectedAt path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        if ProcessInfo.processInfo.environment["CLAUSE_UPDATE_FIXTURES"] == "1" {
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no expectation file at \(path))"
        #expect(actual == expected, sourceLocation: sourceLocation)
    }
}
