import CYaml

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns YAML text into a `YAMLNode` tree using libyaml's event API.
///
/// Events rather than libyaml's document API (or Yams' `compose`) because only events carry
/// every node's start and end marks and scalar style, and because building the tree ourselves
/// lets us refuse what clause does not want (tags, merge keys, complex keys, duplicate keys) with
/// located diagnostics, and bound what could hurt us (alias bombs, deep nesting, huge scalars).
/// The tree is built iteratively with an explicit stack, so no input can overflow the call stack.
/// C pointers and libyaml types never leave this file.
public enum YAMLReader {
    /// Parses exactly one document from text already in memory. Returns nil when there is no usable
    /// document (empty stream, or errors); every problem is appended to `bag`, none thrown.
    ///
    /// Fatal problems (syntax errors, nesting too deep, alias bombs, unknown aliases) return nil.
    /// Problems that leave a well-formed tree (duplicate keys, merge keys, tags, over-long scalars,
    /// a second document) are reported and the tree is still returned, so the caller can report
    /// its own findings in the same run; callers must check `bag.hasErrors`.
    public static func read(
        _ file: SourceFile, limits: YAMLLimits = .default, into bag: inout DiagnosticBag
    ) -> YAMLNode? {
        var bytes = Array(file.text.utf8)
        let length = bytes.count
        // Text that did not come from a file (a JSON Lines line) meets the same size limit.
        if length > limits.maxBytes {
            let origin = SourceLocation(line: 1, column: 1)
            bag.error("yaml.file-size", "text is \(sizeText(length, exact: false)), larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                      at: SourceRange(file: SourceFile(path: file.path, text: "", lineOffset: file.lineOffset), start: origin, end: origin))
            return nil
        }
        // A trailing NUL keeps the base address non-nil for an empty text (libyaml asserts on
        // a nil input pointer); it is not part of the input length.
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            var builder = TreeBuilder(file: file, limits: limits, bytes: buffer)
            return builder.run(length: length, into: &bag)
        }
    }

    /// Reads a file from disk: checks the size (via stat) BEFORE reading it, decodes UTF-8
    /// (invalid UTF-8 / binary junk is a located error, not a crash), then calls read(_:).
    /// Returns the SourceFile (when it could be read) so callers can render diagnostics.
    package static func read(
        path: String, limits: YAMLLimits = .default, into bag: inout DiagnosticBag
    ) -> (file: SourceFile?, root: YAMLNode?) {
        let (file, parse) = readText(path: path, limits: limits, into: &bag)
        guard parse, let file else { return (file, nil) }
        return (file, read(file, limits: limits, into: &bag))
    }

