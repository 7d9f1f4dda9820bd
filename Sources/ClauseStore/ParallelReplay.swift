import Foundation

/// Decides recorded decisions again on several cores: each worker has its own connection to the
/// store and its own `Replayer` (SQLite's WAL lets readers run side by side), and the results
/// come back in record order, a chunk at a time, so what is printed is the same as one core's.
package enum ParallelReplay {
    /// What replaying one decision gave.
    package enum Outcome {
        case same(RecordedDecision)
        case differs(RecordedDecision, Replayer.Replayed)
        case failed(RecordedDecision, Replayer.ReplayProblem)
    }

    /// Replays `ids` in order, handing each chunk's outcomes to `each` in record order.
    ///
    /// - Parameters:
    ///   - replayer: the first worker's; the others get one like it on their own connection.
    ///   - workers: how many cores to use (at most the machine's; one below two chunks of work).
    package static func run(_ ids: [Int64], replayer: Replayer, workers wanted: Int = ProcessInfo.processInfo.activeProcessorCount,
                            chunk: Int = 256, _ each: ([Outcome]) throws -> Void) throws {
        let workers = max(1, min(wanted, 8, (ids.count + chunk - 1) / chunk))
        let replayers = Workers(try [replayer] + (1..<max(1, workers)).map { _ -> Replayer in
            let r = try Replayer(store: RecordStore(path: replayer.store.path, create: false))
            r.tracing = replayer.tracing
            return r
        })
        var start = 0
        while start < ids.count {
            // One round: a chunk per worker, side by side; then their outcomes, in order.
            let round = (0..<workers).map { w -> ArraySlice<Int64> in
                let from = min(ids.count, start + w * chunk)
                return ids[from..<min(ids.count, from + chunk)]
            }
            let results = Results(count: workers)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                results.set(w, Result { try replay(round[w], replayers.all[w]) })
            }
            for w in 0..<workers { try each(try results.get(w)) }
            start += workers * chunk
        }
    }

    private static func replay(_ ids: ArraySlice<Int64>, _ replayer: Replayer) throws -> [Outcome] {
        var out: [Outcome] = []
        for id in ids {
            guard let r = try replayer.store.decision(id: id) else { continue }
            switch try replayer.replay(r) {
            case .success(let again) where again.reproduces: out.append(.same(r))
            case .success(let again): out.append(.differs(r, again))
            case .failure(let p): out.append(.failed(r, p))
            }
        }
        return out
    }

    /// The workers' replayers: each is used by its own worker only.
    private final class Workers: @unchecked Sendable {
        let all: [Replayer]
        init(_ all: [Replayer]) { self.all = all }
    }

    /// Each worker's outcomes, written by that worker only.
    private final class Results: @unchecked Sendable {
        // Holds outcomes that are not Sendable: each slot is written by one worker and read after all finish.
        private let lock = NSLock()
        private var slots: [Result<[Outcome], Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<[Outcome], Error>) { lock.withLock { slots[i] = r } }
        func get(_ i: Int) throws -> [Outcome] { try lock.withLock { slots[i] }?.get() ?? [] }
    }
}
