import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseTestSupport
import Foundation
import Testing

/// The figures counted by index from the grants that count (`LedgerFigures`) are the book's
/// (`LedgerBook`, which reads every decision): same values, same grants named, same limits, on
/// the fund's sequence of 600 applications and on a package with award parts, a budget by year
/// and a limit that depends on the case.
@Suite struct LedgerFiguresTests {
    /// Compares both ways of counting for every case, against the store as it stands.
    static func expectAgreement(store path: String, cases: [CaseFile], policy: Policy, loader: CaseLoader,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try RecordStore(path: path, create: false)
        let book = try StoreLedger(store: store, loader: loader).book(for: policy)
        let figures = LedgerFigures(store: store)
        var compared = 0
        for c in cases {
            let indexed = try #require(try figures.use(for: c, policy: policy), "the store's grants all have keys", sourceLocation: sourceLocation)
            let read = book.use(for: c)
            for (a, b) in zip(indexed.figures, read.figures) {
                #expect(a.name == b.name && a.value == b.value && a.grants == b.grants && a.limit == b.limit,
                        "\(c.id) \(a.name): index \(a.value) \(a.grants) vs book \(b.value) \(b.grants)", sourceLocation: sourceLocation)
                #expect(a.counted.map(\.decisionID) == b.counted.map(\.decisionID), "\(c.id) \(a.name): the grants named", sourceLocation: sourceLocation)
                #expect(a.counted.map(\.amount) == b.counted.map(\.amount), sourceLocation: sourceLocation)
                compared += 1
            }
        }
        #expect(compared >= cases.count, sourceLocation: sourceLocation)
    }

    @Test func theFundsSequenceIsCountedAlikeByIndexAndByTheBook() throws {
        let s = try StoreScratch()
        try FileManager.default.copyItem(atPath: Repo.path("Tests/Fixtures/fund/cases.jsonl"), toPath: s.path("cases.jsonl"))
        let r = try s.clause(["evaluate", "--record", "--no-remedies", "--jsonl", "cases.jsonl"])
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        let loader = CaseLoader(repository: PolicyRepository(explicit: Repo.shenyangDirectory))
        let lines = try String(contentsOfFile: s.path("cases.jsonl"), encoding: .utf8).split(separator: "\n")
        let cases = lines.enumerated().compactMap { i, line -> CaseFile? in
            guard case .ready(let c, _) = loader.load(text: String(line), path: "cases.jsonl", lineOffset: i) else { return nil }
            return c
        }
        #expect(cases.count == lines.count)
        try Self.expectAgreement(store: s.store, cases: cases, policy: Repo.shenyang, loader: loader)
    }

    @Test func awardPartsYearsAndCaseLimitsAreCountedAlike() throws {
        let s = try StoreScratch()
        let dir = Repo.path("Playground/cities/topup-example")
        let template = try String(contentsOfFile: "\(dir)/tests/cases/level4.yaml", encoding: .utf8)
        var files: [String] = []
        // One enterprise over two years and both batches, and a second enterprise.
        for (i, (date, code, spending)) in [("2025-03-10", "91440000EXAMPLE001", "1000000.00"), ("2025-08-01", "91440000EXAMPLE001", "2500000.00"),
                                            ("2025-09-01", "91440000EXAMPLE002", "800000.00"), ("2026-03-01", "91440000EXAMPLE001", "3000000.00"),
                                            ("2026-04-01", "91440000EXAMPLE002", "500000.00")].enumerated() {
            files.append(try s.write("t\(i).yaml", template.replacingOccurrences(of: "EX-2025-0001", with: "EX-T-\(i)")
                .replacingOccurrences(of: "applied_on: 2025-03-10", with: "applied_on: \(date)")
                .replacingOccurrences(of: "91440000EXAMPLE001", with: code)
                .replacingOccurrences(of: "spending: 1000000.00", with: "spending: \(spending)")))
        }
        let r = try s.clause(["evaluate", "--record", "--policy", dir, "--format", "json"] + files)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == files.count)
        let loader = CaseLoader(repository: PolicyRepository(explicit: dir))
        let cases = files.compactMap { f -> CaseFile? in
            guard case .ready(let c, _) = loader.load(path: s.path(f)) else { return nil }
            return c
        }
        let policy = try #require(loader.repository.load(dir).policy)
        #expect(cases.count == files.count)
        try Self.expectAgreement(store: s.store, cases: cases, policy: policy, loader: loader)
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("5 reproduce, 0 differ\n"))
    }
}
