import ClauseLanguage
import Dispatch

/// A case source read and typed, ready to be decided.
package struct PreparedCase {
    package var loaded: CaseLoader.Loaded
    /// The text it was read from (what a recorder keeps), nil when it could not be read.
    package var text: String?
    /// The line of a JSON Lines stream it was read from (1 for the first); nil for a file.
    package var line: Int?
    /// The text's digest, worked out with the reading when the case is to be recorded (where
    /// it costs the deciding thread nothing); nil otherwise.
    package var textDigest: String?
    /// What the caller asked to be worked out from the case alone on the reading thread
    /// (`CaseReadAhead.Derive`), nil when the case could not be read or nothing was asked.
    package var derived: (any Sendable)?
}

extension CaseLoader {
    /// Reads and types one source. It needs nothing of the fund's record, so it may run on
    /// another thread than the one deciding.
    ///
    /// - Parameter digest: whether to work out the text's digest too (`PreparedCase.textDigest`).
    /// - Parameter derive: what to work out from the case once read (`PreparedCase.derived`).
    package func prepare(_ source: CaseSource, digest: Bool = false, derive: CaseReadAhead.Derive? = nil) -> PreparedCase {
        var prepared: PreparedCase
        switch source {
        case .file(let path):
            let (loaded, text) = loadKeepingText(path: path)
            prepared = PreparedCase(loaded: loaded, text: text)
        case .line(let path, let line, let offset):
            prepared = PreparedCase(loaded: load(text: line, path: path, lineOffset: offset), text: line, line: offset + 1)
        case .unreadable(let d):
            prepared = PreparedCase(loaded: .failed([d]), text: nil)
        }
        if digest, let text = prepared.text { prepared.textDigest = PackageFiles.digest(ofText: text) }
        if let derive, case .ready(let c, let policy) = prepared.loaded { prepared.derived = derive(c, policy) }
        return prepared
    }
}

/// Reads and types case sources a chunk ahead on another thread, and hands them over in their
/// order. Recording decides one case at a time on one thread, because each grant is counted for
/// the cases after it; reading a case needs nothing of the record, and was the largest part of
/// that thread's work after the store's own.
///
/// At most two chunks are held: the one being handed over and the one being read.
package struct CaseReadAhead: Sequence, IteratorProtocol {
    /// One chunk, once `done`: the sources taken and what they were read into (written by the
    /// reading thread before it leaves `done`, read by the deciding thread after waiting on it).
    private final class Chunk: @unchecked Sendable {
        var prepared: [PreparedCase] = []
        let done = DispatchGroup()
    }

    /// The sources, taken only on the reading queue (serial): splitting a stream into lines and
    /// making their texts was the deciding thread's work before.
    private final class Sources: @unchecked Sendable {
        var iterator: AnyIterator<CaseSource>
        init(_ iterator: AnyIterator<CaseSource>) { self.iterator = iterator }
    }

    /// Work on a case as read, done on the reading thread: it may read only the case and its
    /// policy, never the record, which the deciding thread changes meanwhile.
    package typealias Derive = @Sendable (CaseFile, Policy) -> (any Sendable)?

    private let sources: Sources
    private let loader: CaseLoader
    private let size: Int
    private let digests: Bool
    private let derive: Derive?
    /// The chunk being handed over, read where it lies.
    private var current: Chunk?
    private var position = 0
    private var ahead: Chunk?
    private var started = false
    private let queue = DispatchQueue(label: "clause.read-ahead")

    /// - Parameters:
    ///   - digests: whether each case's text digest is worked out with it (for recording).
    ///   - derive: what else is worked out from each case as it is read.
    package init(_ sources: some Sequence<CaseSource>, loader: CaseLoader, chunk: Int = 64, digests: Bool = false, derive: Derive? = nil) {
        var it = sources.makeIterator()
        self.sources = Sources(AnyIterator { it.next() })
        self.loader = loader
        self.digests = digests
        self.derive = derive
        size = Swift.max(1, chunk)
    }

    package mutating func next() -> PreparedCase? {
        if !started {
            started = true
            ahead = start()
        }
        while position == current?.prepared.count ?? 0 {
            guard let chunk = ahead else { return nil }
            chunk.done.wait()
            // The chunk just decided is freed on the reading queue: releasing its cases' trees
            // was 3% of the deciding thread's work.
            if let decided = current { queue.async { decided.prepared = [] } }
            current = chunk
            position = 0
            // A chunk that found no source left is the end.
            guard !chunk.prepared.isEmpty else {
                ahead = nil
                return nil
            }
            // The next chunk is read while this one is decided.
            ahead = start()
        }
        defer { position += 1 }
        return current?.prepared[position]
    }

    /// Starts taking and reading the next chunk of sources on the reading queue.
    private func start() -> Chunk {
        let chunk = Chunk()
        let sources = sources, size = size, loader = loader, digests = digests, derive = derive
        chunk.done.enter()
        queue.async {
            var taken: [CaseSource] = []
            while taken.count < size, let s = sources.iterator.next() { taken.append(s) }
            chunk.prepared = taken.map { loader.prepare($0, digest: digests, derive: derive) }
            chunk.done.leave()
        }
        return chunk
    }
}
