import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Cases read a chunk ahead on another thread come out as reading them one by one would give
/// them: every one, in order, with its text, bad ones as their diagnostics.
@Suite struct CaseReadAheadTests {
    private let loader = CaseLoader(repository: Repo.repository)

    /// A source's case id, or its first diagnostic's message.
    private func summary(_ p: PreparedCase) -> String {
        switch p.loaded {
        case .ready(let c, _): "\(c.id) \(p.text?.count ?? -1)"
        case .failed(let ds): "failed \(ds.first?.message ?? "") \(p.text == nil)"
        }
    }

    private func sources() throws -> [CaseSource] {
        let folder = Repo.path("Playground/cases")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        var out = files.map { CaseSource.file((folder as NSString).appendingPathComponent($0)) }
        // A file that is not there, a line that is not a case, and one the stream could not give.
        out.insert(.file("/nonexistent/case.yaml"), at: 3)
        out.insert(.line(path: "cases.jsonl", text: "{\"case\": ", lineOffset: 4), at: 7)
        out.append(.unreadable(Diagnostic(id: "case.read", "not UTF-8", at: .builtin)))
        return out
    }

    @Test(arguments: [1, 2, 5, 64])
    func everyCaseComesOutInOrderAsReadOneByOne(chunk: Int) throws {
        let all = try sources()
        #expect(all.count > 10)
        let oneByOne = all.map { summary(loader.prepare($0)) }
        let ahead = Array(CaseReadAhead(all, loader: loader, chunk: chunk)).map(summary)
        #expect(ahead == oneByOne)
        #expect(oneByOne.filter { $0.hasPrefix("failed") }.count == 3)
    }

    @Test func nothingToReadGivesNothing() {
        var it = CaseReadAhead([CaseSource](), loader: loader)
        #expect(it.next() == nil)
        #expect(it.next() == nil)
    }
}
