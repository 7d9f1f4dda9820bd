import ClauseEngine
import ClauseLanguage

/// `clause evaluate --format json`: one decision as one line of JSON, in the shape and key order
/// of docs/reference/json.md. The same decision always gives the same bytes.
public enum JSONDecisionRenderer {
    /// The shape of `trace` written today (docs/reference/trace.md); 1 is the full tree that records made
    /// before it hold, still written to replay them byte for byte.
    public static let currentTraceVersion = CompactTraceWriter.version

    /// The trace shape of a line this renderer wrote: 1 when its trace has no `trace_version`
    /// (a line from before version 2). A string in the line cannot fake the key: its quotes are escaped.
    package static func traceVersion(of line: String) -> Int {
        contains(line, #""trace":{"trace_version":2,"#) ? 2 : 1
    }

    /// Whether a line this renderer wrote carries a trace at all: records made before the lean
    /// line did, and are replayed in their own shape; a lean line has no `trace` key.
    package static func hasTrace(_ line: String) -> Bool {
        contains(line, #","trace":"#)
    }

    /// Whether `line` holds `part`, byte by byte, over the line's bytes in place. Foundation's
    /// `contains` goes through NSString, and the standard library's generic search of one
    /// collection in another made three quarters of `replay`'s instructions on lines of a few
    /// kilobytes; the first byte is looked for first, and only there the rest compared.
    package static func contains(_ line: String, _ part: StaticString) -> Bool {
        var line = line
        return line.withUTF8 { hay in
            part.withUTF8Buffer { needle in
                guard let first = needle.first else { return true }
                guard needle.count <= hay.count else { return false }
                var i = 0
                let last = hay.count - needle.count
                search: while i <= last {
                    if hay[i] == first {
                        for k in 1..<needle.count where hay[i + k] != needle[k] {
                            i += 1
                            continue search
                        }
                        return true
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// One line, without a trailing newline. Without `trace` (the default of `evaluate --format
    /// json`, and what the store keeps) the line has no `trace` key: the decision, its reasons,
    /// remedies, figures and consequences, a tenth of the bytes and no tracing to pay for;
    /// `explain`, `why`, the memo and the notice read the whole justification instead.
    public static func render(_ d: Decision, policy: Policy, lang: Lang, trace: Bool = true, traceVersion: Int = currentTraceVersion) -> String {
        line(d, policy: policy, lang: lang, trace: trace, traceVersion: traceVersion).output
    }

    /// The line as UTF-8 bytes, for output and the store; with `newline`, ended by one (a line of
    /// JSON Lines output), written with the rest rather than appended to the finished bytes.
    public static func bytes(_ d: Decision, policy: Policy, lang: Lang, trace: Bool = true, traceVersion: Int = currentTraceVersion,
                             newline: Bool = false) -> [UInt8] {
        var w = line(d, policy: policy, lang: lang, trace: trace, traceVersion: traceVersion)
        if newline { w.endLine() }
        return w.utf8
    }

    private static func line(_ d: Decision, policy: Policy, lang: Lang, trace: Bool, traceVersion: Int) -> JSONWriter {
        var w = JSONWriter(capacity: trace ? 16384 : 2048)
        let ctx = Context(policy: policy, lang: lang)
        w.beginObject()
        w.field("case", d.caseID)
        w.field("policy", d.policyID)
        w.field("policy_digest", d.policyDigest)
        w.field("policy_version", d.policyVersion)
        w.key("packages")
        w.beginArray()
        for p in d.packages {
            w.beginObject()
            w.field("policy", p.id)
            w.field("version", p.version)
            w.field("digest", p.digest)
            w.field("effective", p.effective?.iso)
            w.endObject()
        }
        w.endArray()
        w.field("item", d.item)
        w.field("as_of", d.asOf.iso)
        w.field("outcome", d.outcome.rawValue)
        w.field("amount", d.amount.plain)

        // The remedies' words, made once for the reasons' fixes and the remedies below.
        let worded = d.remedies.map { RemedyText.Worded($0, ctx.reader.values) }
        w.key("reasons")
        writeReasons(d, lang: lang, into: &w, worded: worded)

        w.key("consequences")
        w.beginObject()
        w.field("clawback", d.consequences.clawback.plain)
        w.field("blacklisted_until", d.consequences.blacklistedUntil?.iso)
        w.endObject()

        w.key("missing")
        w.beginArray()
        for m in d.missing {
            w.beginObject()
            w.field("fact", m.fact)
            w.field("label", lang == .zh ? m.label : ctx.reader.factLabel(m.fact))
            w.endObject()
        }
        w.endArray()

        if let worded { writeRemedies(d, worded, ctx, &w) }

        LedgerText.write(d, policy: policy, &w)

        if trace {
            w.key("trace")
            if traceVersion == 1 { writeTrace(d, ctx, &w) } else { CompactTraceWriter.write(d, ctx, &w) }
        }
        if let ban = d.registryBan { RegistryBanText.write(ban, &w) }

        w.endObject()
        return w
    }

    /// The justification tree of `trace_version` 1 (no `trace_version` key): definitions with
    /// their steps, then every rule with its steps, every node with its text and value.
    private static func writeTrace(_ d: Decision, _ ctx: Context, _ w: inout JSONWriter) {
        let policy = ctx.policy, lang = ctx.lang
        w.beginObject()
        w.key("definitions")
        w.beginArray()
        for def in d.definitions {
            w.beginObject()
            w.field("name", def.name)
            w.field("label", lang == .en ? (policy.definitions.first { $0.name == def.name }?.labelEn ?? def.label) : def.label)
            w.field("clause", def.clause)
            w.key("value")
            ctx.writeResult(def.node, &w)
            w.key("steps")
            ctx.writeNode(def.node, &w)
            // Every clause the definition cites (added after the keys consumers already read).
            w.field("clauses", strings: def.clauses.isEmpty ? (def.clause.map { [$0] } ?? []) : def.clauses)
            w.endObject()
        }
        w.endArray()
        w.key("rules")
        w.beginArray()
        for rt in d.rules {
            w.beginObject()
            w.field("rule", rt.rule)
            w.field("kind", rt.kind.rawValue)
            w.field("clauses", strings: rt.clauses)
            w.field("status", rt.status.rawValue)
            w.field("message", lang == .en ? (rt.messageEn ?? rt.message) : rt.message)
            w.field("amount", rt.amount?.plain)
            w.field("capped", rt.capped)
            w.field("missing", strings: rt.missing)
            writeOutOfForce(rt, &w)
            w.key("steps")
            w.beginArray()
            for s in rt.steps { ctx.writeNode(s, &w) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// What a rule not in force on the date would have found, and why it was not in force: both
    /// trace shapes write it the same way.
    static func writeOutOfForce(_ rt: borrowing RuleTrace, _ w: inout JSONWriter) {
        guard rt.status == .notInForce else { return }
        w.field("would_fire", rt.wouldFire ?? false)
        w.field("ended_by", rt.endedBy)
        w.field("starts_on", rt.startsOn?.iso)
    }

    /// The `reasons` array of the decision line (the store keeps it in a column of its own),
    /// without their fixes.
    package static func writeReasons(_ d: Decision, lang: Lang, into w: inout JSONWriter) {
        writeReasons(d, lang: lang, into: &w, fixes: false) { _ in nil }
    }

    /// The reasons; with the words of searched remedies, each reason also has its `fix` (the
    /// recorded JSON is written without remedies, so stored decisions replay byte for byte).
    package static func writeReasons(_ d: Decision, lang: Lang, into w: inout JSONWriter, worded: RemedyText.Worded?) {
        guard let worded else { return writeReasons(d, lang: lang, into: &w) }
        writeReasons(d, lang: lang, into: &w, fixes: true) { RemedyText.fix(rule: $0, d, lang: lang, worded: worded) }
    }

    private static func writeReasons(_ d: Decision, lang: Lang, into w: inout JSONWriter, fixes: Bool, fix: (String) -> String?) {
        w.beginArray()
        for r in d.reasons {
            w.beginObject()
            w.field("clause", r.clause)
            w.field("cite", r.cite)
            w.field("rule", r.rule)
            w.field("effect", r.effect.rawValue)
            w.field("message", lang == .en ? (r.messageEn ?? r.message) : r.message)
            if fixes { w.field("fix", fix(r.rule)) }
            w.endObject()
        }
        w.endArray()
    }

    /// `"remedies":[{"changes":{PATH:VALUE},"outcome","amount","message","lifts":[CLAUSE…]}]`, and
    /// when there is none, `"remedies":[]` with `"no_remedy"` saying so and why.
    /// `"changes":{PATH:VALUE}`: the facts a remedy (or a tried change) sets.
    private static func writeChanges(_ changes: [Remedy.Change], _ ctx: Context, _ w: inout JSONWriter) {
        w.key("changes")
        w.beginObject()
        for c in changes {
            w.key(name: c.path)
            ctx.writeValue(c.value, c.type, &w)
        }
        w.endObject()
    }

    private static func writeRemedies(_ d: Decision, _ worded: RemedyText.Worded, _ ctx: Context, _ w: inout JSONWriter) {
        guard let search = d.remedies else { return }
        w.key("remedies")
        w.beginArray()
        for (r, words) in zip(search.remedies, worded.remedies) {
            w.beginObject()
            writeChanges(r.changes, ctx, &w)
            w.field("outcome", r.outcome.rawValue)
            w.field("amount", r.amount.plain)
            w.field("message", words)
            w.field("lifts", strings: clauses(of: r.lifts, ctx.policy))
            w.endObject()
        }
        w.endArray()
        if search.remedies.isEmpty {
            w.key("no_remedy")
            w.beginObject()
            w.field("message", RemedyText.none(d, ctx.lang, exhausted: search.exhausted))
            w.key("tried")
            w.beginArray()
            for (e, words) in zip(search.deadEnds, worded.deadEnds) {
                w.beginObject()
                writeChanges(e.changes, ctx, &w)
                w.field("outcome", e.outcome.rawValue)
                w.field("clauses", strings: e.clauses)
                w.field("message", words)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
    }

    /// The clauses of the rules named, each once, in rule order.
    static func clauses(of rules: [String], _ policy: Policy) -> [String] {
        var out: [String] = []
        // By index: a `Rule` taken out of the array is copied, and it is large.
        for k in policy.rules.indices where rules.contains(policy.rules[k].id) {
            for c in policy.rules[k].clauses where !out.contains(c) { out.append(c) }
        }
        return out
    }

    /// A trace node: `{"expr","role"?,"value","missing"?,"label"?,"exact"?,"origin"?,"children"?,"elements"?}`.
    package static func node(_ n: TraceNode, policy: Policy, lang: Lang = .zh) -> String {
        var w = JSONWriter()
        Context(policy: policy, lang: lang).writeNode(n, &w)
        return w.output
    }

    /// A value as JSON: money and percents as strings, enums by name, records by field name.
    package static func value(_ v: Value, _ type: ValueType?, policy: Policy) -> String {
        var w = JSONWriter()
        Context(policy: policy, lang: .zh).writeValue(v, type, &w)
        return w.output
    }

    package struct Context {
        let lang: Lang
        let reader: TraceReader
        /// The reader's policy: one stored copy for the whole line.
        var policy: Policy { _read { yield reader.policy } }

        package init(policy: Policy, lang: Lang) {
            self.lang = lang
            reader = TraceReader(policy: policy, lang: lang)
        }

        func writeResult(_ n: TraceNode, _ w: inout JSONWriter) {
            if case .value(let v) = n.result { writeValue(v, n.type, &w) } else { w.null() }
        }

        func writeNode(_ n: TraceNode, _ w: inout JSONWriter) {
            w.beginObject()
            w.field("expr", n.text)
            if let role = n.role { w.field("role", role.name) }
            w.key("value")
            writeResult(n, &w)
            if case .missing(let m) = n.result { w.field("missing", strings: m) }
            if let label = reader.label(n) { w.field("label", label) }
            if let exact = n.exact { w.field("exact", exact) }
            if let origin = n.origin { w.field("origin", origin) }
            if !n.children.isEmpty {
                w.key("children")
                w.beginArray()
                for c in n.children { writeNode(c, &w) }
                w.endArray()
            }
            if let elements = n.elements {
                let schema = reader.elementSchema(n)
                let elementType: ValueType? = schema.flatMap { s in policy.records.firstIndex { $0.name == s.name } }.map { .record($0) }
                w.key("elements")
                w.beginArray()
                for e in elements {
                    w.beginObject()
                    w.field("index", e.index)
                    w.field("included", e.included)
                    w.key("value")
                    writeValue(e.element, elementType, &w)
                    if let f = e.filter {
                        w.key("filter")
                        writeNode(f, &w)
                    }
                    if let c = e.contribution {
                        w.key("contribution")
                        writeNode(c, &w)
                    }
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }

        package func writeValue(_ v: Value, _ type: ValueType?, _ w: inout JSONWriter) {
            switch v {
            case .bool(let b): w.bool(b)
            case .int(let n): w.int(n)
            case .money(let m): w.string(m.plain)
            case .percent(let p): w.string(p.display)
            case .date(let d): w.string(d.iso)
            case .period(let p): w.string(p.iso)
            case .duration(let d): w.string(d.display)
            case .text(let t): w.string(t)
            case .enumCase(let t, let i):
                if t < policy.enums.count, i < policy.enums[t].cases.count { w.string(policy.enums[t].cases[i].name) } else { w.null() }
            case .list(let items):
                var element: ValueType?
                if case .list(let e)? = type?.unwrapped { element = e }
                w.beginArray()
                for item in items { writeValue(item, element, &w) }
                w.endArray()
            case .record(let fields):
                if case .record(let r)? = type?.unwrapped, r < policy.records.count {
                    w.beginObject()
                    // Each field's name and type read where they lie: copying a field out copies
                    // its labels, its help and the rest with it.
                    policy.records.withUnsafeBufferPointer { records in
                        records[r].fields.withUnsafeBufferPointer { schema in
                            for i in schema.indices where i < fields.count {
                                guard let fv = fields[i] else { continue }
                                w.key(name: schema[i].name)
                                writeValue(fv, schema[i].type, &w)
                            }
                        }
                    }
                    w.endObject()
                } else {
                    // No schema to name the fields: the known values in order.
                    w.beginArray()
                    for f in fields { if let f { writeValue(f, nil, &w) } else { w.null() } }
                    w.endArray()
                }
            case .table(let t):
                // Keys as written in parameters.yaml: `2`, `3..4`, an enum value's name, `default`.
                var keyType: ValueType?, valueType: ValueType?
                if case .table(let k, let v)? = type?.unwrapped { (keyType, valueType) = (k, v) }
                w.beginObject()
                for r in t.rows {
                    switch r.key {
                    case .int(let n): w.key(name: String(n))
                    case .ints(let lo, let hi): w.key(name: "\(lo)..\(hi)")
                    case .enumCase(let i):
                        if case .enumeration(let e)? = keyType, e < policy.enums.count, i < policy.enums[e].cases.count {
                            w.key(name: policy.enums[e].cases[i].name)
                        } else { w.key(name: String(i)) }
                    }
                    writeValue(r.value, valueType, &w)
                }
                if let d = t.fallback {
                    w.key("default")
                    writeValue(d, valueType, &w)
                }
                w.endObject()
            case .none: w.null()
            }
        }
    }
}
