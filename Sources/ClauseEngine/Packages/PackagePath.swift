import Foundation

/// Package folders as the user named them (`.`, `../x`, `Policies/x`), compared and walked as
/// absolute paths, so `--policy .` inside a package works like `--policy Policies/x` outside it.
package enum PackagePath {
    /// The absolute, standardized form of `path` (no `.` or `..` parts), for comparisons.
    package static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The folder that holds `dir`: relative when `dir` was given relative and plain, absolute
    /// when its last part is `.` or `..` (whose parent cannot be read off the text).
    package static func parent(of dir: String) -> String {
        let trimmed = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        let last = (trimmed as NSString).lastPathComponent
        // Decided before asking Foundation for the parent of "." or "..", which traps (SIGILL)
        // on Linux rather than answering.
        if last == "." || last == ".." || last.isEmpty { return (absolute(trimmed) as NSString).deletingLastPathComponent }
        let parent = (trimmed as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// Whether `dir` is a policy package folder (it has a policy.yaml).
    package static func isPackage(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("policy.yaml"))
    }

    /// Search roots as a person checks them: a root that is not a folder says where it was looked
    /// for, since a relative `Policies` or `Workflows` means the folder clause was started in.
    package static func described(roots: [String]) -> String {
        roots.map { root in
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue { return root }
            return "\(root) (no folder \(absolute(root)))"
        }.joined(separator: ", ")
    }
}
