#if canImport(Glibc)
import Glibc
#endif
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The `trace` of a JSON decision in its compact shape (`trace_version` 2, docs/reference/trace.md): each
/// thing said once, so the trace grows with the expressions and the case, never with their product.
///
/// - A rule's or definition's expression text is written once, on its root node; every
///   sub-expression points into it by `at: [start, end]` (Unicode scalars).
/// - A name's value (a fact, a parameter, a definition, a `let`) goes once into `values`; its
///   references leave it out. An element's value is written once, on the element: the variable
///   bound to it (`e`), a member of it (`e.amount`) and the list it came from leave theirs out.
/// - A label goes once into `labels`, keyed by the text it labels.
/// - An `and`/`or` chain is written as its terms: the value of each link follows from them.
/// - A root that says exactly what an earlier root said is written as `{"same": k}`.
///
/// `docs/reference/trace_expand.py` rebuilds the full tree of `trace_version` 1 from it, and a test holds
/// the two to each other on every example case.
struct CompactTraceWriter {
    static let version = 2

    let ctx: JSONDecisionRenderer.Context
    /// First value seen for each name (the writer leaves a reference's value out only when it
    /// equals this), by where it lies in `valueOrder`, the names in the order first seen.
    private var values: [ExactText: Int] = [:]
    private var valueOrder: [(name: String, value: Value, type: ValueType)] = []
    /// The first label seen for each text (nil when it was first seen without one: a later label
    /// for it is then written on its node, as the table is written before the body), with what
    /// it was made from; `labelOrder` holds the texts that have one, in the order first seen.
    private var labels: [ExactText: LabelEntry] = [:]
    private var labelOrder: [(text: String, label: String)] = []
    /// The root expression being written.
    private var root = RootText(text: "", start: 0)
    /// Element variables in scope, innermost last.
    private var scope: [(name: String, value: Value, type: ValueType?)] = []
    init(_ ctx: JSONDecisionRenderer.Context) {
        self.ctx = ctx
        // Room for a case's texts at once: growing a table rehashes every text in it.
        labels.reserveCapacity(128)
        values.reserveCapacity(64)
        roots.reserveCapacity(64)
    }

    /// Writes the whole trace object. One walk: the body goes to a scratch writer while the tables
    /// fill (a name's first value, a text's first label), then the tables, then the body.
    static func write(_ d: Decision, _ ctx: JSONDecisionRenderer.Context, _ w: inout JSONWriter) {
        var writer = CompactTraceWriter(ctx)
        var body = JSONWriter(capacity: 8192)
        body.beginObject()
        writer.body(d, &body)
        writer.write(body, &w)
    }

    private func write(_ body: borrowing JSONWriter, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("trace_version", Self.version)
        w.key("labels")
        w.beginObject()
        for entry in labelOrder { w.field(name: entry.text, entry.label) }
        w.endObject()
        w.key("values")
        w.beginObject()
        for entry in valueOrder {
            w.key(name: entry.name)
            ctx.writeValue(entry.value, entry.type, &w)
        }
        w.endObject()
        w.members(of: body)
        w.endObject()
    }

    /// `definitions` and `rules`, filling the tables as it goes. Each definition, rule and step is
    /// read where it lies (by index, borrowed): a copy of a trace node retains a dozen things.
    private mutating func body(_ d: Decision, _ w: inout JSONWriter) {
        w.key("definitions")
        w.beginArray()
        for i in d.definitions.indices { definition(d.definitions[i], &w) }
        w.endArray()
        w.key("rules")
        w.beginArray()
        for i in d.rules.indices { rule(d.rules[i], &w) }
        w.endArray()
    }

    private mutating func definition(_ def: borrowing DefinitionTrace, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", def.name)
        w.field("label", ctx.lang == .en ? (ctx.policy.definitions.first { $0.name == def.name }?.labelEn ?? def.label) : def.label)
        w.field("clause", def.clause)
        w.field("clauses", strings: def.clauses.isEmpty ? (def.clause.map { [$0] } ?? []) : def.clauses)
        w.key("steps")
        rootNode(def.node, &w)
        w.endObject()
    }

