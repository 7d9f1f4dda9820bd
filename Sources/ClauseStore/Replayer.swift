import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation

/// Re-decides recorded decisions on exactly their recorded rules and case text.
///
/// Each recorded package is written back, file by file, into a temporary folder and loaded from
/// there (a base package first, then each amendment on it, in the recorded order); the case is
/// read from its recorded text under its recorded path; the ban the registry supplied, if any, is
/// supplied again; the evaluation date is the recorded one. The decision's JSON line must then
/// equal the recorded one byte for byte: a recorded decision must be reproducible.
public final class Replayer {
    package let store: RecordStore
    private let root: String
    private var policies: [String: Result<Policy, ReplayProblem>] = [:]
    private var compiledByDigest: [String: CompiledPolicy] = [:]
    /// Whether decisions are decided with their justification tree, as `why` and the workbench
    /// show them; without it (`replay`, checking that the line reproduces) a lean line is decided
    /// by the compiled policy, as it was recorded, and a tenth of the work.
    package var tracing = true

    /// Why a recorded decision could not be re-decided at all.
    public struct ReplayProblem: Error, Sendable, CustomStringConvertible {
        package var message: String
        public var description: String { message }
    }

    /// A recorded decision decided again.
    public struct Replayed {
        package var record: RecordedDecision
        package var decision: Decision
        package var policy: Policy
        package var json: String
        package var reproduces: Bool { json == record.json }
    }

    public init(store: RecordStore) throws {
        self.store = store
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("clause-replay-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        ScratchFolders.register(root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { ScratchFolders.remove(root) }

    /// The recorded decision decided again on its recorded packages.
    public func replay(_ r: RecordedDecision) throws -> Result<Replayed, ReplayProblem> {
        switch try policy(decisionID: r.id) {
        case .failure(let p): return .failure(p)
        case .success(let policy): return try decide(r, policy: policy)
        }
    }

    /// The recorded case decided by `policy` instead (today's package), with the same evaluation
    /// date and the same registry ban.
    ///
    /// - Parameter ledger: the figures to decide on instead of the recorded ones (the recorded
    ///   figures less grants revoked since).
    package func decide(_ r: RecordedDecision, policy: Policy, ledger: LedgerUse? = nil) throws -> Result<Replayed, ReplayProblem> {
        guard let text = try store.caseText(digest: r.caseDigest) else {
            throw StoreBug("decision #\(r.id) cites case text \(r.caseDigest), which the store does not hold")
        }
        let lineHasTrace = JSONDecisionRenderer.hasTrace(r.json)
        let file = SourceFile(path: r.casePath, text: text)
        var c: CaseFile
        if let fast = FastCaseReader.read(file, path: r.casePath, policy: policy) {
            c = fast
        } else {
            var bag = DiagnosticBag()
            guard let tree = YAMLReader.read(file, into: &bag), !bag.hasErrors,
                  let read = CaseReader.read(tree, path: r.casePath, policy: policy, into: &bag), !bag.hasErrors else {
                return .failure(ReplayProblem(message: "the recorded case no longer reads:\n" + DiagnosticRenderer().render(bag.sorted)))
            }
            c = read
        }
        if let ban = r.registryBan { _ = BanRegistry.apply(ban, to: &c, policy: policy) }
        // What the decision counted from the record, as it recorded it: the record may have
        // grown since, and a decision is reproduced from what it saw.
        let counted = policy.ledger.isEmpty ? nil : ledger ?? RecordedLedger.use(in: r.json, policy: policy)
        if let counted { FactPath.setLedger(counted, in: &c, policy: policy) }
        // Untraced, a lean line is decided as it was recorded, by the compiled policy; a line with
        // its trace by the tree-walker, which writes one.
        let decided = tracing || lineHasTrace ? Interpreter.decide(c, policy: policy, asOf: r.asOf, tracing: true)
            : Interpreter.decide(c, compiled: compiled(policy), asOf: r.asOf)
        switch decided {
        case .failure(let f): return .failure(ReplayProblem(message: "evaluation failed: \(f.message)"))
        case .success(var d):
            d.registryBan = r.registryBan
            d.ledger = counted
            // In the trace shape the record was written in, so a record of an older clause reproduces too.
            let json = JSONDecisionRenderer.render(d, policy: policy, lang: .zh, trace: lineHasTrace,
                                                   traceVersion: JSONDecisionRenderer.traceVersion(of: r.json))
            return .success(Replayed(record: r, decision: d, policy: policy, json: json))
        }
    }

    private func compiled(_ policy: Policy) -> CompiledPolicy {
        if let known = compiledByDigest[policy.digest] { return known }
        let made = CompiledPolicy(policy)
        compiledByDigest[policy.digest] = made
        return made
    }

    /// The policy a decision was made by, rebuilt from the store (cached per set of packages).
    package func policy(decisionID: Int64) throws -> Result<Policy, ReplayProblem> {
        let refs = try store.packages(decisionID: decisionID)
        guard !refs.isEmpty else { throw StoreBug("decision #\(decisionID) names no policy package") }
        let key = refs.map(\.digest).joined(separator: "+")
        if let p = policies[key] { return p }
        var result: Result<Policy, ReplayProblem>?
        var composed: Policy?
        for (i, ref) in refs.enumerated() {
            let dir = try materialize(ref.digest, policyID: ref.policyID)
            let loaded = PolicyLoader.load(dir, base: i == 0 ? nil : composed, recorded: true)
            guard let p = loaded.policy else {
                result = .failure(ReplayProblem(message: "the recorded package \(ref.policyID) \(ref.version) (\(ref.digest)) no longer loads:\n"
                                                + DiagnosticRenderer().render(loaded.diagnostics)))
                break
            }
            composed = p
        }
        let r = result ?? .success(composed!)
        policies[key] = r
        return r
    }

    /// Writes a package's recorded files into a folder of its own (once per digest).
    ///
    /// The digest and every file name come from the store, which anyone may have crafted: they
    /// are checked before anything is written, so nothing lands outside the temporary folder.
    private func materialize(_ digest: String, policyID: String) throws -> String {
        guard Self.isDigest(digest) else {
            throw StoreError(.foreign, path: store.path, "not a clause record store: package digest '\(TerminalText.escape(digest))' is not sha256: and 64 hex digits; nothing was written")
        }
        let dir = (root as NSString).appendingPathComponent(String(digest.dropFirst("sha256:".count).prefix(16)))
        if FileManager.default.fileExists(atPath: dir) { return dir }
        let files = try store.packageFiles(digest: digest)
        guard !files.isEmpty else { throw StoreBug("package \(digest) has no files in the store") }
        for f in files where !Self.isPlainFileName(f.name) {
            throw StoreError(.foreign, path: store.path, "not a clause record store: package \(digest) has a file named '\(TerminalText.escape(f.name))', which is not a plain file name (a path, '..', empty or with control characters); nothing was written")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        for f in files {
            // .withoutOverwriting: O_EXCL, so not even a name that slipped through could follow a link.
            try Data(f.text.utf8).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(f.name)), options: .withoutOverwriting)
        }
        return dir
    }

    /// `sha256:` and 64 lowercase hex digits, as the recorder writes it.
    static func isDigest(_ s: String) -> Bool {
        guard s.hasPrefix("sha256:") else { return false }
        let hex = s.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A name the recorder could have stored: one file in one folder (`policy.yaml`), never a
    /// path, `.` or `..`, empty, or holding NUL or another control character.
    package static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
    }
}
