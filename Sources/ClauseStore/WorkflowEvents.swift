import ClauseDecisionLine
import ClauseEngine
import ClauseSyntax
import GRDB

/// One event of a case's `history:` (docs/reference/workflows.md) as the store keeps it.
///
/// The store does not judge the history (the workflow commands do, over the workflows of the
/// day): it keeps each event mapping exactly as given, as canonical JSON, and the columns a
/// person queries by (event, date, who).
package struct RecordedEvent: Sendable, Equatable {
    /// 0-based index in the case's history.
    package var seq: Int
    package var event: String
    /// `on` as written (YYYY-MM-DD in a well-formed history).
    package var on: String?
    package var role: String?
    package var district: String?
    package var name: String?
    /// The event mapping as given, as JSON with keys in code-point order at every level.
    package var payload: String

    package init(seq: Int, event: String, on: String?, role: String?, district: String?, name: String?, payload: String) {
        self.seq = seq
        self.event = event
        self.on = on
        self.role = role
        self.district = district
        self.name = name
        self.payload = payload
    }

    /// `submit on 2024-07-02 by enterprise`, for messages.
    var summary: String {
        "\(event)\(on.map { " on \($0)" } ?? "")\(role.map { " by \($0)" } ?? "")"
    }
}

/// A case that cannot be recorded as given: its history is not a list of events, or it rewrites
/// events already recorded for the case. Nothing of the case is written.
package struct RecordRefused: Error, Sendable, CustomStringConvertible {
    package var diagnostic: Diagnostic
    package init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    package var description: String {
        let place = diagnostic.range.file.map { "\($0.path):\(diagnostic.range.start.line + $0.lineOffset):\(diagnostic.range.start.column): " } ?? ""
        return "\(place)\(diagnostic.message)"
    }
}

