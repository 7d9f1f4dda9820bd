import CZlib

/// zlib's deflate and inflate over byte arrays, with an optional preset dictionary: what the
/// store's compressed decisions (`DecisionBlob`) and case texts (`CaseBlob`) are made with.
package enum Zlib {
    /// zlib only looks back 32 KB: the end of a longer dictionary is what counts.
    private static func window(_ d: [UInt8]) -> [UInt8] { d.count > 32_768 ? Array(d.suffix(32_768)) : d }

    static func deflate(_ input: [UInt8], dictionary: [UInt8]?) -> [UInt8]? {
        var z = z_stream()
        guard deflateInit_(&z, 9, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&z) }
        if let dictionary {
            let d = window(dictionary)
            guard deflateSetDictionary(&z, d, uInt(d.count)) == Z_OK else { return nil }
        }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&z, uLong(input.count))) + 16)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                z.next_in = i.baseAddress
                z.avail_in = uInt(i.count)
                z.next_out = o.baseAddress
                z.avail_out = uInt(o.count)
                return CZlib.deflate(&z, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        out.removeLast(out.count - Int(z.total_out))
        return out
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
