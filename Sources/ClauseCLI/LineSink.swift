import Foundation

/// A batch's decisions on their way to stdout: each one's bytes kept as made, and written
/// together with one `writev` once there are enough of them. Copying every line into one buffer
/// first moved a traced batch's whole output (22 MB over 2,000 cases) through memory once more.
struct LineSink {
    private let fd: Int32
    private var pending: [[UInt8]] = []
    private var bytes = 0
    /// Written once this many bytes wait, or this many pieces (well under any system's IOV_MAX).
    static let flushBytes = 1 << 16
    static let maxPieces = 256

    init(fd: Int32) {
        self.fd = fd
        pending.reserveCapacity(Self.maxPieces)
    }

    mutating func add(_ piece: [UInt8]) {
        guard !piece.isEmpty else { return }
        pending.append(piece)
        bytes += piece.count
        if bytes >= Self.flushBytes || pending.count >= Self.maxPieces { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        var vectors: [iovec] = []
        vectors.reserveCapacity(pending.count)
        Self.pinned(pending[...], &vectors) { Self.write(fd, $0, total: bytes) }
        pending.removeAll(keepingCapacity: true)
        bytes = 0
    }

    /// Calls `body` with an iovec for each piece, every piece's bytes held in place meanwhile (one
    /// `withUnsafeBufferPointer` inside the next: an array's address holds only within its own).
    private static func pinned(_ pieces: ArraySlice<[UInt8]>, _ vectors: inout [iovec], _ body: ([iovec]) -> Void) {
        guard let first = pieces.first else { return body(vectors) }
        first.withUnsafeBufferPointer { p in
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: p.baseAddress), iov_len: p.count))
            pinned(pieces.dropFirst(), &vectors, body)
        }
    }

    /// Writes every vector whole: `writev` once, then what a short write left, piece by piece.
    private static func write(_ fd: Int32, _ vectors: [iovec], total: Int) {
        var written = 0
        while true {
            let n = vectors.withUnsafeBufferPointer { writev(fd, $0.baseAddress, Int32($0.count)) }
            if n >= 0 { written = n; break }
            if errno == EINTR { continue }
            Output.failed(fd, errno)
            return
        }
        guard written < total else { return }
        var skip = written
        for v in vectors {
            if skip >= v.iov_len { skip -= v.iov_len; continue }
            let rest = UnsafeRawBufferPointer(start: v.iov_base! + skip, count: v.iov_len - skip)
            skip = 0
            guard Output.write(fd, rest) else { return }
        }
    }
}
