import Foundation

/// Runs the built `clause` binary as a user would: the end-to-end tests' way in.
package enum ClauseBinary {
    package struct Run {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The `clause` executable beside the test bundle, as `swift build` leaves it.
    package static let binary: String = {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir.appendingPathComponent("clause").path, Repo.path(".build/debug/clause")]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return Repo.path(".build/debug/clause")
    }()

    package static func clause(_ args: [String], cwd: String = Repo.root, environment extra: [String: String] = [:]) throws -> Run {
        try run(binary, args, cwd: cwd, environment: extra)
    }

    /// Runs a program and collects its output. The caller's CLAUSE_POLICY_PATH, CLAUSE_STORE and CLAUSE_WORKFLOW_PATH
    /// are left out, so a developer's own settings never change what a test sees.
    package static func run(_ executable: String, _ args: [String], cwd: String, environment extra: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLAUSE_POLICY_PATH")
        env.removeValue(forKey: "CLAUSE_STORE")
        env.removeValue(forKey: "CLAUSE_WORKFLOW_PATH")
        env.merge(extra) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes are drained at once: read one after the other, a child that fills the second
        // pipe's buffer (64 KB of diagnostics) while the first is read waits forever, and so does
        // the test.
        let errors = ErrorPipeReader(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errors.wait()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread, so the caller can read a second pipe meanwhile.
package final class ErrorPipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    package init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    package func wait() -> Data {
        done.wait()
        return data
    }
}
