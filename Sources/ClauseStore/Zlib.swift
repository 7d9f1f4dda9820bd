import CZlib
import Foundation
import GRDB

/// zlib's deflate and inflate over byte arrays, with an optional preset dictionary: what the
/// store's compressed decisions (`DecisionBlob`) and case texts (`CaseBlob`) are made with.
package enum Zlib {
    /// zlib only looks back 32 KB: the end of a longer dictionary is what counts.
    private static func window(_ d: [UInt8]) -> [UInt8] { d.count > 32_768 ? Array(d.suffix(32_768)) : d }

    static func deflate(_ input: [UInt8], dictionary: [UInt8]?) -> [UInt8]? {
        Deflater()?.deflate(input, dictionary: dictionary)
    }

    /// One zlib compressor kept for many inputs, reset between them (one thread's own). Setting
    /// up a stream costs more than compressing a decision's line or a case against its
    /// reference (about 45 µs of 60, zlib's tables being allocated and cleared each time); a reset
    /// keeps them. The bytes are those a new stream makes.
    final class Deflater {
        /// zlib's stream points back at itself, so it lives at one address.
        private let z: UnsafeMutablePointer<z_stream>

        init?() {
            z = .allocate(capacity: 1)
            z.initialize(to: z_stream())
            // A hash of 8,192 entries (memory level 6) rather than 32,768: a reset clears it, and
            // lines and cases of a few KB find the same matches in it (the same sizes were measured).
            // Level 3 rather than 9: against a reference, nearly all of a line or case is one long
            // match either way. Over 2,000 recorded cases the blobs came out 4% larger (the store
            // 1%), and recording took 4% fewer instructions in all.
            guard deflateInit2_(z, 3, Z_DEFLATED, 15, 6, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                z.deallocate()
                return nil
            }
        }

        deinit {
            deflateEnd(z)
            z.deallocate()
        }

        func deflate(_ input: [UInt8], dictionary: [UInt8]?) -> [UInt8]? {
            guard deflateReset(z) == Z_OK else { return nil }
            if let dictionary {
                let d = window(dictionary)
                guard deflateSetDictionary(z, d, uInt(d.count)) == Z_OK else { return nil }
            }
            var out = [UInt8](repeating: 0, count: Int(deflateBound(z, uLong(input.count))) + 16)
            let status = input.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in
                    z.pointee.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                    z.pointee.avail_in = uInt(i.count)
                    z.pointee.next_out = o.baseAddress
                    z.pointee.avail_out = uInt(o.count)
                    return CZlib.deflate(z, Z_FINISH)
                }
            }
            guard status == Z_STREAM_END else { return nil }
            out.removeLast(out.count - Int(z.pointee.total_out))
            return out
        }
    }

    /// deflate shrinks by at most about 1,032 to 1: a blob stating a longer text is not ours, and
    /// is refused before its stated length is allocated (a crafted store once asked for 4 GB).
    package static func plausible(length: Int, compressed: Int) -> Bool { length <= compressed * 1_032 + 1_024 }

    static func inflate(_ input: [UInt8], length: Int, dictionary: [UInt8]?) -> [UInt8]? {
        guard plausible(length: length, compressed: input.count) else { return nil }
        var z = z_stream()
        guard inflateInit_(&z, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&z) }
        var out = [UInt8](repeating: 0, count: max(length, 1))
        var input = input
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                z.next_in = i.baseAddress
                z.avail_in = uInt(i.count)
                z.next_out = o.baseAddress
                z.avail_out = uInt(o.count)
                status = CZlib.inflate(&z, Z_FINISH)
                if status == Z_NEED_DICT, let dictionary {
                    let d = window(dictionary)
                    guard inflateSetDictionary(&z, d, uInt(d.count)) == Z_OK else { return }
                    status = CZlib.inflate(&z, Z_FINISH)
                }
            }
        }
        guard status == Z_STREAM_END, Int(z.total_out) == length, z.avail_in == 0 else { return nil }
        out.removeLast(out.count - length)
        return out
    }
}

/// The frame both of the store's compressed forms share (`DecisionBlob`, `CaseBlob`): four bytes
/// naming the form, the text's length in UTF-8 bytes (four bytes, little-endian), how the form
/// names its reference (nothing when compressed alone), then the zlib stream.
enum ZlibFrame {
    /// The column value for `text`: framed, or the text itself when compressing does not shrink it.
    static func value(_ magic: [UInt8], _ text: String, naming: [UInt8], dictionary: [UInt8]?, using deflater: Zlib.Deflater? = nil) -> DatabaseValue {
        let input = Array(text.utf8)
        guard input.count > 64, input.count <= Int(UInt32.max),
              let stream = deflater.map({ $0.deflate(input, dictionary: dictionary) }) ?? Zlib.deflate(input, dictionary: dictionary) else {
            return text.databaseValue
        }
        var out = magic
        appendLittleEndian(UInt64(input.count), bytes: 4, to: &out)
        out += naming
        out += stream
        return out.count < input.count ? Data(out).databaseValue : text.databaseValue
    }

    /// The text a column value holds: text as it is, a frame inflated. `what` names the row in
    /// errors ("decision #3") and `kind` what it holds ("decision", "case"). `reference` reads how
    /// a `referring` frame names its reference (the bytes after the length) and returns the
    /// reference's text and how many bytes the naming took. Anything else is damage to the store.
    static func decode(_ value: DatabaseValue, alone: [UInt8], referring: [UInt8], what: String, kind: String, none: String,
                       reference: (ArraySlice<UInt8>) throws -> (text: [UInt8], naming: Int)) throws -> String {
        switch value.storage {
        case .string(let s): return s
        case .blob(let data):
            let bytes = [UInt8](data)
            guard bytes.count > 8 else { throw StoreBug.damaged("\(what) holds a blob that is not a compressed \(kind)") }
            let magic = Array(bytes[0..<4]), length = Int(littleEndian(bytes, at: 4, bytes: 4))
            var dictionary: [UInt8]?
            var start = 8
            if magic == referring {
                let named = try reference(bytes[8...])
                dictionary = named.text
                start += named.naming
            } else if magic != alone {
                throw StoreBug.damaged("\(what) holds a blob that is not a compressed \(kind)")
            }
            guard start <= bytes.count, let text = Zlib.inflate(Array(bytes[start...]), length: length, dictionary: dictionary) else {
                throw StoreBug.damaged("\(what) holds a compressed \(kind) that does not inflate")
            }
            return String(decoding: text, as: UTF8.self)
        default:
            throw StoreBug.damaged("\(what) holds \(none)")
        }
    }

    static func appendLittleEndian(_ n: UInt64, bytes: Int, to out: inout [UInt8]) {
        for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(k)))) }
    }

    static func littleEndian(_ b: [UInt8], at i: Int, bytes: Int) -> UInt64 {
        var n: UInt64 = 0
        for k in 0..<bytes { n |= UInt64(b[i + k]) << (8 * UInt64(k)) }
        return n
    }
}
