import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// Fixture-driven diagnostics tests (as WasmKit does): every invalid package under
/// `Fixtures/invalid-policies/` and every hostile case under `Fixtures/invalid-cases/` has its exact
/// expected diagnostics beside it. `CLAUSE_UPDATE_FIXTURES=1 swift test` rewrites them for review.
@Suite struct FixtureTests {
    static let policies = Repo.path("Tests/Fixtures/invalid-policies")
    static let cases = Repo.path("Tests/Fixtures/invalid-cases")

    @Test(arguments: FixtureFiles.discover(policies, suffix: nil))
    func invalidPolicy(_ name: String) {
        let result = PolicyLoader.load((FixtureTests.policies as NSString).appendingPathComponent(name))
        #expect(result.policy == nil, "an invalid package must not load")
        #expect(!result.diagnostics.isEmpty)
        let rendered = FixtureFiles.relative(DiagnosticRenderer().render(result.diagnostics))
        FixtureFiles.compare(rendered, expectedAt: "\(FixtureTests.policies)/\(name)/expected.txt")
    }

    @Test(arguments: FixtureFiles.discover(cases, suffix: ".yaml"))
    func hostileCase(_ name: String) {
        let path = (FixtureTests.cases as NSString).appendingPathComponent(name)
        let loader = CaseLoader(repository: Repo.repository)
        let started = ContinuousClock.now
        guard case .failed(let ds) = loader.load(path: path) else {
            Issue.record("\(name) was accepted; it must be refused with a located error")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(10), "a hostile file must be refused within seconds")
        #expect(ds.allSatisfy { $0.range.file != nil && $0.range.start.line >= 1 }, "every error is located")
        let rendered = FixtureFiles.relative(DiagnosticRenderer().render(ds))
        FixtureFiles.compare(rendered, expectedAt: path.replacingOccurrences(of: ".yaml", with: ".expected"))
    }

    @Test func tenMegabyteFileIsRefusedBeforeReading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.yaml").path
        let line = "# " + String(repeating: "x", count: 1022) + "\n"
        try String(repeating: line, count: 10 * 1024).write(toFile: path, atomically: false, encoding: .utf8)
        guard case .failed(let ds) = CaseLoader(repository: Repo.repository).load(path: path) else {
            Issue.record("a 10 MB file was accepted")
            return
        }
        #expect(ds.map(\.message) == ["file is 10.0 MB, larger than the 4 MB limit"])
        #expect(ds.first?.range.start == SourceLocation(line: 1, column: 1))
    }

    /// A named pipe given as a case file, that nobody writes to, is refused at once: opening it
    /// used to wait for a writer, and hold the whole run, forever. (The load runs on a thread of
    /// its own, so that a regression fails here rather than hanging the suite.)
    @Test func aNamedPipeNobodyWritesToIsRefusedNotAwaited() throws {
        let (dir, path) = try Self.namedPipe()
        defer { try? FileManager.default.removeItem(at: dir) }
        let done = DispatchSemaphore(value: 0)
        let result = Locked<CaseLoader.Loaded?>(nil)
        Thread.detachNewThread {
            result.set(CaseLoader(repository: Repo.repository).load(path: path))
            done.signal()
        }
        guard done.wait(timeout: .now() + 10) == .success else {
            Issue.record("reading a named pipe nobody writes to did not return")
            return
        }
        guard case .failed(let ds)? = result.get() else {
            Issue.record("a named pipe nobody writes to was read as a case")
            return
        }
        #expect(ds.first?.range.start == SourceLocation(line: 1, column: 1))
        #expect(ds.first?.message == "cannot read file: a named pipe that nothing was writing to when it was opened")
    }

    /// A named pipe `pipe.yaml` in a folder of its own, for the caller to remove.
    private static func namedPipe() throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(path, 0o600) == 0)
        return (dir, path)
    }

    /// A named pipe being written (a shell's `<(…)`) is read whole, even when the writer pauses
    /// between its parts: its reads wait, unlike a regular file's, which never need to.
    @Test func aNamedPipeWrittenInPartsIsReadWhole() throws {
        let (dir, path) = try Self.namedPipe()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
        let cut = text.utf8.index(text.utf8.startIndex, offsetBy: text.utf8.count / 2)
        let parts = [Array(text.utf8[..<cut]), Array(text.utf8[cut...])]
        let opened = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let fd = open(path, O_WRONLY)
            opened.signal()
            guard fd >= 0 else { return }
            for (k, part) in parts.enumerated() {
                if k > 0 { usleep(200_000) }
                _ = part.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            }
            close(fd)
        }
        // Opened for writing first, so the reader finds a writer there.
        let fd = open(path, O_RDONLY)
        opened.wait()
        defer { close(fd) }
        guard case .ready(let c, _) = CaseLoader(repository: Repo.repository).load(path: path) else {
            Issue.record("a named pipe written in two parts was not read as its case")
            return
        }
        guard case .ready(let whole, _) = CaseLoader(repository: Repo.repository).load(path: Repo.path("Playground/cases/transformation-granted.yaml")) else {
            Issue.record("the Playground case does not load")
            return
        }
        #expect(c.facts == whole.facts)
    }
}

/// A value set on one thread and read on another.
private final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.withLock { value = v } }
    func get() -> T { lock.withLock { value } }
}
