import Foundation
import GRDB

/// How the store keeps a case file's text in `cases.text`.
///
/// Case files share their keys, labels and much of their values, so a case is compressed with
/// zlib against a *reference case*: the first case recorded that is written the same way (YAML or
/// JSON), named in `case_references`. A reference is kept compressed alone (`CLC1`, the text's
/// length in UTF-8 bytes as four little-endian bytes, the zlib stream); every other case names it
/// (`CLC2`, the length, the reference's digest's length as one byte and the digest in UTF-8, then
/// the stream made with the reference's text as preset dictionary): about 280 bytes for a case of
/// 800. A reference is never a `CLC2`, so reading takes at most one more row. A text that
/// compression does not shrink stays text, as every case recorded before this form (schema
/// `v6-compressed-cases`) does; each form gives the text back byte for byte.
package enum CaseBlob {
    package static let alone: [UInt8] = Array("CLC1".utf8)
    package static let referring: [UInt8] = Array("CLC2".utf8)

    /// A case other cases are compressed against: its digest and text.
    package struct Reference: Sendable {
        package var digest: String
        package var text: [UInt8]
    }

    /// How `text` is written: `json` when it opens with `{` (after blanks), else `yaml`. A case is
    /// compressed against one written the same way: a YAML reference does little for JSON.
    package static func shape(of text: String) -> String {
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "{"): return "json"
            default: return "yaml"
            }
        }
        return "yaml"
    }

    /// The column value for `text`, compressed against `reference` when there is one.
    package static func encode(_ text: String, reference: Reference?) -> DatabaseValue {
        encode(text, reference: reference, using: nil)
    }

    /// The same, with a compressor the calling thread keeps (the same bytes, made faster).
    static func encode(_ text: String, reference: Reference?, using deflater: Zlib.Deflater?) -> DatabaseValue {
        guard let reference else { return ZlibFrame.value(alone, text, naming: [], dictionary: nil, using: deflater) }
        let named = Array(reference.digest.utf8)
        guard named.count < 256 else { return text.databaseValue }
        return ZlibFrame.value(referring, text, naming: [UInt8(named.count)] + named, dictionary: reference.text, using: deflater)
    }

    /// Whether a stored value may serve as a reference (text, or compressed alone).
    package static func canRefer(_ value: DatabaseValue) -> Bool {
        if case .blob(let b) = value.storage { return !b.starts(with: referring) }
        return true
    }

    /// The text a column value holds. `stored` gives the stored value of a case by digest (the
    /// reference a `CLC2` value names). A blob that is not one of ours, that names a missing or
    /// chained reference, or that does not inflate to the length it states is a damaged store.
    package static func decode(_ value: DatabaseValue, digest: String, stored: (String) throws -> DatabaseValue?) throws -> String {
        try ZlibFrame.decode(value, alone: alone, referring: referring, what: "case \(digest)", kind: "case", none: "no text") { naming in
            let n = Int(naming[naming.startIndex])
            guard naming.count > 1 + n else { throw StoreBug.damaged("case \(digest) holds a blob that is not a compressed case") }
            let named = String(decoding: naming[(naming.startIndex + 1)..<(naming.startIndex + 1 + n)], as: UTF8.self)
            guard named != digest, let reference = try stored(named), canRefer(reference) else {
                throw StoreBug.damaged("case \(digest) is compressed against case \(named), which the store does not hold as a reference")
            }
            return (Array(try decode(reference, digest: named, stored: stored).utf8), 1 + n)
        }
    }

    /// Reads case texts in one transaction, decoding each reference once (once per process with
    /// the store's `ReferenceCache`).
    package struct Reader {
        let db: Database
        private let shared: ReferenceCache?
        private var references: [String: String] = [:]
        package init(_ db: Database, cache: ReferenceCache? = nil) {
            self.db = db
            shared = cache
        }

        package mutating func text(_ value: DatabaseValue, digest: String) throws -> String {
            if case .string(let s) = value.storage { return s }
            var cache = references
            defer { references = cache }
            let db = self.db, shared = self.shared
            return try CaseBlob.decode(value, digest: digest) { named in
                if let known = cache[named] ?? shared?.caseText(named) { return known.databaseValue }
                let v = try DatabaseValue.fetchOne(db.cachedStatement(sql: "SELECT text FROM cases WHERE digest = ?"), arguments: [named])
                if let v, CaseBlob.canRefer(v) {
                    let text = try CaseBlob.decode(v, digest: named) { _ in nil }
                    cache[named] = text
                    shared?.keep(caseText: text, digest: named)
                }
                return v
            }
        }
    }
}