/// Histories as append-only events: reading them from a case tree, checking a history against
/// what is recorded, and putting the recorded events back into a case for the workflow commands.
package enum WorkflowEvents {
    /// The events of a case tree's `history:` with where each is in the file; none when the case
    /// has no history.
    ///
    /// - Throws: `RecordRefused` when the history is not a list of mappings that each name an
    ///   `event`: such a history cannot be kept event by event.
    package static func read(_ root: YAMLNode) throws -> [(event: RecordedEvent, range: SourceRange)] {
        guard case .mapping(let m) = root, let h = m["history"] else { return [] }
        if case .scalar(let s) = h, s.isNull { return [] }
        guard case .sequence(let list) = h else {
            throw RecordRefused(Diagnostic(id: "record.history", "cannot record 'history': expected a list of events, found \(h.kindDescription)", at: h.range))
        }
        var out: [(event: RecordedEvent, range: SourceRange)] = []
        for (i, item) in list.items.enumerated() {
            guard case .mapping(let em) = item else {
                throw RecordRefused(Diagnostic(id: "record.history", "cannot record history event \(i): expected a mapping with 'event', 'on' and 'by', found \(item.kindDescription)", at: item.range))
            }
            guard case .scalar(let name)? = em["event"], !name.isNull else {
                throw RecordRefused(Diagnostic(id: "record.history", "cannot record history event \(i): it does not name its 'event'", at: em.range))
            }
            var role: String?, district: String?, actor: String?
            if case .mapping(let by)? = em["by"] {
                role = text(by["role"])
                district = text(by["district"])
                actor = text(by["name"])
            }
            out.append((RecordedEvent(seq: i, event: name.text, on: text(em["on"]), role: role, district: district, name: actor,
                                      payload: canonicalJSON(item)), em.range))
        }
        return out
    }

    private static func text(_ node: YAMLNode?) -> String? {
        guard case .scalar(let s)? = node, !s.isNull else { return nil }
        return s.text
    }

    /// A node as JSON: mapping keys in code-point order; a plain scalar that JSON reads as a
    /// literal (null in any YAML spelling, true, false, a number) stays one, every other scalar
    /// is a string. Read back as YAML (JSON is YAML's flow style), the text gives the same
    /// scalars with the same meaning: null is still null, `190000.00` still an amount.
    package static func canonicalJSON(_ node: YAMLNode) -> String {
        var out: [UInt8] = []
        write(node, &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ node: YAMLNode, _ out: inout [UInt8]) {
        switch node {
        case .scalar(let s):
            if s.isNull {
                out.append(contentsOf: "null".utf8)
            } else if s.style == .plain && (s.text == "true" || s.text == "false" || isJSONNumber(s.text)) {
                out.append(contentsOf: s.text.utf8)
            } else {
                JSONWriter.appendString(s.text, to: &out)
            }
        case .sequence(let q):
            out.append(UInt8(ascii: "["))
            for (i, item) in q.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .mapping(let m):
            out.append(UInt8(ascii: "{"))
            let entries = m.entries.sorted { $0.key.text.unicodeScalars.lexicographicallyPrecedes($1.key.text.unicodeScalars) { $0.value < $1.value } }
            for (i, e) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(e.key.text, to: &out)
                out.append(UInt8(ascii: ":"))
                write(e.value, &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259's number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var u = Substring(text).utf8[...]
        func digits() -> Int {
            let n = u.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            u = u.dropFirst(n)
            return n
        }
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        if u.first == UInt8(ascii: "0") { u = u.dropFirst() } else if digits() == 0 { return false }
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            if digits() == 0 { return false }
        }
        if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
            u = u.dropFirst()
            if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
            if digits() == 0 { return false }
        }
        return u.isEmpty
    }

    /// The first index at which `given` says something else than `recorded`; nil when one is a
    /// prefix of the other.
    static func contradiction(recorded: [String], given: [RecordedEvent]) -> Int? {
        for (r, g) in zip(recorded, given) where r != g.payload { return g.seq }
        return nil
    }

    /// The refusal for a history that rewrites a recorded event.
    static func refusal(caseID: String, given: RecordedEvent, recorded: String, range: SourceRange?) -> RecordRefused {
        let message = "case \(caseID): history event \(given.seq) (\(given.summary)) contradicts the event recorded at index \(given.seq) "
            + "(recorded \(recorded), given \(given.payload)): recorded events are never rewritten, so nothing of this case was recorded; "
            + "keep the recorded events and add new ones after them"
        let at = range ?? SourceRange(file: nil, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1))
        return RecordRefused(Diagnostic(id: "record.history-rewritten", message, at: at))
    }

    /// Appends the events of `given` beyond those recorded for the case, in the caller's
    /// transaction; refuses a history that contradicts a recorded event.
    /// Returns the record numbers of the events appended.
    @discardableResult
    static func append(_ given: [RecordedEvent], caseID: String, caseDigest: String, decisionID: Int64, recordedAt: String, _ db: Database) throws -> [Int64] {
        let recorded = try String.fetchAll(db.cachedStatement(sql: "SELECT payload FROM workflow_events WHERE case_id = ? ORDER BY seq"),
                                           arguments: [caseID])
        if let i = contradiction(recorded: recorded, given: given) {
            throw refusal(caseID: caseID, given: given[i], recorded: recorded[i], range: nil)
        }
        guard given.count > recorded.count else { return [] }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO workflow_events (case_id, seq, event, on_date, role, district, name, payload, case_digest, decision_id, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var ids: [Int64] = []
        for e in given[recorded.count...] {
            let row: [(any DatabaseValueConvertible)?] = [caseID, e.seq, e.event, e.on, e.role, e.district, e.name, e.payload, caseDigest,
                                                          decisionID, recordedAt]
            try insert.run(values: row.map { $0?.databaseValue ?? .null })
            ids.append(db.lastInsertedRowID)
        }
        return ids
    }

    /// The case as the workflow commands replay it from the store: the latest recorded text of
    /// the case, with its `history:` replaced by every recorded event in order. Nil when the store
    /// holds no decision for the case.
    ///
    /// Diagnostics about the case point into the recorded text (named `STORE[CASE_ID]`), those
    /// about events into a text of one event per line (`STORE[CASE_ID history]`, line n+1 for
    /// event n).
    package static func recordedCase(_ caseID: String, in store: RecordStore) throws -> Result<(root: YAMLNode, path: String), DiagnosticsError>? {
        guard let latest = try store.decisions(caseID: caseID).last, let text = try store.caseText(digest: latest.caseDigest) else { return nil }
        let events = try store.workflowEvents(caseID: caseID)
        var bag = DiagnosticBag()
        let file = SourceFile(path: "\(store.path)[\(caseID)]", text: text)
        guard var root = YAMLReader.read(file, into: &bag), !bag.hasErrors else { return .failure(DiagnosticsError(bag.sorted)) }
        var history: YAMLNode?
        if !events.isEmpty {
            let lines = events.map { "- \($0.payload)\n" }.joined()
            history = YAMLReader.read(SourceFile(path: "\(store.path)[\(caseID) history]", text: lines), into: &bag)
            guard history != nil, !bag.hasErrors else { return .failure(DiagnosticsError(bag.sorted)) }
        }
        do {
            root = try CasePatch.set(root, path: "history", to: history)
        } catch {
            bag.error("record.case", "the recorded case is not a mapping of facts", at: root.range)
            return .failure(DiagnosticsError(bag.sorted))
        }
        return .success((root, file.path))
    }
}

extension RecordStore {
    /// The recorded events of a case's history, in order.
    package func workflowEvents(caseID: String) throws -> [RecordedEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT seq, event, on_date, role, district, name, payload FROM workflow_events WHERE case_id = ? ORDER BY seq",
                             arguments: [caseID])
                .map { RecordedEvent(seq: (try $0.decode(forColumn: "seq")), event: (try $0.decode(forColumn: "event")), on: (try $0.decode(forColumn: "on_date")), role: (try $0.decode(forColumn: "role")), district: (try $0.decode(forColumn: "district")),
                                     name: (try $0.decode(forColumn: "name")), payload: (try $0.decode(forColumn: "payload"))) }
        }
    }

    /// The payloads of a case's recorded events, in order.
    func workflowEventPayloads(caseID: String) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT payload FROM workflow_events WHERE case_id = ? ORDER BY seq", arguments: [caseID]) }
    }
}
