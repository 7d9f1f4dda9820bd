import Foundation
import Testing

/// A scratch folder for one store test: a copy of the Shenyang package under `Policies/`, case
/// files written from the playground's, and a store file path; removed when the test ends.
package final class StoreScratch {
    package let root: String
    package var store: String { (root as NSString).appendingPathComponent("records.sqlite") }

    package init() throws {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("clause-store-test-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(atPath: (root as NSString).appendingPathComponent("Policies"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: Repo.shenyangDirectory, toPath: path("Policies/shenyang-sme-dx-fund"))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    package func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// Writes `text` at `relative` (folders created), returning the relative path.
    @discardableResult
    package func write(_ relative: String, _ text: String) throws -> String {
        let full = path(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return relative
    }

    /// A playground case's text with some replacements.
    package static func playground(_ name: String, _ replacements: [(String, String)] = []) throws -> String {
        var text = try String(contentsOfFile: Repo.path("Playground/cases/\(name)"), encoding: .utf8)
        for (a, b) in replacements {
            #expect(text.contains(a), "the playground case \(name) no longer contains \(a)")
            text = text.replacingOccurrences(of: a, with: b)
        }
        return text
    }

    /// `count` transformation cases with ids PREFIX-00000…, each in its own file under `folder`.
    package func corpus(_ folder: String, prefix: String, count: Int) throws {
        let template = try StoreScratch.playground("transformation-granted.yaml")
        let dir = path(folder)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<count {
            let id = "\(prefix)-\(String(format: "%05d", i))"
            try template.replacingOccurrences(of: "SY-2024-T-0001", with: id)
                .write(toFile: (dir as NSString).appendingPathComponent("\(id).yaml"), atomically: false, encoding: .utf8)
        }
    }

    /// Runs `clause` in this folder, with the store given by CLAUSE_STORE.
    package func clause(_ args: [String]) throws -> ClauseBinary.Run {
        try ClauseBinary.clause(args + ["--store", store], cwd: root)
    }

    /// Starts `clause` without waiting for it.
    package func start(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ClauseBinary.binary)
        p.arguments = args + ["--store", store]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLAUSE_POLICY_PATH")
        env.removeValue(forKey: "CLAUSE_STORE")
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}
