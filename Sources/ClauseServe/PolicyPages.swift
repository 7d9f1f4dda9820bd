import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import Foundation
import Hummingbird

/// The policy staff's pages: the clause table of a package, its diagnostics, the impact of a
/// proposal over the record, and the scenarios with their clause coverage.
extension Site {
    func policies(json: Bool) async throws -> Response {
        let list = try await workers.run { _ -> [(id: String, title: String, version: String)] in
            let repository = PolicyRepository()
            return repository.index().keys.sorted().compactMap { id in
                repository.policy(for: id).policy.map { (id, $0.title, $0.version) }
            }
        }
        if json {
            var w = JSONWriter()
            w.beginArray()
            for p in list {
                w.beginObject()
                w.field("id", p.id)
                w.field("title", p.title)
                w.field("version", p.version)
                w.endObject()
            }
            w.endArray()
            return Pages.json(w.output)
        }
        let body = Templates.render("policies", ["policies": list.map { ["id": TextForPage.plain($0.id), "link": TextForPage.link($0.id),
                                                                          "title": TextForPage.plain($0.title), "version": TextForPage.plain($0.version)] }])
        return Pages.html("政策 Policies", body: body, api: "/api/policies")
    }

    func policy(_ context: BasicRequestContext, json: Bool) async throws -> Response {
        let id = try caseID(context)
        let view = try await workers.run { _ -> CaseView.Box in
            guard let p = PolicyRepository().policy(for: id).policy, p.id == id else {
                throw PageError(status: .notFound, message: "没有政策包 no policy package '\(id)' under ./Policies")
            }
            return CaseView.Box(Self.clauseTable(p))
        }
        if json { return Pages.json(view.value["json"] as? String ?? "{}") }
        return Pages.html("政策 \(id)", body: Templates.render("policy", view.value), api: "/api/policies/\(TextForPage.link(id))")
    }

