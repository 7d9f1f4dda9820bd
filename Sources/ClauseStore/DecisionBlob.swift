import CZlib
import Foundation
import GRDB

/// How the store keeps a decision's JSON line in `decisions.decision_json`.
///
/// Decisions under one policy say much the same: the same rules, expressions, labels and
/// messages. So the first decision recorded under a policy digest is its *reference*, kept
/// zlib-compressed on its own (`CLZ1`, then the line's length in UTF-8 bytes as four
/// little-endian bytes, then the zlib stream); every later one under that digest is compressed
/// with the reference's line as zlib's preset dictionary (`CLZ2`, the length, the reference's
/// decision id as eight little-endian bytes, then the stream): about 1 KB for a line of 10 KB.
/// Decisions are never deleted, so a reference stays. A line that compression does not shrink is
/// kept as text, as every record made before compression is; all forms give back the line byte for byte.
package enum DecisionBlob {
    package static let alone: [UInt8] = Array("CLZ1".utf8)
    package static let referring: [UInt8] = Array("CLZ2".utf8)

    /// A decision whose line other decisions are compressed against.
    package struct Reference: Sendable {
        package var id: Int64
        package var line: [UInt8]
        package init(id: Int64, line: [UInt8]) {
            self.id = id
            self.line = line
        }
    }

    /// The column value for `line`, compressed against `reference` when there is one.
    package static func encode(_ line: String, reference: Reference? = nil) -> DatabaseValue {
        encode(line, reference: reference, using: nil)
    }

    /// The same, with a compressor the calling thread keeps (the same bytes, made faster).
    static func encode(_ line: String, reference: Reference?, using deflater: Zlib.Deflater?) -> DatabaseValue {
        var naming: [UInt8] = []
        if let reference { ZlibFrame.appendLittleEndian(UInt64(bitPattern: reference.id), bytes: 8, to: &naming) }
        return ZlibFrame.value(reference == nil ? alone : referring, line, naming: naming, dictionary: reference?.line, using: deflater)
    }

    /// The line a column value holds. `reference` gives the stored value of a decision by id
    /// (the reference a `CLZ2` value names). A blob that is not one of ours, or that does not
    /// inflate to the length it states, is a damaged or foreign store.
    package static func decode(_ value: DatabaseValue, decisionID: Int64, reference: (Int64) throws -> DatabaseValue? = { _ in nil }) throws -> String {
        try decode(value, decisionID: decisionID, referenceLine: { id in try referenceLine(id, stored: try reference(id), of: decisionID) })
    }

    /// The same, with `referenceLine` giving the decoded line of a reference by id (`referenceLine(_:stored:)`,
    /// cached by the caller).
    package static func decode(_ value: DatabaseValue, decisionID: Int64, referenceLine: (Int64) throws -> [UInt8]) throws -> String {
        try ZlibFrame.decode(value, alone: alone, referring: referring, what: "decision #\(decisionID)", kind: "decision", none: "no decision") { naming in
            guard naming.count > 8 else { throw StoreBug.damaged("decision #\(decisionID) holds a blob that is not a compressed decision") }
            let id = Int64(bitPattern: ZlibFrame.littleEndian(Array(naming.prefix(8)), at: 0, bytes: 8))
            guard id != decisionID else { throw notAReference(decisionID, id) }
            return (try referenceLine(id), 8)
        }
    }

    /// The line of reference decision `id` from its stored value. A reference is compressed alone
    /// (or is text): never a chain of them.
    static func referenceLine(_ id: Int64, stored: DatabaseValue?, of decisionID: Int64) throws -> [UInt8] {
        guard let stored, !{ if case .blob(let r) = stored.storage { r.starts(with: referring) } else { false } }() else {
            throw notAReference(decisionID, id)
        }
        return Array(try decode(stored, decisionID: id).utf8)
    }

    private static func notAReference(_ decisionID: Int64, _ id: Int64) -> Error {
        StoreBug.damaged("decision #\(decisionID) is compressed against decision #\(id), which the store does not hold as a reference")
    }
}
