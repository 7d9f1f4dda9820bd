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

    /// Figures kept between the cases of a recording batch are those counted afresh for every
    /// case: the fund's 600 applications recorded in one batch (figures kept, and changed by the
    /// grants of the same batch) and one case a batch (nothing kept) decide and count alike.
    @Test func figuresKeptInABatchAreThoseCountedAfreshForEveryCase() throws {
        let lines = try String(contentsOfFile: Repo.path("Tests/Fixtures/fund/cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        func record(batchSize: Int) throws -> [Decision] {
            let s = try StoreScratch()
            let store = try RecordStore(path: s.store, create: true)
            let session = RecordingSession(store: store, policy: Repo.shenyangDirectory, records: true, batchSize: batchSize, tracing: false)
            session.searchesRemedies = false
            var decided: [Decision] = []
            for (i, line) in lines.enumerated() {
                if case .success(let (d, _)) = try session.decide(.line(path: "cases.jsonl", text: line, lineOffset: i), asOf: nil) {
                    decided.append(d)
                }
            }
            try session.finish()
            return decided
        }
        let kept = try record(batchSize: 1000), afresh = try record(batchSize: 1)
        #expect(kept.count == lines.count && afresh.count == lines.count)
        #expect(kept.contains { $0.ledger?.figures.contains { $0.grants > 0 } == true }, "some figure counts a grant")
        for (a, b) in zip(kept, afresh) {
            #expect(a.caseID == b.caseID && a.outcome == b.outcome && a.amount == b.amount, "\(a.caseID): the same decision")
            #expect(a.ledger == b.ledger, "\(a.caseID): the same figures")
        }
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
        try Self.expectGroupsAlike(store: s.store, policy: policy, loader: loader)
        #expect(try s.clause(["replay", "--all"]).stdout.hasSuffix("5 reproduce, 0 differ\n"))
    }

    /// `clause ledger` reads the grants that count a key at a time (`eachLiveGroup`): the same
    /// keys in the same order, figures and grants as the book that reads every decision, on the
    /// fund's sequence with grants revoked, and on a package with award parts and a budget by year.
    @Test func theLedgerReadAKeyAtATimeIsTheBook() throws {
        let s = try StoreScratch()
        try FileManager.default.copyItem(atPath: Repo.path("Tests/Fixtures/fund/cases.jsonl"), toPath: s.path("cases.jsonl"))
        #expect(try s.clause(["evaluate", "--record", "--no-remedies", "--jsonl", "cases.jsonl"]).status == 0)
        let granted = try String(contentsOfFile: s.path("cases.jsonl"), encoding: .utf8).split(separator: "\n").prefix(40)
            .compactMap { line -> String? in (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["case"] as? String }
        var revoked = 0
        for id in granted.prefix(12) where try s.clause(["revoke", id, "--reason", "test"]).status == 0 { revoked += 1 }
        #expect(revoked > 0)
        let loader = CaseLoader(repository: PolicyRepository(explicit: Repo.shenyangDirectory))
        try Self.expectGroupsAlike(store: s.store, policy: Repo.shenyang, loader: loader)
    }

    static func expectGroupsAlike(store path: String, policy: Policy, loader: CaseLoader, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try RecordStore(path: path, create: false)
        let ledger = StoreLedger(store: store, loader: loader)
        let book = try StoreLedger(store: store, loader: loader).book(for: policy)
        func text(_ values: [(path: String, value: Value)]) -> String { values.map { "\($0.path)=\($0.value)" }.joined(separator: ";") }
        func text(_ e: LedgerEntry, _ m: LedgerMeasure) -> String { "\(e.caseID)#\(e.decisionID ?? 0) \(e.asOf.iso) \(e.amount.fen) \(String(describing: e.partAmount(for: m)))" }
        var keys = 0
        for (m, measure) in policy.ledger.enumerated() {
            var streamed: [String] = []
            let indexed = try ledger.eachLiveGroup(of: policy, measure: m) { g in
                streamed.append("\(text(g.values)) = \(g.figure): " + g.entries.map { text($0, measure) }.joined(separator: ", "))
            }
            #expect(indexed, "every grant has its keys", sourceLocation: sourceLocation)
            let read = book.groups(of: m).map { g in "\(text(g.values)) = \(g.figure): " + g.entries.map { text($0, measure) }.joined(separator: ", ") }
            #expect(streamed == read, "\(measure.name)", sourceLocation: sourceLocation)
            keys += read.count
        }
        #expect(keys > 0, sourceLocation: sourceLocation)
    }
}
