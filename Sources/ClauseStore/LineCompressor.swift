import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import Foundation
import GRDB

/// Renders recorded decisions' JSON lines and compresses them on a second thread, in the order
/// they were inserted, while the recorder decides and inserts the next cases.
///
/// Rendering a line with its trace and compressing it is about half of what recording costs, and
/// nothing else waits for it: a decision gets its record number when its row is inserted, and its
/// line is only read once the batch has committed. So the row is inserted with an empty line and
/// given its line (`decision_json`) before the batch commits (`DecisionRecorder.flush`): a batch
/// that never commits never shows the empty line to anyone.
///
/// The case text a decision inserted is compressed here too, against its shape's reference case,
/// and given to its `cases` row the same way: compressing it had been a sixth of the recording
/// thread's work. (The first case of a shape, which becomes the reference, is compressed where it
/// is inserted: whether it may serve as one depends on how it compressed.)
///
/// One thread, first in first out: a line compressed against a reference made in the same batch
/// finds that reference's line already made.
final class LineCompressor: @unchecked Sendable {
    /// What a line is compressed against (`DecisionBlob`).
    enum Against: Sendable {
        /// Nothing: this decision is its policy digest's reference.
        case alone
        /// A reference whose line is known (committed before).
        case stored(DecisionBlob.Reference)
        /// The reference made earlier in this batch, by record number: its line is made here.
        case batch(Int64)
    }

    struct Job: Sendable {
        var id: Int64
        var decision: Decision
        var policy: Policy
        var against: Against
        /// The case text this decision inserted, to compress against `reference`.
        var caseText: CaseText?
        /// What the decision was inserted with, for its canonical bytes.
        var chained: Chained?
    }

    /// A decision as it was inserted, for the record's chain (`RecordChain.DecisionBytes`).
    struct Chained: Sendable {
        var values: [DatabaseValue]
        var keys: [(path: String, value: String?)]
        var packages: [(digest: String, role: String)]
        var application: [DatabaseValue]?
    }

    /// A case text inserted with an empty text, and the reference case it is compressed against.
    struct CaseText: Sendable {
        var digest: String
        var text: String
        var reference: CaseBlob.Reference
    }

    /// What a job made: its decision's line, and its case's text when it inserted one.
    struct Made: Sendable {
        var id: Int64
        var line: DatabaseValue
        /// The decision's canonical bytes for the record's chain, its line among them (nil when
        /// the job did not say what the decision was inserted with: the row is then read back).
        var chained: [UInt8]?
        var caseText: (digest: String, value: DatabaseValue)?
        /// The line as written, before compression, when `keepsLines` asked for it.
        var plain: String?
    }

    /// The language of the lines the record keeps.
    static let lang: Lang = .zh

    /// Whether each `Made` carries its line uncompressed: for a caller that prints the same line
    /// the record keeps (set before the first job).
    var keepsLines = false

    private let queue = DispatchQueue(label: "clause.recorder.lines")
    /// How many jobs go to the queue at once: one hand-off (a wake-up of the line thread) per
    /// decision was a tenth of recording's system time.
    static let group = 16
    /// At most this many groups in the making, so a long batch holds a bounded number of lines.
    private let slots = DispatchSemaphore(value: 4)
    private let lock = NSLock()
    /// Jobs submitted and not yet handed to the queue (only the submitting thread touches it).
    private var waiting: [Job] = []
    /// Lines (and case texts) made and not yet taken.
    private var made: [Made] = []
    /// The lines of the references made in the open batch (only the queue touches it).
    private var references: [Int64: [UInt8]] = [:]
    /// The line thread's compressor (only the queue touches it).
    private let deflater = Zlib.Deflater()

    /// Makes `job`'s line in the background (handed over with the jobs after it, a group at a time).
    func submit(_ job: Job) {
        waiting.append(job)
        if waiting.count >= Self.group { handOver() }
    }

    /// Hands the waiting jobs to the line thread.
    private func handOver() {
        guard !waiting.isEmpty else { return }
        let jobs = waiting
        waiting.removeAll(keepingCapacity: true)
        slots.wait()
        queue.async { [self] in
            var lines: [Made] = []
            lines.reserveCapacity(jobs.count)
            for job in jobs {
                let caseText = job.caseText.map { c in
                    (c.digest, CaseBlob.encode(c.text, reference: c.reference, using: deflater))
                }
                let (plain, line) = make(job)
                lines.append(Made(id: job.id, line: line, chained: Self.chained(job, line: line), caseText: caseText,
                                  plain: keepsLines ? plain : nil))
            }
            lock.withLock { made += lines }
            slots.signal()
        }
    }

    /// The canonical bytes of a job's decision with its line `line` (on the queue).
    private static func chained(_ job: Job, line: DatabaseValue) -> [UInt8]? {
        guard let c = job.chained else { return nil }
        return RecordChain.DecisionBytes(c.values, keys: c.keys, packages: c.packages, application: c.application)
            .bytes(line: RecordChain.lineBytes(line))
    }

    /// One job's line, as written and compressed (on the queue).
    private func make(_ job: Job) -> (plain: String, stored: DatabaseValue) {
        // The lean line: `why` and `replay` decide the case again for its justification.
        let line = JSONDecisionRenderer.render(job.decision, policy: job.policy, lang: Self.lang, trace: false)
        let reference: DecisionBlob.Reference?
        switch job.against {
        case .alone:
            reference = nil
            references[job.id] = Array(line.utf8)
        case .stored(let r): reference = r
        case .batch(let id): reference = references[id].map { DecisionBlob.Reference(id: id, line: $0) }
        }
        return (line, DecisionBlob.encode(line, reference: reference, using: deflater))
    }

    /// The lines made so far, in order.
    func take() -> [Made] {
        lock.withLock {
            defer { made.removeAll(keepingCapacity: true) }
            return made
        }
    }

    /// Lines taken whose rows did not get them (their savepoint was rolled back): they come first
    /// in the next `take`.
    func giveBack(_ lines: [Made]) {
        guard !lines.isEmpty else { return }
        lock.withLock { made.insert(contentsOf: lines, at: 0) }
    }

    /// Every line submitted, once made, in order.
    func drain() -> [Made] {
        handOver()
        queue.sync {}
        return take()
    }

    /// The line of a reference made in this batch (after `drain`).
    func referenceLine(_ id: Int64) -> [UInt8]? { queue.sync { references[id] } }

    /// Forgets the batch's references: after a commit (they are then known as stored) or a
    /// rollback (their record numbers may be given again).
    func endBatch() {
        queue.sync { references = [:] }
        _ = take()
    }
}
