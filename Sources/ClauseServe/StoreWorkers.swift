import ClauseSyntax
import ClauseLanguage
import ClauseEngine
import ClauseStore
import ClauseWorkflows
import Dispatch
import Foundation

/// The threads that read the store. The store's reads and the replays behind a page block (a
/// GRDB queue, files written for a replayed package), so they run here, never on the server's
/// event loops nor on Swift's cooperative threads: each worker is a serial queue of its own with
/// its own store connection, replayer and caches, touched only from that queue.
final class StoreWorkers: Sendable {
    private let workers: [Worker]
    private let turn = Turn()

    init(storePath: String, count: Int) throws {
        workers = try (0..<max(1, count)).map { i in try Worker(storePath: storePath, index: i) }
    }

    /// Runs `body` on the next worker's queue and hands back its result.
    func run<T: Sendable>(_ body: @escaping @Sendable (WorkerState) throws -> T) async throws -> T {
        let w = workers[turn.next(workers.count)]
        return try await withCheckedThrowingContinuation { continuation in
            w.queue.async { continuation.resume(with: Result { try body(w.state) }) }
        }
    }

    /// Drops every worker's replayer, so their temporary folders go before the process ends.
    private let repository = PolicyRepository()

    /// A policy compiled once per digest (for the remedy search).
    func compiled(_ policy: Policy) -> CompiledPolicy { repository.compiled(policy) }

    func close() {
        for w in workers { w.queue.sync { w.state.close() } }
    }

    private final class Worker: Sendable {
        let queue: DispatchQueue
        let state: WorkerState
        init(storePath: String, index: Int) throws {
            queue = DispatchQueue(label: "clause.serve.store.\(index)")
            state = try WorkerState(store: RecordStore(path: storePath, create: false))
        }
    }

    private final class Turn: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next(_ count: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            n = (n + 1) % count
            return n
        }
    }
}

/// What one worker keeps between requests. Only its own queue touches it.
final class WorkerState: @unchecked Sendable {
    let store: RecordStore
    private var replayerStorage: Replayer?
    private var sessionStorage: WorkflowSession?
    /// Replays of recorded decisions: a record never changes, so its replay is kept (bounded).
    var replays: [Int64: Result<Replayer.Replayed, Replayer.ReplayProblem>] = [:]
    /// Workflow replays per case, with the latest decision id and event count they were made on.
    var caseReplays: [String: (key: String, replay: Result<CaseReplay, DiagnosticsError>)] = [:]

    /// Queue entries judged, by case, its latest decision, the role, district and language.
    var queueEntries: [String: Site.QueueEntry] = [:]
    /// Case pages laid out, by case, the record's state and language.
    var casePages: [String: (body: String, json: String)] = [:]

    init(store: RecordStore) {
        self.store = store
    }

    func replayer() throws -> Replayer {
        if let r = replayerStorage { return r }
        let r = try Replayer(store: store)
        replayerStorage = r
        return r
    }

    /// The workflows under ./Workflows (or CLAUSE_WORKFLOW_PATH), over today's packages, as
    /// `clause workflow` reads them.
    func workflows() -> WorkflowSession {
        if let s = sessionStorage { return s }
        let repository = PolicyRepository()
        let s = WorkflowSession(repository: repository, catalog: WorkflowCatalog.load(roots: WorkflowCatalog.defaultRoots(), repository: repository))
        sessionStorage = s
        return s
    }

    /// The replay of a recorded decision, kept once made.
    func replay(_ r: RecordedDecision) throws -> Result<Replayer.Replayed, Replayer.ReplayProblem> {
        if let done = replays[r.id] { return done }
        let result = try replayer().replay(r)
        if replays.count > 4096 { replays = [:] }
        replays[r.id] = result
        return result
    }

    private let repository = PolicyRepository()

    /// A policy compiled once per digest (for the remedy search).
    func compiled(_ policy: Policy) -> CompiledPolicy { repository.compiled(policy) }

    func close() {
        replays = [:]
        casePages = [:]
        replayerStorage = nil
    }
}