    /// The first half of `read(path:)`: the file's text, checked for size and UTF-8, not parsed.
    /// `parse` is false when a problem was reported (`file` may still be given, to render it).
    ///
    /// - Parameter checkingUTF8: false to keep the bytes as read, unchecked, for a reader that
    ///   refuses any byte that is not UTF-8 itself (`SourceFile.init(path:utf8:)`); whatever
    ///   reads the file after such a reader gave up asks `checkUTF8(_:into:)` first.
    package static func readText(
        path: String, limits: YAMLLimits = .default, checkingUTF8: Bool = true, into bag: inout DiagnosticBag
    ) -> (file: SourceFile?, parse: Bool) {
        let origin = SourceLocation(line: 1, column: 1)
        func ioError(_ reason: String) -> (file: SourceFile?, parse: Bool) {
            let empty = SourceFile(path: path, text: "")
            bag.error("io.read", "cannot read file: \(reason)", at: SourceRange(file: empty, start: origin, end: origin))
            return (nil, false)
        }
        guard !path.isEmpty else { return ioError("empty path") }

        // Opened once and asked its size through the descriptor: one path lookup per case file.
        // Opened without waiting: a named pipe that nobody writes to would hold the open, and the
        // whole run, forever. Reads wait again once it is open, so a pipe being written (a shell's
        // `<(…)`) is still read whole, and one nobody writes to reads as empty.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return ioError(errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return ioError(errnoText()) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return ioError("is a directory") }
        // A regular file's reads never wait, whatever the flag says: only anything else (a pipe,
        // a device) is made to wait again, which spares a batch two system calls a file.
        if (info.st_mode & S_IFMT) != S_IFREG {
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else { return ioError(errnoText()) }
        }
        let size = Int(info.st_size)
        if size > limits.maxBytes {
            let empty = SourceFile(path: path, text: "")
            bag.error(
                "yaml.file-size",
                "file is \(sizeText(size, exact: false)), larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                at: SourceRange(file: empty, start: origin, end: origin))
            return (empty, false)
        }

        let bytes: [UInt8]
        switch readAll(fd, limit: limits.maxBytes) {
        case .failure(let reason): return ioError(reason.text)
        case .success(let data): bytes = data
        }
        if bytes.isEmpty && (info.st_mode & S_IFMT) == S_IFIFO {
            return ioError("a named pipe that nothing was writing to when it was opened")
        }
        if bytes.count > limits.maxBytes {
            // The file grew between stat and read.
            let empty = SourceFile(path: path, text: "")
            bag.error(
                "yaml.file-size",
                "file is larger than the \(sizeText(limits.maxBytes, exact: true)) limit",
                at: SourceRange(file: empty, start: origin, end: origin))
            return (empty, false)
        }

        // libyaml skips a UTF-8 byte order mark without counting it in columns; drop it here so
        // the SourceFile's columns agree with libyaml's marks.
        let marked = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        guard checkingUTF8 else { return (SourceFile(path: path, utf8: marked ? Array(bytes.dropFirst(3)) : bytes), true) }
        let body = marked ? bytes.dropFirst(3) : bytes[...]

        // Valid text (nearly always) is checked once, by making the String; only invalid text is
        // walked again to say where.
        if let text = String(validating: body, as: UTF8.self) { return (SourceFile(path: path, text: text), true) }
        return encodingError(body, path: path, into: &bag)
    }

    /// Checks a file kept as bytes (`readText(path:checkingUTF8: false)`) as `readText` checks
    /// one as it reads it, with the same error for a byte that is not UTF-8; false then.
    package static func checkUTF8(_ file: SourceFile, into bag: inout DiagnosticBag) -> Bool {
        let text = file.withUTF8 { String(validating: $0, as: UTF8.self) }
        if let text {
            file.keep(checked: text)
            return true
        }
        return file.withUTF8 { encodingError(ArraySlice($0), path: file.path, into: &bag).parse }
    }

    /// Reports the first byte of `body` that is not UTF-8, at its line and column, and gives the
    /// file to render the error with (its text with such bytes replaced); `parse` is false then.
    private static func encodingError(_ body: ArraySlice<UInt8>, path: String, into bag: inout DiagnosticBag) -> (file: SourceFile, parse: Bool) {
        if let bad = firstInvalidUTF8(body) {
            let prefix = body[body.startIndex..<bad]
            let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let lineStart = prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
            let column = String(decoding: body[lineStart..<bad], as: UTF8.self).unicodeScalars.count + 1
            let file = SourceFile(path: path, text: String(decoding: body, as: UTF8.self))
            let hex = String(body[bad], radix: 16, uppercase: true)
            let at = SourceLocation(line: line, column: column)
            bag.error(
                "yaml.encoding",
                "file is not UTF-8 text (byte 0x\(hex.count < 2 ? "0" + hex : hex) at line \(line))",
                at: SourceRange(file: file, start: at, end: at))
            return (file, false)
        }

        return (SourceFile(path: path, text: String(decoding: body, as: UTF8.self)), true)
    }

    // MARK: - File helpers

    package struct ReadFailure: Error { package var text: String }

    private static func errnoText() -> String {
        String(cString: strerror(errno)).lowercased()
    }

    /// Reads at most `limit + 1` bytes, so a file that grows after `stat` still cannot exhaust memory.
    private static func readAll(_ fd: Int32, limit: Int) -> Result<[UInt8], ReadFailure> {
        var result: [UInt8] = []
        while result.count <= limit {
            switch readSome(fd, upTo: 16 * 1024, appendingTo: &result) {
            case .failure(let f): return .failure(f)
            case .success(let n): if n == 0 { return .success(result) }
            }
        }
        return .success(result)
    }

    /// Appends to `out` what `fd` has now, at most `max` bytes, waiting only while it has nothing
    /// yet (and again when a signal interrupts the wait): how many bytes, 0 at its end. Read
    /// through a buffer on the stack, never a fresh array to zero first; a stream piped in a line
    /// at a time gets each line read as it comes.
    package static func readSome(_ fd: Int32, upTo max: Int, appendingTo out: inout [UInt8]) -> Result<Int, ReadFailure> {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max) { chunk in
            while true {
                let n = posixRead(fd, chunk.baseAddress, chunk.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    return .failure(ReadFailure(text: errnoText()))
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<n]))
                return .success(n)
            }
        }
    }

    /// "10.0 MB", "4 MB", "12.5 KB", "40 bytes": sizes for messages. `exact` drops a ".0" for limits.
    package static func sizeText(_ bytes: Int, exact: Bool) -> String {
        func tenths(_ unit: Int, _ name: String) -> String {
            if exact && bytes % unit == 0 { return "\(bytes / unit) \(name)" }
            let t = (bytes * 10 + unit / 2) / unit
            return "\(t / 10).\(t % 10) \(name)"
        }
        if bytes >= 1024 * 1024 { return tenths(1024 * 1024, "MB") }
        if bytes >= 1024 { return tenths(1024, "KB") }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// The index of the first byte that is not part of well-formed UTF-8, or nil when all is well.
    package static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let count: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED: count = 2; upper = 0x9F
            case 0xF0: count = 3; lower = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; upper = 0x8F
            default: return i
            }
            for k in 1...count {
                let j = i + k
                guard j < end else { return i }
                let c = bytes[j]
                if k == 1 {
                    guard c >= lower && c <= upper else { return i }
                } else {
                    guard c >= 0x80 && c <= 0xBF else { return i }
                }
            }
            i += count + 1
        }
        return nil
    }
}

/// The POSIX `read`, reachable under another name inside `YAMLReader` (whose own `read` hides it).
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