    private mutating func rule(_ rt: borrowing RuleTrace, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("rule", rt.rule)
        w.field("kind", rt.kind.rawValue)
        w.field("clauses", strings: rt.clauses)
        w.field("status", rt.status.rawValue)
        // Only what the rule found: a passed rule has no message, amount, cap or missing facts.
        if let m = ctx.lang == .en ? (rt.messageEn ?? rt.message) : rt.message { w.field("message", m) }
        if let a = rt.amount { w.field("amount", a.plain) }
        if rt.capped { w.field("capped", true) }
        if !rt.missing.isEmpty { w.field("missing", strings: rt.missing) }
        JSONDecisionRenderer.writeOutOfForce(rt, &w)
        w.key("steps")
        w.beginArray()
        for i in rt.steps.indices { rootNode(rt.steps[i], &w) }
        w.endArray()
        w.endObject()
    }

    /// Each root written so far, by its expression text: where its JSON lies in the body and its
    /// number (definitions' first, then rules' steps, in order). A root that says exactly what an
    /// earlier one said is written `{"same":k}` (rules not applicable to the case share their
    /// `for`); only roots of the same text are compared, in place, without copying or hashing JSON.
    private var roots: [ExactText: [(bytes: Range<Int>, number: Int)]] = [:]
    private var rootCount = 0

    private mutating func rootNode(_ n: borrowing TraceNode, _ w: inout JSONWriter) {
        root = RootText(text: n.text, start: n.start)
        scope = []
        let start = w.beginValue()
        node(n, &w, isRoot: true, isSource: false)
        let written = start..<w.byteCount
        let key = ExactText(n.text)
        if let earlier = roots[key]?.first(where: { w.sameBytes($0.bytes, written) }) {
            w.takeBack(to: start)
            w.beginObject()
            w.field("same", earlier.number)
            w.endObject()
        } else {
            roots[key, default: []].append((written, rootCount))
        }
        rootCount += 1
    }

    /// Where `n`'s text lies in the root's text, when it lies at `n`'s offsets, so `at` can stand for it.
    private func placed(_ n: borrowing TraceNode) -> (Int, Int)? { root.place(n) }

    private mutating func node(_ n: borrowing TraceNode, _ w: inout JSONWriter, isRoot: Bool, isSource: Bool) {
        w.beginObject()
        if isRoot {
            if let role = n.role { w.field("role", role.name) }
            w.field("expr", n.text)
        } else if let at = placed(n) {
            w.key("at")
            w.beginArray()
            w.int(at.0)
            w.int(at.1)
            w.endArray()
        } else {
            w.field("expr", n.text)
            if let role = n.role { w.field("role", role.name) }
        }
        let isPath = n.kind.isName
        switch n.result {
        case .missing(let m): w.field("missing", strings: m)
        case .value(let v):
            if !isSource, !impliedValue(n, v, isPath: isPath) {
                w.key("value")
                ctx.writeValue(v, n.type, &w)
            }
        }
        label(n, isPath: isPath, &w)
        if let exact = n.exact { w.field("exact", exact) }
        if let origin = n.origin { w.field("origin", origin) }
        if let chain = chain(n) {
            w.field("chain", n.connective!)
            w.key("ends")
            w.beginArray()
            for e in chain.ends { w.int(e - root.start) }
            w.endArray()
            w.key("terms")
            w.beginArray()
            for t in chain.terms { node(t, &w, isRoot: false, isSource: false) }
            w.endArray()
        } else if !n.children.isEmpty {
            w.key("children")
            w.beginArray()
            // Through the buffer: iterating, or even subscripting the array, copies each child (a
            // dozen retains apiece).
            let sourceOmitted = isSourceOmitted(n)
            n.children.withUnsafeBufferPointer { children in
                for i in children.indices { node(children[i], &w, isRoot: false, isSource: i == 0 && sourceOmitted) }
            }
            w.endArray()
        }
        if let elements = n.elements { writeElements(n, elements, &w) }
        w.endObject()
    }

