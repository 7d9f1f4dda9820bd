import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
@testable import ClauseStore
import ClauseTestSupport
import Foundation
import GRDB
import Testing

/// Recording makes each decision's JSON line on a second thread and writes it into the row
/// before the batch commits (`LineCompressor`). Whatever the batches, refusals and bans, every
/// committed row has its line, the lines are the ones a one-thread recorder would have kept, and
/// each reads back to the decision as rendered.
@Suite struct RecordingPipelineTests {
    /// Ten granted cases, a fraud finding (its ban commits its batch at once) and a case whose
    /// history rewrites the one recorded before it (refused, nothing of it kept), mixed.
    static func cases(_ s: StoreScratch) throws -> [String] {
        try s.corpus("many", prefix: "SY-2024-T-PIPE", count: 10)
        try s.write("fraud.yaml", try StoreScratch.playground("fraud-found.yaml"))
        try s.write("paid.yaml", try StoreScratch.playground("history-paid.yaml"))
        try s.write("rewritten.yaml", try StoreScratch.playground("history-paid.yaml", [("name: 王审核", "name: 赵审核")]))
        let many = (0..<10).map { s.path("many/SY-2024-T-PIPE-\(String(format: "%05d", $0)).yaml") }
        return Array(many[0..<4]) + [s.path("paid.yaml")] + Array(many[4..<7]) + [s.path("fraud.yaml"), s.path("rewritten.yaml")] + Array(many[7...])
    }

