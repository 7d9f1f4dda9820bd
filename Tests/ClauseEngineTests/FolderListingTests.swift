import ClauseEngine
import ClauseTestSupport
import Foundation
import Testing

/// `CaseLoader.expand` lists folders with readdir; it must find what Foundation's enumerator finds.
@Suite struct FolderListingTests {
    @Test func expandFindsWhatTheEnumeratorFinds() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("clause-listing-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: dir) }
        for sub in ["", "/b", "/b/c", "/.hidden", "/d.json"] { try fm.createDirectory(atPath: dir + sub, withIntermediateDirectories: true) }
        for f in ["a.yaml", "z.yml", "notes.txt", "b/x.json", "b/c/y.yaml", ".hidden/h.yaml", "案例.yaml", "b/c/deep.YAML"] {
            #expect(fm.createFile(atPath: dir + "/" + f, contents: Data("case: x\n".utf8)))
        }
        try fm.createSymbolicLink(atPath: dir + "/link.yaml", withDestinationPath: dir + "/a.yaml")
        let expected = (fm.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .sorted().map { dir + "/" + $0 }
        #expect(CaseLoader.expand([dir]) == expected)
        #expect(CaseLoader.expand([dir + "/"]) == expected)
        // Hidden folders, Chinese names, a symlink and a folder named like a case file (as before).
        #expect(expected.count == 8)
        #expect(CaseLoader.expand([Repo.path("Playground/cases")]).count == 23)
    }
}
