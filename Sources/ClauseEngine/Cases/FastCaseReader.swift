import ClauseLanguage
import ClauseSyntax

/// Reads a case from libyaml's events straight into the facts schema's slots, without the
/// `YAMLNode` tree: the common case of a valid file, fast.
///
/// It gives exactly what `YAMLReader` + `CaseHeader` + `CaseReader` give for a valid case (facts,
/// id, policy), using the same typing (`ScalarValue.read`) and bounds. It never reports
/// anything: on any problem, and on anything unusual (see `YAMLEventLog`), it returns nil and the
/// caller takes the slow path, whose diagnostics are the product's. Returning nil is always
/// correct; so every doubt here is a nil.
public enum FastCaseReader {
    /// The case in `file` and the compiled package that decides it, or nil to take the slow path.
    public static func read(_ file: SourceFile, path: String, repository: PolicyRepository,
                             limits: YAMLLimits = .default) -> (CaseFile, CompiledPolicy)? {
        guard let log = YAMLEventLog.read(file, limits: limits),
              let id = policyID(log) else { return nil }
        guard let compiled = repository.compiledPolicy(for: id),
              let c = read(log, file: file, path: path, policy: compiled.policy) else { return nil }
        return (c, compiled)
    }

    /// The case in `file` typed by `policy`, or nil to take the slow path.
    public static func read(_ file: SourceFile, path: String, policy: Policy, limits: YAMLLimits = .default) -> CaseFile? {
        guard let log = YAMLEventLog.read(file, limits: limits) else { return nil }
        return read(log, file: file, path: path, policy: policy)
    }

    /// The text of the root mapping's `policy` (`CaseHeader.policyID`), nil when it is not a
    /// non-null scalar.
    static func policyID(_ log: YAMLEventLog) -> String? {
        guard let root = log.nodes.first, root.kind == .mapping else { return nil }
        var k = 1
        while k < Int(root.next) {
            let v = k + 1
            if log.equals(k, "policy") {
                guard log.nodes[v].kind == .scalar, !log.isNull(v) else { return nil }
                return log.string(v)
            }
            k = Int(log.nodes[v].next)
        }
        return nil
    }

    static func read(_ log: YAMLEventLog, file: SourceFile, path: String, policy: Policy) -> CaseFile? {
        guard let root = log.nodes.first, root.kind == .mapping else { return nil }
        var typer = Typer(log: log, policy: policy)
        guard var facts = typer.record(at: 0, schema: policy.caseSchema, prefix: { "" }, extra: CaseReader.reservedKeys) else { return nil }
        var id = ""
        if let i = policy.caseSchema.index["case"], case .text(let t)? = facts[i] { id = t }
        if id.isEmpty, let v = typer.value(of: "case", in: 0), log.nodes[v].kind == .scalar { id = log.string(v) }
        if TerminalText.hasControlCharacters(id) { return nil }
        // What the history records decides those facts (HistoryFacts), read from the log; a value
        // that does not read leaves the case to the full reader, which reports it where it is.
        let history = typer.value(of: "history", in: 0)
        if let h = history, log.nodes[h].kind == .sequence {
            var events: [(event: String, field: (String) -> HistoryFacts.Field?)] = []
            var i = h + 1
            while i < Int(log.nodes[h].next) {
                let item = i
                i = Int(log.nodes[item].next)
                guard log.nodes[item].kind == .mapping, let n = typer.value(of: "event", in: item), log.nodes[n].kind == .scalar else { continue }
                events.append((log.string(n), { key in
                    guard let v = typer.value(of: key, in: item) else { return nil }
                    guard log.nodes[v].kind == .scalar, !log.isNull(v) else { return .noValue(range: nil) }
                    return .scalar(text: log.string(v), style: log.nodes[v].style, range: nil)
                }))
            }
            guard HistoryFacts.apply(to: &facts, events: events, policy: policy) else { return nil }
        }
        return CaseFile(path: path, id: id, policyID: policy.id, facts: facts, source: file,
                        hasHistory: history != nil)
    }

    /// `CaseReader.record`, `value` and `typed` over the log, nil where they would report an error.
    private struct Typer {
        let log: YAMLEventLog
        /// The policy's schemas and enums, all typing reads of it: a whole policy stored here was
        /// copied for every case read, retaining each of its two dozen arrays and texts.
        let records: [RecordSchema]
        let enums: [EnumType]

        init(log: YAMLEventLog, policy: Policy) {
            self.log = log
            records = policy.records
            enums = policy.enums
        }

        /// The index of the value of `key` in the mapping at `m`. The keys asked for are words of
        /// lowercase ASCII (`history`, `case`, an event's fields), for which equal bytes is equal
        /// text: no String is made of each key on the way. Any other key is compared as text.
        func value(of key: String, in m: Int) -> Int? {
            let byBytes = key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            var k = m + 1
            while k < Int(log.nodes[m].next) {
                if byBytes ? log.equals(k, key) : log.string(k) == key { return k + 1 }
                k = Int(log.nodes[k + 1].next)
            }
            return nil
        }

        /// The slots of the mapping at `m` (nil: an absent record, every field from its default).
        /// `prefix` gives the record's dotted path with a final dot; it is called only when a value
        /// needs its path, so a record read without trouble builds no path.
        mutating func record(at m: Int?, schema: RecordSchema, prefix: () -> String, extra: [String] = []) -> [Value?]? {
            // Fields are read in place (a `Field` is large: copying one retains a dozen strings).
            schema.fields.withUnsafeBufferPointer { fields in
                record(at: m, fields: fields, index: schema.index, prefix: prefix, extra: extra)
            }
        }