    /// Records `paths` in batches of `batchSize`; the stored column values in record order, and
    /// how many were refused.
    static func record(_ paths: [String], _ s: StoreScratch, store name: String, batchSize: Int) throws -> (rows: [(String, DatabaseValue)], refused: Int, store: RecordStore) {
        let store = try RecordStore(path: s.path(name), create: true)
        let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true, batchSize: batchSize)
        var refused = 0
        for p in paths {
            if case .failure = try session.decide(path: p, asOf: nil) { refused += 1 }
        }
        try session.finish()
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT case_id, decision_json FROM decisions ORDER BY id").map { ($0["case_id"] as String, $0["decision_json"] as DatabaseValue) }
        }
        return (rows, refused, store)
    }

    /// A decision is sealed into the record's chain by bytes made from what it was inserted with,
    /// not read back: over every bundled example (grants and refusals, bans, history events, keys
    /// with no value), decided under a base package and its amendment (two package links), twice
    /// (the second time with no application of its own), in one batch and in batches of one, those
    /// bytes must be the ones `verify` reads back, or it would call a row edited.
    @Test func theBytesADecisionIsSealedByAreTheOnesTheStoreReadsBack() throws {
        let s = try StoreScratch()
        let examples = try FileManager.default.contentsOfDirectory(atPath: Repo.path("Playground/cases")).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(examples.count > 20)
        var paths: [String] = []
        for name in examples { paths.append(s.path(try s.write("cases/\(name)", try StoreScratch.playground(name)))) }
        for batchSize in [1, 1000] {
            let store = try RecordStore(path: s.path("base-\(batchSize).sqlite"), create: true)
            let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true, batchSize: batchSize)
            session.recorder.reinstates = true
            for _ in 0..<2 { for p in paths { _ = try session.decide(path: p, asOf: nil) } }
            try session.finish()
            let decisions = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions") ?? 0 }
            #expect(decisions > 2 * 20, "\(decisions)")
            let report = try store.verify()
            #expect(report.findings.isEmpty, "\(report.findings.map(\.description))")
        }
        // Under the base package and its amendment (named, its base found under Policies/): each
        // decision links two packages.
        let store = try RecordStore(path: s.path("amended.sqlite"), create: true)
        let session = RecordingSession(store: store, policy: Repo.path("Playground/proposals/shenyang-2025-core-sectors"), records: true, batchSize: 1000)
        for p in paths { _ = try session.decide(path: p, asOf: CivilDate(iso: "2025-08-01")) }
        try session.finish()
        let links = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM decision_packages WHERE role = 'amends'") ?? 0 }
        #expect(links > 0)
        #expect(try store.verify().findings.isEmpty)
    }

    /// A recorder that keeps its lines hands each committed decision's line over once, and it is
    /// the decision's JSON line in Chinese without trace: what `evaluate --record --format json`
    /// prints in its place. In batches of one and of three, so lines wait across commits.
    @Test func aKeptLineIsTheDecisionsJSONLineTakenOnce() throws {
        let s = try StoreScratch()
        let paths = try Self.cases(s)
        for batchSize in [1, 3] {
            let store = try RecordStore(path: s.path("kept-\(batchSize).sqlite"), create: true)
            let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true, batchSize: batchSize)
            session.recorder.keepsLines = true
            var decided: [(Int64, Decision, Policy)] = []
            for p in paths {
                if case .success(let (d, policy)) = try session.decide(path: p, asOf: nil), let id = session.lastRecordNumber {
                    decided.append((id, d, policy))
                }
            }
            try session.finish()
            #expect(decided.count == paths.count - 1)
            #expect(Set(decided.map(\.0)).count == decided.count)
            for (id, d, policy) in decided {
                let line = session.recorder.line(of: id)
                #expect(line == JSONDecisionRenderer.render(d, policy: policy, lang: .zh, trace: false), "decision #\(id)")
                #expect(session.recorder.line(of: id) == nil, "decision #\(id) handed over twice")
            }
        }
    }

    /// The figure keys the reading thread works out as a case is read give the figures that
    /// keys worked out while deciding give: every bundled example recorded twice over (so later
    /// cases count earlier grants), read ahead with and without them, decides alike.
    @Test func figureKeysWorkedOutAheadCountAsThoseWorkedOutWhileDeciding() throws {
        let s = try StoreScratch()
        let examples = try FileManager.default.contentsOfDirectory(atPath: Repo.path("Playground/cases")).filter { $0.hasSuffix(".yaml") }.sorted()
        var sources: [CaseSource] = []
        for name in examples { sources.append(.file(s.path(try s.write("cases/\(name)", try StoreScratch.playground(name))))) }
        sources += sources
        func lines(ahead: Bool) throws -> [String] {
            let store = try RecordStore(path: s.path("ahead-\(ahead).sqlite"), create: true)
            let session = RecordingSession(store: store, policy: s.path("Policies/shenyang-sme-dx-fund"), records: true, batchSize: 7)
            session.recorder.reinstates = true
            var out: [String] = []
            for prepared in CaseReadAhead(sources, loader: session.loader, chunk: 5, digests: true, derive: ahead ? session.derive : nil) {
                #expect((prepared.derived != nil) == (ahead && { if case .ready = prepared.loaded { true } else { false } }()))
                if case .success(let (d, policy)) = try session.decide(prepared, asOf: nil) {
                    out.append(JSONDecisionRenderer.render(d, policy: policy, lang: .zh, trace: false))
                }
            }
            try session.finish()
            return out
        }
        let ahead = try lines(ahead: true)
        #expect(ahead.count > 40)
        #expect(ahead.contains { $0.contains(#""ledger":"#) })
        #expect(ahead == (try lines(ahead: false)))
    }

    /// `evaluate --record --format json` prints the line the record keeps where it can; what it
    /// prints is what it printed when it wrote every line itself: the same objects as with
    /// `--trace` (which it writes itself), trace aside, remedies and all, one per line.
    @Test func recordingPrintsTheLinesItWouldWrite() throws {
        let s = try StoreScratch()
        let examples = try FileManager.default.contentsOfDirectory(atPath: Repo.path("Playground/cases")).filter { $0.hasSuffix(".yaml") }.sorted()
        for name in examples { try s.write("cases/\(name)", try StoreScratch.playground(name)) }
        func objects(_ args: [String], store: String) throws -> [NSDictionary] {
            let r = try ClauseBinary.clause(["evaluate", "cases", "--record", "--format", "json", "--store", s.path(store)] + args, cwd: s.root)
            #expect(r.stderr.contains("recorded "), "\(r.stderr)")
            return try r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! NSDictionary
                let lean = object.mutableCopy() as! NSMutableDictionary
                lean.removeObjects(forKeys: ["trace", "trace_version"])
                return lean
            }
        }
        let printed = try objects([], store: "printed.sqlite")
        let written = try objects(["--trace"], store: "written.sqlite")
        #expect(printed.count > 20)
        #expect(printed.contains { $0["remedies"] != nil } && printed.contains { $0["remedies"] == nil })
        #expect(printed == written)
    }

    @Test func everyCommittedRowHasTheLineAOneThreadRecorderWouldKeep() throws {
        let s = try StoreScratch()
        let paths = try Self.cases(s)
        let one = try Self.record(paths, s, store: "one.sqlite", batchSize: 1)
        let three = try Self.record(paths, s, store: "three.sqlite", batchSize: 3)
        let all = try Self.record(paths, s, store: "all.sqlite", batchSize: 1000)
        #expect(one.refused == 1 && three.refused == 1 && all.refused == 1)
        #expect(one.rows.count == paths.count - 1)
        for run in [one, three, all] {
            #expect(run.rows.map(\.0) == one.rows.map(\.0))
            #expect(!run.rows.contains { $0.1 == "".databaseValue }, "a row kept without its line")
            #expect(run.rows.map(\.1) == one.rows.map(\.1), "the lines differ from one batch size to another")
            // And each line is the decision as replay renders it again.
            let replayer = try Replayer(store: run.store)
            for id in try run.store.allDecisionIDs() {
                guard let r = try run.store.decision(id: id), case .success(let again) = try replayer.replay(r) else {
                    Issue.record("decision #\(id) did not replay")
                    continue
                }
                let reproduces = again.reproduces  // (a failing #expect would print the whole decision)
                #expect(reproduces, "decision #\(id)")
            }
        }
        // The first line under the package is kept alone, the others against it.
        guard case .blob(let first) = all.rows[0].1.storage, case .blob(let second) = all.rows[1].1.storage else {
            Issue.record("the lines are not compressed")
            return
        }
        #expect(first.starts(with: DecisionBlob.alone) && second.starts(with: DecisionBlob.referring))
    }

    /// Case texts are compressed on the line thread too: whatever the batches, every committed
    /// case has its text (none left empty), the same bytes as a one-thread recorder keeps, the
    /// first of its shape alone and the others against it, and the record verifies.
    @Test func everyCommittedCaseHasTheTextAOneThreadRecorderWouldKeep() throws {
        let s = try StoreScratch()
        let paths = try Self.cases(s)
        func texts(_ store: RecordStore) throws -> [(String, DatabaseValue)] {
            try store.read { db in
                try Row.fetchAll(db, sql: "SELECT digest, text FROM cases ORDER BY digest").map { ($0["digest"] as String, $0["text"] as DatabaseValue) }
            }
        }
        let one = try Self.record(paths, s, store: "one.sqlite", batchSize: 1)
        let expected = try texts(one.store)
        #expect(expected.count == paths.count - 1)
        for run in [one, try Self.record(paths, s, store: "three.sqlite", batchSize: 3), try Self.record(paths, s, store: "all.sqlite", batchSize: 1000)] {
            let kept = try texts(run.store)
            #expect(!kept.contains { $0.1 == "".databaseValue }, "a case kept without its text")
            #expect(kept.map(\.0) == expected.map(\.0) && kept.map(\.1) == expected.map(\.1), "the case texts differ from one batch size to another")
            let frames = kept.map { row -> String in
                guard case .blob(let b) = row.1.storage else { return "text" }
                return String(decoding: b.prefix(4), as: UTF8.self)
            }
            #expect(frames.filter { $0 == "CLC1" }.count == 1 && frames.filter { $0 == "CLC2" }.count == kept.count - 1, "\(frames)")
            #expect(try run.store.verify().findings.isEmpty)
        }
    }

    /// A second run into the same store compresses against the reference the first run kept.
    @Test func aLaterRunCompressesAgainstTheStoredReference() throws {
        let s = try StoreScratch()
        let paths = try Self.cases(s)
        _ = try Self.record(Array(paths.prefix(3)), s, store: "s.sqlite", batchSize: 1000)
        let again = try Self.record(Array(paths.suffix(3)), s, store: "s.sqlite", batchSize: 2)
        #expect(again.rows.count == 6)
        let frames = again.rows.map { row -> String in
            guard case .blob(let b) = row.1.storage else { return "text" }
            return String(decoding: b.prefix(4), as: UTF8.self)
        }
        #expect(frames == ["CLZ1", "CLZ2", "CLZ2", "CLZ2", "CLZ2", "CLZ2"])
        let replayer = try Replayer(store: again.store)
        for id in try again.store.allDecisionIDs() {
            guard let r = try again.store.decision(id: id), case .success(let replayed) = try replayer.replay(r) else {
                Issue.record("decision #\(id) did not replay")
                continue
            }
            let reproduces = replayed.reproduces
            #expect(reproduces, "decision #\(id)")
        }
    }

    /// The compressor gives lines back in submission order, against the reference made before
    /// them; lines given back come first in the next take.
    @Test func linesComeInOrderAndGivenBackComeFirst() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let decision = try Repo.decide(policy: Repo.shenyang, yaml: yaml)
        let line = JSONDecisionRenderer.render(decision, policy: Repo.shenyang, lang: .zh, trace: false)
        let compressor = LineCompressor()
        compressor.submit(.init(id: 7, decision: decision, policy: Repo.shenyang, against: .alone))
        for id in Int64(8)...12 { compressor.submit(.init(id: id, decision: decision, policy: Repo.shenyang, against: .batch(7))) }
        let made = compressor.drain()
        #expect(made.map(\.id) == [7, 8, 9, 10, 11, 12])
        #expect(try DecisionBlob.decode(made[0].line, decisionID: 7) == line)
        #expect(try DecisionBlob.decode(made[3].line, decisionID: 10) { id in id == 7 ? made[0].line : nil } == line)
        #expect(compressor.referenceLine(7) == Array(line.utf8))
        compressor.giveBack(Array(made.prefix(2)))
        compressor.submit(.init(id: 13, decision: decision, policy: Repo.shenyang, against: .batch(7)))
        #expect(compressor.drain().map(\.id) == [7, 8, 13])
        compressor.endBatch()
        #expect(compressor.referenceLine(7) == nil)
    }

    /// Jobs go to the line thread a group at a time: more than a group, and a last group left
    /// short, all come back once, in order, each the line made alone.
    @Test func linesHandedOverInGroupsComeBackWholeAndInOrder() throws {
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let decision = try Repo.decide(policy: Repo.shenyang, yaml: yaml)
        let line = JSONDecisionRenderer.render(decision, policy: Repo.shenyang, lang: .zh, trace: false)
        let compressor = LineCompressor()
        let count = LineCompressor.group * 2 + 3
        compressor.submit(.init(id: 1, decision: decision, policy: Repo.shenyang, against: .alone))
        for id in Int64(2)...Int64(count) { compressor.submit(.init(id: id, decision: decision, policy: Repo.shenyang, against: .batch(1))) }
        let made = compressor.drain()
        #expect(made.map(\.id) == Array(Int64(1)...Int64(count)))
        #expect(try made.allSatisfy { try DecisionBlob.decode($0.line, decisionID: $0.id) { id in id == 1 ? made[0].line : nil } == line })
        #expect(made.last?.line == DecisionBlob.encode(line, reference: DecisionBlob.Reference(id: 1, line: Array(line.utf8))),
                "a kept compressor makes the bytes a new one makes")
        compressor.endBatch()
    }

    /// The recorder keeps a package's files only when they are still the ones that decided: the
    /// loader's digest over the same listing. A file edited in between refuses the recording.
    @Test func aPackageIsKeptOnlyAsItWasWhenItDecided() throws {
        let s = try StoreScratch()
        let dir = s.path("Policies/shenyang-sme-dx-fund")
        let policy = try #require(PolicyLoader.load(dir).policy)
        let ref = try #require(policy.packages.first)
        let texts = try DecisionRecorder.readPackage(ref, title: policy.title)
        #expect(texts.files.map(\.name) == PackageFiles.yamlNames(in: dir))
        #expect(PackageFiles.digest(of: texts.files) == ref.digest)
        let params = (dir as NSString).appendingPathComponent("parameters.yaml")
        try (try String(contentsOfFile: params, encoding: .utf8) + "\n# edited\n").write(toFile: params, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try DecisionRecorder.readPackage(ref, title: policy.title) }
    }
}
