import Foundation

/// The reference lines and reference case texts of one store, decoded once per process.
///
/// Every stored line and case is compressed against one of a handful of references (one per
/// policy digest, one per case shape), and references are never rewritten once committed. Reading
/// a thousand decisions used to fetch and inflate the same reference a thousand times.
package final class ReferenceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Int64: [UInt8]] = [:]
    private var cases: [String: String] = [:]

    package init() {}

    /// The reference line of decision `id`, decoded by `load` the first time it is asked for.
    func line(_ id: Int64, load: () throws -> [UInt8]) throws -> [UInt8] {
        if let known = lock.withLock({ lines[id] }) { return known }
        let line = try load()
        lock.withLock { lines[id] = line }
        return line
    }

    /// The reference case text of `digest`, if decoded before.
    func caseText(_ digest: String) -> String? { lock.withLock { cases[digest] } }

    func keep(caseText: String, digest: String) { lock.withLock { cases[digest] = caseText } }
}