    /// Each clause with the rules, definitions, parameters (and their values by date) and ledger
    /// figures that cite it.
    static func clauseTable(_ p: Policy) -> [String: Any] {
        let t = TextForPage.plain
        let values = ValueText(policy: p, lang: .zh)
        var w = JSONWriter()
        w.beginObject()
        w.field("policy", p.id)
        w.field("version", p.version)
        w.field("digest", p.digest)
        w.key("clauses")
        w.beginArray()
        var clauses: [[String: Any]] = []
        for c in p.clauses {
            let rules = p.rules.filter { $0.clauses.contains(c.id) }
            let definitions = p.definitions.filter { $0.clauses.contains(c.id) }
            let parameters = p.parameters.filter { $0.clause == c.id || $0.values.contains { $0.clause == c.id } }
            let figures = p.ledger.filter { $0.clause == c.id }
            clauses.append([
                "id": t(c.id), "cite": t(c.cite), "title": c.title.map(t) ?? false, "text": t(c.text),
                "rules": rules.map { ["id": t($0.id), "label": t($0.label ?? "")] },
                "definitions": definitions.map { ["name": t($0.name), "label": t($0.label)] },
                "parameters": parameters.map { q -> [String: Any] in
                    ["name": t(q.name), "label": t(q.label),
                     "values": q.values.map { ["from": $0.from?.iso ?? "—", "value": t(values.format($0.value))] }]
                },
                "figures": figures.map { ["name": t($0.name), "label": t($0.label)] },
            ])
            w.beginObject()
            w.field("id", c.id)
            w.field("cite", c.cite)
            w.field("text", c.text)
            w.field("rules", strings: rules.map(\.id))
            w.field("definitions", strings: definitions.map(\.name))
            w.key("parameters")
            w.beginArray()
            for q in parameters {
                w.beginObject()
                w.field("name", q.name)
                w.key("values")
                w.beginArray()
                for v in q.values {
                    w.beginObject()
                    w.field("from", v.from?.iso)
                    w.field("value", values.format(v.value))
                    w.field("clause", v.clause)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.field("ledger", strings: figures.map(\.name))
            w.endObject()
        }
        w.endArray()
        w.key("packages")
        w.beginArray()
        for k in p.packages {
            w.beginObject()
            w.field("id", k.id)
            w.field("version", k.version)
            w.field("effective", k.effective?.iso)
            w.field("amends", k.amends)
            w.endObject()
        }
        w.endArray()
        w.field("amended_by", strings: p.amendedBy)
        w.endObject()
        return [
            "title": t(p.title), "version": t(p.version), "digest": String(p.digest.prefix(19)),
            "clauses": clauses, "json": w.output,
            "packages": p.packages.map { ["id": t($0.id), "version": t($0.version), "effective": $0.effective?.iso ?? "", "amends": t($0.amends ?? "")] },
            "hasPackages": p.packages.count > 0, "amendedBy": p.amendedBy.map(t), "hasAmendedBy": !p.amendedBy.isEmpty,
        ]
    }

    // MARK: commands run whole

    /// `clause check --format json`: every diagnostic at its line and column.
    func check(json: Bool) async throws -> Response {
        let exe = configuration.executable
        let run = await Command.off { Command.run(exe, ["check", "--format", "json"]) }
        if json { return Pages.json("[" + run.out.split(separator: "\n").joined(separator: ",") + "]") }
        let rows = run.out.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
            let notes = (o["notes"] as? [[String: Any]] ?? []).map { TextForPage.plain($0["message"] as? String ?? "") }
            return ["file": TextForPage.plain(o["file"] as? String ?? ""), "line": o["line"] as? Int ?? 0, "column": o["column"] as? Int ?? 0,
                    "severity": o["severity"] as? String ?? "", "id": TextForPage.plain(o["id"] as? String ?? ""),
                    "message": TextForPage.plain(o["message"] as? String ?? ""), "notes": notes]
        }
        let summary = run.status == 0 ? "✓ 所有政策包通过检查 every package checks (exit 0)" : "✗ 检查未通过 the check fails (exit \(run.status))"
        let body = Templates.render("diagnostics", ["summary": summary, "rows": rows, "output": TextForPage.plainLines(run.err), "hasOutput": !run.err.isEmpty])
        return Pages.html("检查 Check", body: body, api: "/api/check")
    }

    /// `clause test --format json` and `clause test --coverage`.
    func tests(json: Bool) async throws -> Response {
        let exe = configuration.executable
        let run = await Command.off { Command.run(exe, ["test", "--format", "json"]) }
        if json { return Pages.json("[" + run.out.split(separator: "\n").joined(separator: ",") + "]") }
        let coverage = await Command.off { Command.run(exe, ["test", "--coverage"]) }
        var summary = ""
        var rows: [[String: Any]] = []
        for line in run.out.split(separator: "\n") {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
            if let s = o["summary"] as? [String: Any] {
                summary = "\(s["passed"] ?? 0) passed, \(s["failed"] ?? 0) failed"
                continue
            }
            let status = o["status"] as? String ?? ((o["passed"] as? Bool) == false ? "failed" : "passed")
            let failures = (o["failures"] as? [Any] ?? []).map { f -> String in
                guard let d = f as? [String: Any] else { return "\(f)" }
                return d.keys.sorted().map { "\($0): \(d[$0] ?? "")" }.joined(separator: "; ")
            }
            let detail = (o["message"] as? String) ?? failures.joined(separator: " | ")
            rows.append(["status": TextForPage.plain(status), "failed": status != "passed" && status != "pass",
                         "name": TextForPage.plain(o["scenario"] as? String ?? o["name"] as? String ?? ""),
                         "file": TextForPage.plain(o["file"] as? String ?? ""), "detail": TextForPage.plain(detail)])
        }
        let body = Templates.render("tests", ["summary": TextForPage.plain(summary), "rows": rows, "coverage": TextForPage.plainLines(coverage.out)])
        return Pages.html("测试 Tests", body: body, api: "/api/tests")
    }

    /// The folders a proposal may be named from: Playground/proposals/*, under the working folder.
    static func proposals() -> [String] {
        let root = "Playground/proposals"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { n in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(root)/\(n)", isDirectory: &dir) && dir.boolValue
        }.sorted()
    }

    /// `clause diff --base B --proposed P --store S` over the latest recorded case of every case.
    func impact(_ request: Request, json: Bool) async throws -> Response {
        let all = Self.proposals()
        let chosen = request.uri.queryParameters.get("proposal")
        let proposals = all.map { ["name": TextForPage.plain($0), "selected": $0 == chosen] as [String: Any] }
        guard let chosen else {
            if json { throw PageError(status: .badRequest, message: "name a proposal: ?proposal=NAME, one of \(all.joined(separator: ", "))") }
            return Pages.html("影响 Impact", body: Templates.render("impact", ["proposals": proposals]), api: nil)
        }
        guard all.contains(chosen) else {
            throw PageError(status: .notFound, message: "没有修订草案 no proposal '\(chosen)' under Playground/proposals")
        }
        let exe = configuration.executable
        let storePath = configuration.storePath
        let (folder, base) = try await workers.run { state in
            let folder = try Self.recordedCases(state.store)
            return (folder, PolicyRepository().index()[folder.policyID])
        }
        defer { ScratchFolders.remove(folder.path) }
        guard let baseDir = base else {
            throw PageError(status: .notFound, message: "the recorded policy '\(folder.policyID)' is not under ./Policies")
        }
        let args = ["diff", "--base", baseDir, "--proposed", "Playground/proposals/\(chosen)", "--store", storePath]
        let result = await Command.off { (json: Command.run(exe, args + ["--format", "json", folder.path]), text: Command.run(exe, args + [folder.path])) }
        if json { return Pages.json("[" + result.json.out.split(separator: "\n").joined(separator: ",") + "]") }
        var rows: [[String: Any]] = []
        var summary: [String: Any] = [:]
        var districts: [[String: Any]] = []
        func money(_ v: Any?) -> String { (v as? [String: Any]).map { "\($0["base"] ?? "") → \($0["proposed"] ?? "")" } ?? "" }
        func side(_ v: Any?) -> String {
            if v == nil || v is NSNull { return "—" }
            if let s = v as? [String: Any] { return [s["outcome"] ?? s["status"], s["amount"]].compactMap { $0.map { "\($0)" } }.joined(separator: " ") }
            if let a = v as? [Any] { return a.map { "\($0)" }.joined(separator: ", ") }
            return "\(v!)"
        }
        for line in result.json.out.split(separator: "\n") {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
            guard let c = o["case"] as? String else {
                let s = o["summary"] as? [String: Any] ?? o
                summary = ["cases": "\(s["cases"] ?? "")", "changed": "\(s["changed"] ?? "")", "money": TextForPage.plain(money(s["money"])),
                           "delta": "\(s["delta"] ?? "")"]
                for (name, v) in (s["by_district"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let d = v as? [String: Any] ?? [:]
                    districts.append(["name": TextForPage.plain(name), "cases": "\(d["cases"] ?? "")", "changed": "\(d["changed"] ?? "")",
                                      "money": TextForPage.plain(money(d["money"])), "delta": "\(d["delta"] ?? "")"])
                }
                continue
            }
            let causes = (o["causes"] as? [[String: Any]] ?? []).map { k -> String in
                let what = k["rule"].map { "规则 rule \($0)" } ?? k["definition"].map { "定义 definition \($0)" } ?? k["parameter"].map { "参数 parameter \($0)" } ?? ""
                let label = (k["label"] as? String).map { " \($0)" } ?? ""
                return TextForPage.plain("\(what)\(label) (\(k["clause"] ?? "")): \(side(k["base"])) → \(side(k["proposed"]))")
            }
            rows.append(["caseID": TextForPage.plain(c), "link": TextForPage.link(c), "district": TextForPage.plain(o["district"] as? String ?? ""),
                         "base": TextForPage.plain(side(o["base"])), "proposed": TextForPage.plain(side(o["proposed"])),
                         "delta": TextForPage.plain("\(o["delta"] ?? "")"), "causes": causes])
        }
        let body = Templates.render("impact", ["proposals": proposals, "ran": true, "summary": summary, "districts": districts, "rows": rows,
                                               "text": TextForPage.plainLines(result.text.out + result.text.err)])
        return Pages.html("影响 Impact · \(chosen)", body: body, api: "/api/impact?proposal=\(TextForPage.link(chosen))")
    }

    /// The latest recorded text of every case, one file each, in a scratch folder: the cases
    /// `clause diff` decides on both sides.
    static func recordedCases(_ store: RecordStore) throws -> (path: String, policyID: String) {
        let ids = try store.recordedPolicyIDs()
        guard let policyID = ids.first else { throw PageError(status: .notFound, message: "the store holds no decision") }
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("clause-serve-impact-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        ScratchFolders.register(path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for (n, d) in try store.latestDecisions(policyID: policyID).enumerated() where !d.revoked {
            try d.caseText.write(toFile: "\(path)/\(String(format: "%06d", n)).yaml", atomically: false, encoding: .utf8)
        }
        return (path, policyID)
    }
}

/// Runs the `clause` executable (this one) with arguments, in the working folder, bounded in
/// time; its output is what the page shows.
enum Command {
    struct Ran: Sendable {
        var status: Int32
        var out: String
        var err: String
    }

    /// Commands run on a queue of their own, so that a page waiting for `clause test` holds
    /// neither a store worker nor a thread of the event loops or of Swift's cooperative pool.
    private static let queue = DispatchQueue(label: "clause.serve.commands", attributes: .concurrent)

    static func off<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in queue.async { continuation.resume(returning: body()) } }
    }

    static func run(_ executable: String, _ arguments: [String], seconds: Double = 300) -> Ran {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return Ran(status: 127, out: "", err: "cannot run \(executable): \(error)") }
        let errData = Box()
        let reader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        // A thread of its own, not a dispatch timer: the global queues may all be busy blocking.
        // Killed by its id (not reaped before its output ends, so the id is still its own), and
        // with SIGKILL: a child inherits the server's ignored SIGTERM, which the graceful
        // shutdown takes through a dispatch source.
        let end = Date().addingTimeInterval(seconds)
        let finished = Flag()
        let pid = p.processIdentifier
        let watchdog = Thread {
            while !finished.isSet && Date() < end { usleep(20_000) }
            if !finished.isSet { kill(pid, SIGKILL) }
        }
        watchdog.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        finished.set()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return Ran(status: p.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData.data, as: UTF8.self))
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Data?
        var data: Data {
            get { lock.lock(); defer { lock.unlock() }; return stored ?? Data() }
            set { lock.lock(); stored = newValue; lock.unlock() }
        }
        var done: Bool { lock.lock(); defer { lock.unlock() }; return stored != nil }
    }
}
