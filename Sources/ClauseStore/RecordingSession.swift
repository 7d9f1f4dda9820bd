import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Decides case files with the store in use: the registry's bans are seen by the rules, and,
/// when recording, each decision is appended to the store.
public final class RecordingSession {
    package let loader: CaseLoader
    package let recorder: DecisionRecorder
    /// False for `evaluate --store` without `--record`: bans are read, nothing is written.
    package let records: Bool
    /// Whether a refused or incomplete decision carries its remedies (never in the record).
    package var searchesRemedies = true

    /// The fund's record as the packages' `ledger:` figures read it.
    private let ledger: StoreLedger
    private let lock: LedgerLock

    /// Whether decisions carry their justification tree (`explain`, a JSON line with `--trace`, a
    /// memo); without it the compiled policy decides, which gives the same decision.
    private let tracing: Bool

    public init(store: RecordStore, policy: String?, records: Bool, batchSize: Int = 1000, tracing: Bool = true) {
        self.tracing = tracing
        loader = CaseLoader(repository: PolicyRepository(explicit: policy))
        recorder = DecisionRecorder(store: store, batchSize: batchSize)
        ledger = StoreLedger(store: store, loader: loader)
        // Only a recorder is the store's one writer while it decides: a reader's figures could be
        // changed under it by a recorder elsewhere between two cases.
        ledger.keepsFigures = records
        lock = LedgerLock(storePath: store.path)
        self.records = records
    }

    /// Decides one case file (recording it when recording); diagnostics for a file that cannot
    /// be decided, or whose history cannot be recorded (not a list of events, or rewriting a
    /// recorded event), which is then not recorded at all.
    ///
    /// - Throws: store errors only; a bad case file is a `.failure`, not a throw.
    public func decide(path: String, asOf: CivilDate?) throws -> Result<(Decision, Policy), DiagnosticsError> {
        try decide(.file(path), asOf: asOf)
    }

    /// Decides one case file or JSON Lines line; a line is recorded with its own text.
    package func decide(_ source: CaseSource, asOf: CivilDate?) throws -> Result<(Decision, Policy), DiagnosticsError> {
        try decide(loader.prepare(source), asOf: asOf)
    }

    /// Decides a case already read (`CaseReadAhead` reads the next ones while this one is decided).
    package func decide(_ prepared: PreparedCase, asOf: CivilDate?) throws -> Result<(Decision, Policy), DiagnosticsError> {
        guard records else { return try decideUnlocked(prepared, asOf: asOf) }
        // Recording: the ledger lock and the batch's write transaction are taken before the
        // figures are read, and kept until the batch commits, so what a decision counted is
        // still the record when its grant is kept; another recorder waits for the commit.
        if !recorder.isBatchOpen {
            lock.acquire()
            do { try recorder.beginBatch() } catch {
                lock.release()
                throw error
            }
            ledger.batchBegan()
        }
        do {
            let r = try decideUnlocked(prepared, asOf: asOf)
            if !recorder.isBatchOpen { lock.release() }
            return r
        } catch {
            recorder.rollback()
            lock.release()
            throw error
        }
    }

    private func decideUnlocked(_ prepared: PreparedCase, asOf: CivilDate?) throws -> Result<(Decision, Policy), DiagnosticsError> {
        let text = prepared.text
        switch prepared.loaded {
        case .failed(let ds): return .failure(DiagnosticsError(ds))
        case .ready(var c, let policy):
            let ban = try recorder.registryBan(for: c, policy: policy, asOf: asOf)
            if let ban { _ = BanRegistry.apply(ban, to: &c, policy: policy) }
            // Keys worked out as the case was read hold for it while no ban has changed it.
            let keys = ban == nil ? prepared.derived as? [LedgerFigures.FigureKey] : nil
            let counted = policy.ledger.isEmpty ? nil : try ledger.use(for: c, policy: policy, keys: keys)
            if let counted { FactPath.setLedger(counted, in: &c, policy: policy) }
            let decided = tracing ? Interpreter.decide(c, policy: policy, asOf: asOf, tracing: true)
                : Interpreter.decide(c, compiled: loader.repository.compiled(policy), asOf: asOf)
            switch decided {
            case .failure(let f):
                return .failure(DiagnosticsError([f.diagnostic(at: c.root.range)]))
            case .success(var d):
                d.registryBan = ban
                d.ledger = counted
                lastRecordNumber = nil
                if records, let text {
                    let id: Int64
                    // A stream's case is named by its line: the stream alone does not say which case it was.
                    let place = prepared.line.map { "\(c.path):\($0)" }
                    do {
                        id = try recorder.add(d, case: c, caseText: text, casePath: place, caseDigest: prepared.textDigest, policy: policy)
                    } catch let r as RecordRefused {
                        return .failure(DiagnosticsError([r.diagnostic]))
                    }
                    // Counted for the cases after it at once, with its record number.
                    if counted != nil { ledger.recorded(d, id: id, case: c, policy: policy) }
                    lastRecordNumber = id
                }
                lastCase = c
                // Never while recording: the search may take long, and the batch holds the store's
                // write lock; `remedies(for:)` searches once the batch is committed.
                if searchesRemedies && !records { d.remedies = RemedyFinder.search(c, compiled: loader.repository.compiled(policy), asOf: asOf) }
                return .success((d, policy))
            }
        }
    }

    /// What the reading thread works out for this session from each case as it is read: its
    /// figure keys (`PreparedCase.derived`).
    package let derive: CaseReadAhead.Derive = { c, policy in policy.ledger.isEmpty ? nil : LedgerFigures.keys(c, policy) }

    /// The case of the last decision made, as it was decided (registry ban and figures applied).
    package private(set) var lastCase: CaseFile?
    /// The record number of the last decision recorded.
    package private(set) var lastRecordNumber: Int64?

    /// Adds the remedies of a refused or incomplete decision of `c`: for recording, where they are
    /// searched outside the batch (the record keeps no remedies).
    package func remedies(for d: inout Decision, case c: CaseFile, policy: Policy, asOf: CivilDate?) {
        guard searchesRemedies else { return }
        d.remedies = RemedyFinder.search(c, compiled: loader.repository.compiled(policy), asOf: asOf)
    }

    /// Commits the last batch.
    public func finish() throws {
        defer { lock.release() }
        try recorder.flush()
    }
}
