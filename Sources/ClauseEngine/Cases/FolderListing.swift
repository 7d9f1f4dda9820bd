#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files under a folder, as paths relative to it, read with `opendir`/`readdir`: listing a
/// folder of 10,000 cases through Foundation's enumerator took longer than deciding them.
///
/// Like `FileManager.enumerator(atPath:)`: hidden entries included, symbolic links listed but
/// not followed into.
enum FolderListing {
    static func files(under root: String) -> [String] {
        var out: [String] = []
        walk(root, prefix: "", into: &out)
        return out
    }

    private static func walk(_ dir: String, prefix: String, into out: inout [String]) {
        guard let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            let full = dir + "/" + name
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var info = stat()
                isDirectory = lstat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            out.append(relative)
            if isDirectory { walk(full, prefix: relative, into: &out) }
        }
    }
}