        private mutating func record(at m: Int?, fields: UnsafeBufferPointer<Field>, index: [String: Int],
                                     prefix: () -> String, extra: [String]) -> [Value?]? {
            let count = fields.count
            var slots = [Value?](repeating: nil, count: count)
            var given = Flags(count: count)
            if let m {
                // Keys usually come in schema order: try the field after the last one first, by
                // bytes, before hashing the key. Only when names are unique, so both find the same.
                let unique = index.count == count
                var hint = 0
                var k = m + 1
                let end = Int(log.nodes[m].next)
                while k < end {
                    let v = k + 1
                    let next = Int(log.nodes[v].next)
                    defer { k = next }
                    let i: Int
                    if unique && hint < count && log.equals(k, fields[hint].name) {
                        i = hint
                    } else {
                        let key = log.string(k)
                        guard let found = index[key] else {
                            if extra.contains(key) { continue }
                            return nil  // case.unknown-fact
                        }
                        i = found
                    }
                    // A computed fact stated by a case: the tree path says so, located.
                    if fields[i].computed { return nil }
                    hint = i + 1
                    // The log refuses duplicate keys, so each field is given at most once.
                    given.set(i)
                    if log.isNull(v) {
                        if fields[i].type.isOptional { slots[i] = Value.none }
                        // Otherwise not known: the default below, or an error when required.
                        continue
                    }
                    guard let value = typed(v, fields[i].type.unwrapped, field: fields.baseAddress! + i, path: { prefix() + fields[i].name }) else {
                        return nil
                    }
                    slots[i] = value
                }
            }
            for i in 0..<count where slots[i] == nil {
                if let d = fields[i].defaultValue {
                    slots[i] = d
                } else if case .record(let r) = fields[i].type, !given[i] {
                    guard let inner = record(at: nil, schema: records[r], prefix: { prefix() + fields[i].name + "." }) else {
                        return nil
                    }
                    slots[i] = .record(inner)
                } else if fields[i].required {
                    return nil  // case.missing-fact
                }
            }
            return slots
        }

        private mutating func typed(_ n: Int, _ type: ValueType, field: UnsafePointer<Field>, path: () -> String) -> Value? {
            let node = log.nodes[n]
            switch type {
            case .list(let element):
                guard node.kind == .sequence else { return nil }
                var items: [Value] = []
                var count = 0
                var item = n + 1
                while item < Int(node.next) {
                    count += 1
                    item = Int(log.nodes[item].next)
                }
                items.reserveCapacity(count)
                item = n + 1
                var k = 0
                while item < Int(node.next) {
                    if case .record(let r) = element {
                        guard log.nodes[item].kind == .mapping,
                              let slots = record(at: item, schema: records[r], prefix: { "\(path())[\(k)]." }) else { return nil }
                        items.append(.record(slots))
                    } else {
                        guard let v = typed(item, element, field: field, path: { "\(path())[\(k)]" }) else { return nil }
                        items.append(v)
                    }
                    item = Int(log.nodes[item].next)
                    k += 1
                }
                return .list(items)
            case .record(let r):
                guard node.kind == .mapping, let slots = record(at: n, schema: records[r], prefix: { path() + "." }) else { return nil }
                return .record(slots)
            default:
                guard node.kind == .scalar,
                      case .success(var v) = ScalarValue.read(text: log.string(n), style: node.style, as: type, enums: enums),
                      !FastCaseReader.hasBounds(field) || CaseReader.bounds(v, field.pointee) == nil else { return nil }
                if FastCaseReader.isCanonicalised(field) {
                    guard case .success(let c) = CaseReader.canonical(v, field.pointee) else { return nil }
                    v = c
                    guard !FastCaseReader.hasBounds(field) || CaseReader.bounds(v, field.pointee) == nil else { return nil }
                }
                // Tab or line feed (all `ScalarValue` lets through): allowed in free text, not in an id.
                if case .text(let t) = v, TerminalText.hasControlCharacters(t), CaseReader.isIdentifier(field.pointee),
                   ScalarValue.controlCharacter(in: t, allowLineBreaks: false) != nil { return nil }
                return v
            }
        }
    }

    /// Whether `CaseReader.canonical` may change or refuse the value (asked without copying the field).
    private static func isCanonicalised(_ f: UnsafePointer<Field>) -> Bool {
        f.pointee.format != nil || f.pointee.isKey
    }

    /// Whether `CaseReader.bounds` can find anything (asked without copying the field).
    private static func hasBounds(_ f: UnsafePointer<Field>) -> Bool {
        f.pointee.minimum != nil || f.pointee.maximum != nil || f.pointee.length != nil
    }

    /// Which fields a mapping gave: bits for the usual record, an array past 64 fields.
    private struct Flags {
        var bits: UInt64 = 0
        var more: [Bool]

        init(count: Int) { more = count > 64 ? [Bool](repeating: false, count: count) : [] }

        mutating func set(_ i: Int) {
            if more.isEmpty { bits |= 1 << UInt64(i) } else { more[i] = true }
        }

        subscript(_ i: Int) -> Bool { more.isEmpty ? bits & (1 << UInt64(i)) != 0 : more[i] }
    }
}
