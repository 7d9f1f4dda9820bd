import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import Crypto
import ClauseSyntax
import Foundation
import GRDB

/// Appends decisions to a store in batches.
///
/// A batch is one immediate write transaction, opened at its first decision and committed after
/// `batchSize` of them. Each decision is inserted as it is added, with its case text, its
/// packages (once per digest), its package links, the ban it registers and the history events the
/// store did not have yet, so it has its record number at once (the ledger names earlier grants
/// by it) and later reads of the batch see it: a ban it registers applies to the next case of
/// the applicant in the same batch, read on the same connection, with no commit between them. Its JSON line (and its case text,
/// compressed) is made on a second thread (`LineCompressor`) and written into its row before the batch commits. Nobody else writes while
/// a batch is open, and a killed process leaves every committed batch whole and nothing of the
/// batch it was writing. A history that rewrites a recorded event is refused when the case is
/// added, and nothing of that case is kept. One commit per batch rather than per decision is what
/// makes recording fast.
package final class DecisionRecorder {
    package let store: RecordStore
    package let batchSize: Int
    package let recordedBy: String
    /// Decisions inserted in the open batch, not yet committed.
    private var uncommitted = 0
    private var batchOpen = false
    /// Package digests known to be in the store already, and the files of those read this run.
    private var storedPackages: Set<String> = []
    /// Per policy digest, the decision later ones are compressed against (`DecisionBlob`), once committed.
    private var references: [String: DecisionBlob.Reference] = [:]
    /// The same, for references inserted in the open batch, by record number (their lines are
    /// made by `lines`; they join `references` when the batch commits).
    private var batchReferences: [String: Int64] = [:]
    /// Makes the decisions' JSON lines on a second thread while the next cases are decided.
    private let lines = LineCompressor()
    /// Per shape (YAML or JSON), the case later cases are compressed against (`CaseBlob`), once committed.
    private var caseReferences: [String: CaseBlob.Reference] = [:]
    /// The same, for references inserted in the open batch (kept when it commits).
    private var batchCaseReferences: [String: CaseBlob.Reference] = [:]
    private var packageTexts: [String: PackageTexts] = [:]
    /// Compresses case texts (this recorder's thread only).
    private let caseDeflater = Zlib.Deflater()
    /// How many decisions this recorder has committed.
    package private(set) var recorded = 0
    /// Whether a case whose latest decision was revoked may be recorded again (`--reinstate`).
    package var reinstates = false
    /// The revoked decisions that recordings of this recorder reinstated, to be said to the user.
    package private(set) var reinstated: [Applications.Reinstated] = []
    /// Rows written in the open batch, in order, for the record's chain (sealed at the commit,
    /// once every decision has its line).
    private var unsealed: [(kind: String, id: Int64)] = []
    /// The canonical bytes of the batch's decisions, made on the line thread from what they were
    /// inserted with (`RecordChain.DecisionBytes`): sealed without reading the rows back.
    private var unsealedBytes: [Int64: [UInt8]] = [:]
    /// Whether decisions are inserted but not yet committed: what a caller has to hold back from
    /// its output, since a decision printed is one the user takes as kept.
    package var hasPending: Bool { uncommitted > 0 }
    /// Per policy id, the paths `key_paths` holds, as far as the open batch knows them (read again
    /// in each batch: another process may record between two batches).
    private var keyPaths: [String: Set<String>] = [:]
    /// Per policy digest, the paths its decisions keep keys for (`DecisionKeys.paths`): fixed by
    /// the policy, and working them out again was a third of finding a decision's keys.
    private var keptPaths: [String: [String]] = [:]
    /// Whether the store holds decisions recorded before applications were kept
    /// (`Applications.anyRecordedBeforeKept`), asked once per batch.
    private var olderDecisions: Bool?
    /// The JSON lines of committed decisions not yet taken (`line(of:)`), by record number, while
    /// `keepsLines` is set.
    private var keptLines: [Int64: String] = [:]

    /// Whether the JSON line each decision is recorded with (in Chinese, without its trace or
    /// remedies) is kept for the caller until taken: a caller printing that same line takes it
    /// rather than writing it again on the deciding thread. Set before the first decision.
    package var keepsLines: Bool {
        get { lines.keepsLines }
        set { lines.keepsLines = newValue }
    }

    /// Whether the JSON line of a decision in `lang`, with or without its `trace`, is the line the
    /// record keeps (remedies aside, which the record never keeps).
    package static func keepsTheLine(lang: Lang, trace: Bool) -> Bool { lang == LineCompressor.lang && !trace }

    /// The JSON line decision `id` was recorded with, once its batch has committed (nil when not
    /// kept, or already taken): taking it forgets it.
    package func line(of id: Int64) -> String? { keptLines.removeValue(forKey: id) }
    /// Whether a batch (a write transaction) is open.
    package var isBatchOpen: Bool { batchOpen }

    struct PackageTexts {
        var ref: PackageRef
        var title: String
        var files: [(name: String, text: String)]
    }

    struct Pending {
        var caseID: String
        var caseDigest: String
        var caseText: String
        var casePath: String
        var decision: Decision
        var packages: [PackageRef]
        var policy: Policy
        var reasons: String
        var recordedAt: String
        var ban: (code: String, from: CivilDate, through: CivilDate, clause: String)?
        /// The case's `history:`, every event; those beyond what is recorded are appended.
        var events: [RecordedEvent]
    }

    /// Who records: `CLAUSE_USER`, else the login name, else the account the process runs as
    /// (a service or a cron job has no login environment), else "unknown".
    package static func user(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                             account: () -> String? = accountName) -> String {
        environment["CLAUSE_USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? account() ?? "unknown"
    }

    /// The name of the account the process runs as, from the system's user database.
    package static func accountName() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }

    package init(store: RecordStore, batchSize: Int = 1000, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.batchSize = max(1, batchSize)
        recordedBy = DecisionRecorder.user(environment)
    }

    /// The ban the registry holds for this case's applicant, unless the case itself states a ban
    /// that lasts as long or longer. A case cannot lift a registered ban by writing
    /// `blacklisted_until: null` (or an earlier date): the later of the two end dates applies.
    package func registryBan(for c: CaseFile, policy: Policy, asOf: CivilDate?) throws -> RegistryBan? {
        guard let code = BanRegistry.creditCode(c, policy: policy),
              let date = policy.evaluationDate(of: c.facts, asOf: asOf),
              let ban = try store.registryBan(creditCode: code, asOf: date, excludingCase: c.id) else { return nil }
        if let stated = BanRegistry.statedBan(c, policy: policy), stated >= ban.through { return nil }
        return ban
    }

    /// Opens a batch (an immediate write transaction) if none is open: from here until the
    /// commit nobody else writes, so what this recorder reads stays true until it commits.
    package func beginBatch() throws {
        guard !batchOpen else { return }
        if !cacheSized {
            // A batch writes into B-trees keyed at random (case texts by digest, keys by value):
            // with SQLite's default 2 MB of cache, the pages of one batch did not fit, and were
            // spilled and read back within it. Memory is taken only as pages are read.
            try store.execute("PRAGMA cache_size = -\(Self.cacheKiB)")
            // Every insert a guard may refuse, and every savepoint, keeps a journal of the pages it
            // changes, to undo just that statement: in a temporary file, it was eight writes to
            // the kernel per decision recorded, more than the record's own. In memory it lasts
            // one statement and holds a few pages.
            try store.execute("PRAGMA temp_store = MEMORY")
            cacheSized = true
        }
        try store.execute("BEGIN IMMEDIATE")
        batchOpen = true
        keyPaths = [:]
        olderDecisions = nil
    }

    /// The page cache of a recording connection, in KiB.
    static let cacheKiB = 65_536
    private var cacheSized = false

    /// Adds one decision, with the case's history events, to the open batch (opening one if
    /// needed); commits when the batch is full. Returns the decision's record number.
    ///
    /// - Parameters:
    ///   - caseText: the case file exactly as read.
    ///   - casePath: where the case was read, as the record names it (a stream's line says which
    ///     line: `cases.jsonl:42`); the case's own path when nil.
    ///   - caseDigest: the text's digest when it was worked out already (where the case was read).
    /// - Throws: `RecordRefused`, with nothing of the case kept, when its history is not a list
    ///   of events or contradicts the events recorded for the case.
    @discardableResult
    package func add(_ d: Decision, case c: CaseFile, caseText: String, casePath: String? = nil, caseDigest: String? = nil,
                     policy: Policy) throws -> Int64 {
        let read = c.mayHaveHistory ? try WorkflowEvents.read(c.root) : []
        let events = read.map(\.event)
        try beginBatch()
        if !events.isEmpty {
            // The open batch sees its own events: a contradiction with an earlier case of this run is found too.
            let known = try store.workflowEventPayloads(caseID: d.caseID)
            if let i = WorkflowEvents.contradiction(recorded: known, given: events) {
                throw WorkflowEvents.refusal(caseID: d.caseID, given: events[i], recorded: known[i], range: read[i].range)
            }
        }
        for ref in policy.packages where !storedPackages.contains(ref.digest) && packageTexts[ref.digest] == nil {
            packageTexts[ref.digest] = try Self.readPackage(ref, title: policy.title)
        }
        let ban = BanRegistry.registration(of: d, case: c, policy: policy)
        let p = Pending(
            caseID: d.caseID, caseDigest: caseDigest ?? Self.digest(caseText), caseText: caseText, casePath: casePath ?? c.path, decision: d,
            packages: policy.packages, policy: policy, reasons: Self.reasons(d),
            recordedAt: RecordedTime.now(), ban: ban, events: events)
        var newlyStored: Set<String> = []
        var newReferences: [String: Int64] = [:]
        var newCaseReferences: [String: CaseBlob.Reference] = [:]
        let job: LineCompressor.Job
        var sealing: [(kind: String, id: Int64)] = []
        var reinstating: Applications.Reinstated?
        // The lines made meanwhile go into their rows with this case's.
        let made = lines.take()
        // Every refusal but a history's is found by reading, before the case writes anything, so
        // the case needs no savepoint of its own; a case with history events takes one, since its
        // events are checked again as they are appended.
        let savepoint = !events.isEmpty
        do {
            job = try store.inBatch(savepoint: savepoint) { db in
                try give(made, db)
                let older = try olderDecisions ?? Applications.anyRecordedBeforeKept(db)
                olderDecisions = older
                let application = try Applications.check(d, case: c, policy: policy, olderDecisions: older, db)
                // A case id with no decision recorded has none revoked either.
                if application != nil, let revoked = try Applications.revokedLatest(d.caseID, db) {
                    guard reinstates else { throw Applications.refuseReinstating(revoked, case: c) }
                    reinstating = revoked
                }
                // From here a failure is the store's, and the whole batch is given up.
                let caseText = try insertCase(p, db, &newCaseReferences)
                var (job, values) = try insert(p, db, &newlyStored, &newReferences, &sealing)
                job.caseText = caseText
                let keys = DecisionKeys.of(c, policy: policy, paths: paths(policy), parts: d.partAmounts)
                try DecisionKeys.insert(keys, decisionID: job.id, policyID: d.policyID, known: &keyPaths[d.policyID], db)
                try LiveGrants.record(d, id: job.id, keys: keys, first: application == nil, db)
                let applicationRow = application == nil ? Applications.row(d, case: c, policy: policy) : nil
                if let applicationRow { try Applications.insert(applicationRow, decisionID: job.id, db) }
                job.chained = LineCompressor.Chained(values: values, keys: keys, packages: p.packages.map { ($0.digest, Self.role(of: $0)) },
                                                     application: applicationRow)
                return job
            }
        } catch {
            // A store error mid-batch: nothing of the batch is kept (it was never committed). A case
            // refused takes only itself back: in a savepoint, its lines are given again with the next
            // case; without one, the lines were kept before the refusal was read.
            if error is RecordRefused { if savepoint { lines.giveBack(made) } } else { rollback() }
            throw error
        }
        lines.submit(job)
        let id = job.id
        unsealed += sealing
        if let reinstating { reinstated.append(reinstating) }
        storedPackages.formUnion(newlyStored)
        batchReferences.merge(newReferences) { a, _ in a }
        batchCaseReferences.merge(newCaseReferences) { a, _ in a }
        for digest in newlyStored { packageTexts[digest] = nil }
        uncommitted += 1
        if uncommitted >= batchSize { try flush() }
        return id
    }

    /// Commits the open batch, once every decision of it has its line.
    package func flush() throws {
        guard batchOpen else { return }
        do {
            let made = lines.drain()
            let sealing = unsealed
            try store.inSavepoint { db in
                try give(made, db)
                try RecordChain.seal(sealing, db, known: unsealedBytes)
            }
            try store.execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
        batchOpen = false
        recorded += uncommitted
        uncommitted = 0
        clearUnsealed()
        for (digest, id) in batchReferences where references[digest] == nil {
            guard let line = lines.referenceLine(id) else { continue }
            references[digest] = DecisionBlob.Reference(id: id, line: line)
        }
        batchReferences = [:]
        lines.endBatch()
        caseReferences.merge(batchCaseReferences) { a, _ in a }
        batchCaseReferences = [:]
    }

    /// Gives up the open batch: none of it is kept.
    package func rollback() {
        guard batchOpen else { return }
        _ = lines.drain()
        lines.endBatch()
        try? store.execute("ROLLBACK")
        batchOpen = false
        uncommitted = 0
        clearUnsealed()
        keyPaths = [:]
        olderDecisions = nil
        keptLines = [:]
        reinstated = []
        // Packages and references stored in the batch are gone with it.
        storedPackages = []
        batchReferences = [:]
        batchCaseReferences = [:]
    }

    private func clearUnsealed() {
        unsealed = []
        unsealedBytes = [:]
    }

    /// What a new line under `digest` is compressed against: the first decision recorded under
    /// it, if there is one yet (one recorded before this run is read once).
    private func against(_ digest: String, _ db: Database, _ new: [String: Int64]) throws -> LineCompressor.Against {
        if let r = references[digest] { return .stored(r) }
        if let id = batchReferences[digest] ?? new[digest] { return .batch(id) }
        guard let row = try Row.fetchOne(db, sql: "SELECT id, decision_json FROM decisions WHERE policy_digest = ? ORDER BY id LIMIT 1",
                                         arguments: [digest]) else { return .alone }
        let id: Int64 = (try row.decode(forColumn: "id"))
        let value: DatabaseValue = row["decision_json"]
        if case .blob(let b) = value.storage, b.starts(with: DecisionBlob.referring) { return .alone }
        let r = DecisionBlob.Reference(id: id, line: Array(try DecisionBlob.decode(value, decisionID: id).utf8))
        references[digest] = r
        return .stored(r)
    }

    /// The paths decisions of `policy` keep keys for, worked out once per policy.
    private func paths(_ policy: Policy) -> [String] {
        if let known = keptPaths[policy.digest] { return known }
        let made = DecisionKeys.paths(policy)
        keptPaths[policy.digest] = made
        return made
    }

    /// Gives inserted decisions the lines made for them, and inserted cases their texts.
    private func give(_ made: [LineCompressor.Made], _ db: Database) throws {
        guard !made.isEmpty else { return }
        let line = try db.cachedStatement(sql: "UPDATE decisions SET decision_json = ? WHERE id = ?")
        let text = try db.cachedStatement(sql: "UPDATE cases SET text = ? WHERE digest = ?")
        for m in made {
            try line.run(m.line, m.id.databaseValue)
            if let chained = m.chained { unsealedBytes[m.id] = chained }
            if let plain = m.plain { keptLines[m.id] = plain }
            if let c = m.caseText { try text.run(c.value, c.digest.databaseValue) }
        }
    }

    /// The reference case for texts of `shape`, if one is recorded yet.
    private func caseReference(_ shape: String, _ db: Database, _ new: [String: CaseBlob.Reference]) throws -> CaseBlob.Reference? {
        if let r = caseReferences[shape] ?? batchCaseReferences[shape] ?? new[shape] { return r }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT r.digest, c.text FROM case_references r JOIN cases c ON c.digest = r.digest WHERE r.shape = ?
            """), arguments: [shape]) else { return nil }
        let digest: String = row["digest"], value: DatabaseValue = row["text"]
        guard CaseBlob.canRefer(value) else { return nil }
        return CaseBlob.Reference(digest: digest, text: Array(try CaseBlob.decode(value, digest: digest) { _ in nil }.utf8))
    }

    /// Stores the case text once per digest, compressed against the reference case of its shape;
    /// the first case of a shape becomes that reference, stored alone. A case compressed against a
    /// reference is inserted with an empty text, compressed on the line thread and given its text
    /// before the batch commits: what it returns, for the line thread to make.
    private func insertCase(_ p: Pending, _ db: Database, _ new: inout [String: CaseBlob.Reference]) throws -> LineCompressor.CaseText? {
        let shape = CaseBlob.shape(of: p.caseText)
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO cases (digest, text) VALUES (?, ?)")
        if let reference = try caseReference(shape, db, new) {
            try insert.run(p.caseDigest.databaseValue, "".databaseValue)
            return db.changesCount > 0 ? LineCompressor.CaseText(digest: p.caseDigest, text: p.caseText, reference: reference) : nil
        }
        let value = CaseBlob.encode(p.caseText, reference: nil, using: caseDeflater)
        try insert.run(p.caseDigest.databaseValue, value)
        guard db.changesCount > 0, case .blob(let b) = value.storage, b.starts(with: CaseBlob.alone) else { return nil }
        try db.cachedStatement(sql: "INSERT INTO case_references (shape, digest) VALUES (?, ?)").execute(arguments: [shape, p.caseDigest])
        new[shape] = CaseBlob.Reference(digest: p.caseDigest, text: Array(p.caseText.utf8))
        return nil
    }

    /// The statement that inserts a decision: its chained columns but the record number, in the
    /// chain's order, so the values bound are the values sealed.
    private static let insertDecision: String = {
        let columns = RecordChain.decision.columns.dropFirst()
        return "INSERT INTO decisions (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }()

    /// How a decision's link to a package names the package's part in it.
    static func role(of ref: PackageRef) -> String { ref.amends == nil ? "base" : "amends" }

    /// Inserts the decision's row, its line still to come: the job that makes it, and the row's
    /// values in the chain's column order (its line empty).
    private func insert(_ p: Pending, _ db: Database, _ newlyStored: inout Set<String>, _ newReferences: inout [String: Int64],
                        _ sealing: inout [(kind: String, id: Int64)]) throws -> (LineCompressor.Job, [DatabaseValue]) {
        for ref in p.packages where !storedPackages.contains(ref.digest) && !newlyStored.contains(ref.digest) {
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM packages WHERE digest = ?)", arguments: [ref.digest]) ?? false
            if !exists {
                guard let texts = packageTexts[ref.digest] else { throw StoreBug("package \(ref.digest) was not read before recording") }
                try db.execute(sql: "INSERT INTO packages (digest, policy_id, version, title, stored_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [ref.digest, ref.id, ref.version, texts.title, p.recordedAt])
                let file = try db.cachedStatement(sql: "INSERT INTO package_files (digest, name, text) VALUES (?, ?, ?)")
                for f in texts.files { try file.execute(arguments: [ref.digest, f.name, f.text]) }
            }
            newlyStored.insert(ref.digest)
        }
        let d = p.decision
        let against = try against(d.policyDigest, db, newReferences)
        let row: [DatabaseValue] = [
            d.caseID.databaseValue, p.caseDigest.databaseValue, p.casePath.databaseValue, d.policyID.databaseValue,
            d.policyDigest.databaseValue, d.policyVersion.databaseValue, d.item?.databaseValue ?? .null, d.asOf.iso.databaseValue,
            d.outcome.rawValue.databaseValue, d.amount.fen.databaseValue, p.reasons.databaseValue, d.consequences.clawback.fen.databaseValue,
            d.consequences.blacklistedUntil?.iso.databaseValue ?? .null, d.registryBan?.decisionID.databaseValue ?? .null,
            d.registryBan?.correction.databaseValue ?? .null, "".databaseValue, ClauseVersion.current.databaseValue,
            p.recordedAt.databaseValue, recordedBy.databaseValue,
        ]
        try db.cachedStatement(sql: Self.insertDecision).run(values: row)
        let id = db.lastInsertedRowID
        let values = [id.databaseValue] + row
        sealing.append(("decision", id))
        if case .alone = against { newReferences[d.policyDigest] = id }
        let link = try db.cachedStatement(sql: "INSERT INTO decision_packages (decision_id, position, digest, role) VALUES (?, ?, ?, ?)")
        for (i, ref) in p.packages.enumerated() {
            try link.run(id.databaseValue, i.databaseValue, ref.digest.databaseValue, Self.role(of: ref).databaseValue)
        }
        if let b = p.ban {
            try db.execute(sql: "INSERT INTO bans (credit_code, from_date, through, clause, case_id, decision_id) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [b.code, b.from.iso, b.through.iso, b.clause, d.caseID, id])
            sealing.append(("ban", db.lastInsertedRowID))
        }
        if !p.events.isEmpty {
            let events = try WorkflowEvents.append(p.events, caseID: d.caseID, caseDigest: p.caseDigest, decisionID: id, recordedAt: p.recordedAt, db)
            sealing += events.map { ("event", $0) }
        }
        return (LineCompressor.Job(id: id, decision: d, policy: p.policy, against: against), values)
    }

    /// A package's files as they are now; refused when they are not the ones that decided
    /// (edited between deciding and recording), since the record would then lie. Every `*.yaml`
    /// that the digest covers is kept, even one that holds no document.
    static func readPackage(_ ref: PackageRef, title: String) throws -> PackageTexts {
        var files: [(name: String, text: String)] = []
        for name in PackageFiles.yamlNames(in: ref.directory) {
            var bag = DiagnosticBag()
            guard let file = YAMLReader.read(path: (ref.directory as NSString).appendingPathComponent(name), into: &bag).file else { continue }
            files.append((name: name, text: file.text))
        }
        guard PackageFiles.digest(of: files) == ref.digest else {
            throw StoreError(.cannotOpen, path: ref.directory, "the policy package changed while its decisions were being recorded; record again")
        }
        return PackageTexts(ref: ref, title: title, files: files)
    }

    /// `sha256:` of a text's UTF-8 bytes.
    package static func digest(_ text: String) -> String { PackageFiles.digest(ofText: text) }

    /// The reasons as a JSON array, as they appear in the decision line.
    static func reasons(_ d: Decision) -> String {
        var w = JSONWriter()
        JSONDecisionRenderer.writeReasons(d, lang: .zh, into: &w)
        return w.output
    }
}