    private mutating func writeElements(_ n: borrowing TraceNode, _ elements: [ElementTrace], _ w: inout JSONWriter) {
        let schema = ctx.reader.elementSchema(n)
        let elementType: ValueType? = schema.flatMap { s in ctx.policy.records.firstIndex { $0.name == s.name } }.map { .record($0) }
        if let v = n.variable { w.field("var", v) }
        w.key("elements")
        w.beginArray()
        for i in elements.indices {
            w.beginObject()
            w.field("included", elements[i].included)
            w.key("value")
            ctx.writeValue(elements[i].element, elementType, &w)
            if let v = n.variable { scope.append((v, elements[i].element, elementType)) }
            if elements[i].filter != nil {
                w.key("filter")
                node(elements[i].filter!, &w, isRoot: false, isSource: false)
            }
            if elements[i].contribution != nil {
                w.key("contribution")
                node(elements[i].contribution!, &w, isRoot: false, isSource: false)
            }
            if n.variable != nil { scope.removeLast() }
            w.endObject()
        }
        w.endArray()
    }

    /// The list an aggregation went over, when its elements say it all.
    private func isSourceOmitted(_ n: borrowing TraceNode) -> Bool {
        guard let elements = n.elements, !n.children.isEmpty, case .value(.list(let items)) = n.children[0].result,
              items.count == elements.count else { return false }
        return zip(items, elements).allSatisfy { $0 == $1.element }
    }

    /// Whether a reader finds `n`'s value without it: the element a variable is bound to, a member
    /// of a record written beside it, or a name's entry in `values` (made here at its first reference).
    private mutating func impliedValue(_ n: borrowing TraceNode, _ v: Value, isPath: Bool) -> Bool {
        if n.children.isEmpty, n.elements == nil, isPath {
            if let bound = scope.last(where: { $0.name == n.text }) { return bound.value == v }
            let key = ExactText(n.text)
            guard let first = values[key] else {
                values[key] = valueOrder.count
                valueOrder.append((n.text, v, n.type))
                return true
            }
            return valueOrder[first].value == v
        }
        // `e.amount`: the field of the record its one child holds.
        if n.children.count == 1, n.elements == nil, case .member(let field, _) = n.kind,
           case .value(.record(let fields)) = n.children[0].result {
            guard field < fields.count, let f = fields[field] else { return false }
            return f == v
        }
        return false
    }

    /// A label is made from a node's text, its own label and its first child's type (a member's
    /// record), in one language: a node that repeats all three has the label already made.
    struct LabelEntry {
        var first: String?
        var nodeLabel: String?
        var base: ValueType?
    }

    /// Writes `label` only where it differs from the one `labels` holds for the text.
    private mutating func label(_ n: borrowing TraceNode, isPath: Bool, _ w: inout JSONWriter) {
        // An operation, a comparison, a connective… that carries no label of its own has none, and
        // no node of the same text has one: nothing to look up (most nodes, and the longest texts).
        if !isPath, n.label == nil { return }
        let base = n.children.isEmpty ? nil : n.children[0].type
        let key = ExactText(n.text)
        guard let entry = labels[key] else {
            let l = ctx.reader.label(n, isPath: isPath)
            labels[key] = LabelEntry(first: l, nodeLabel: n.label, base: base)
            if let l { labelOrder.append((n.text, l)) }
            return
        }
        if entry.nodeLabel == n.label, entry.base == base { return }
        let l = ctx.reader.label(n, isPath: isPath)
        if l != entry.first { w.field("label", l) }
    }

    // MARK: - Chains

