import Foundation

/// One descriptor per store file, opened the first time the process needs one and kept as long
/// as that file is the one at its path.
///
/// SQLite's locks on a store are POSIX record locks, and a process loses *all* of its POSIX locks
/// on a file as soon as it closes *any* descriptor of that file. A store's header read with a
/// descriptor of its own and closed, or a recorder's lock file closed, while a connection of the
/// same process was open (the workbench's workers, a replay's) silently dropped that connection's
/// locks: the next process to close the store took itself for the last one, deleted the WAL, and
/// the first went on reading the deleted one, never seeing another decision. SQLite never closes
/// a descriptor of a file its connections still use; nothing here closes one of a store that is
/// still at its path.
package final class StoreFiles: @unchecked Sendable {
    package static let shared = StoreFiles()

    private let lock = NSLock()
    /// By path as given, with the file it was when opened (a store replaced under the same path
    /// is another file, and gets a descriptor of its own in place of the old one's).
    private var open: [String: (fd: Int32, device: UInt64, inode: UInt64)] = [:]

    /// A read-only descriptor of the file at `path`, or nil when it cannot be opened.
    package func descriptor(_ path: String) -> Int32? {
        lock.withLock {
            var now = stat()
            let exists = stat(path, &now) == 0
            if let known = open[path], exists, known.device == UInt64(now.st_dev), known.inode == UInt64(now.st_ino) {
                return known.fd
            }
            let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            register(fd, path)
            return fd
        }
    }

    /// Makes `fd` the descriptor of `path`. A store deleted and made again under the same path (a
    /// fuzzer does it for every input) is another file: the descriptor of the one that was there is
    /// closed, which drops only the locks on that file, which no process opening the path can meet
    /// any more. Kept, they would run the process out of descriptors. Called with the lock held.
    private func register(_ fd: Int32, _ path: String) {
        var opened = stat()
        _ = fstat(fd, &opened)
        if let replaced = open[path], replaced.fd != fd { close(replaced.fd) }
        open[path] = (fd, UInt64(opened.st_dev), UInt64(opened.st_ino))
    }

    /// Keeps the descriptor that created the store at `path` as the process's descriptor of it
    /// (it must be readable: the header is read through it).
    package func keep(_ fd: Int32, for path: String) {
        lock.withLock { register(fd, path) }
    }

    /// The first `count` bytes of the file at `path` (fewer when it is shorter), nil when it cannot be read.
    package func head(_ path: String, count: Int) -> [UInt8]? {
        guard let fd = descriptor(path) else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, 0) }
        guard n >= 0 else { return nil }
        return Array(bytes.prefix(n))
    }
}