    /// `a and b and c` as its terms and where each link ends, when a reader rebuilding the links
    /// from the terms (docs/reference/trace_expand.py) gets exactly `n`'s tree back; nil otherwise.
    private func chain(_ n: TraceNode) -> (terms: [TraceNode], ends: [Int])? {
        guard let op = n.connective, placed(n) != nil else { return nil }
        var spine = [n]  // top first
        while let first = spine.last!.children.first, first.connective == op, first.start == n.start, placed(first) != nil,
              first.label == nil, first.exact == nil, first.origin == nil, first.elements == nil {
            spine.append(first)
        }
        guard spine.count > 1 || !n.children.isEmpty else { return nil }
        let bottom = spine.last!
        var terms = bottom.children
        for level in spine.dropLast().reversed() { terms += level.children.dropFirst() }
        guard !terms.isEmpty, terms.count <= spine.count + 1 else { return nil }
        // Rebuild the links as a reader would, and compare.
        var left = terms[0].result
        var k = 1
        for level in spine.reversed() {
            let short = Self.settles(left, op)
            guard level.children.count == (short ? 1 : 2) else { return nil }
            var result = left
            if !short {
                guard k < terms.count else { return nil }
                result = Self.link(left, terms[k].result, op)
                k += 1
            }
            guard Self.same(result, level.result) else { return nil }
            left = result
        }
        guard k == terms.count else { return nil }
        return (terms, spine.dropFirst().reversed().map(\.end))
    }

    /// Whether `r` decides the connective without its right operand (`false and …`, `true or …`).
    static func settles(_ r: TraceNode.Result, _ op: String) -> Bool {
        if case .value(.bool(let b)) = r { return b == (op == "or") }
        return false
    }

    /// The value of `l op r` as the evaluator gives it, `l` not settling it.
    static func link(_ l: TraceNode.Result, _ r: TraceNode.Result, _ op: String) -> TraceNode.Result {
        if settles(r, op) { return r }
        switch (l, r) {
        case (.value, .value): return r
        case (.missing(let a), .missing(let b)): return .missing(Set(a).union(b).sorted())
        case (.missing, _): return l
        case (_, .missing): return r
        }
    }

    static func same(_ a: TraceNode.Result, _ b: TraceNode.Result) -> Bool {
        switch (a, b) {
        case (.value(let x), .value(let y)): x == y
        case (.missing(let x), .missing(let y)): x == y
        default: false
        }
    }
}

/// A root expression's text, to check that a node's text is where its offsets say. Offsets count
/// Unicode scalars; in an ASCII text (nearly all are) they are byte offsets, and the check is a
/// memcmp instead of a walk over scalars.
private struct RootText {
    let text: String
    /// Where the text starts in the expression string it was parsed from.
    let start: Int
    private let isASCII: Bool
    /// The scalars, for a text that is not ASCII.
    private let scalars: [Unicode.Scalar]
    private let length: Int

    init(text: String, start: Int) {
        self.text = text
        self.start = start
        isASCII = JSONWriter.isASCII(text)
        scalars = isASCII ? [] : Array(text.unicodeScalars)
        length = isASCII ? text.utf8.count : scalars.count
    }

    /// `n`'s offsets in this text, when its text is there.
    func place(_ n: borrowing TraceNode) -> (Int, Int)? {
        let s = n.start - start, e = n.end - start
        guard n.end > n.start, s >= 0, e <= length else { return nil }
        if isASCII {
            guard n.text.utf8.count == e - s else { return nil }
            let same = n.text.withUTF8InPlace { t in text.withUTF8InPlace { r in memcmp(t.baseAddress!, r.baseAddress! + s, e - s) == 0 } }
            return same ? (s, e) : nil
        }
        var i = s
        for u in n.text.unicodeScalars {
            guard i < e, scalars[i] == u else { return nil }
            i += 1
        }
        return i == e ? (s, e) : nil
    }
}
