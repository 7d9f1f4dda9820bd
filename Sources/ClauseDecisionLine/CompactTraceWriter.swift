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

    /// A node is read where it lies, through a pointer into its parent's array: a node passed on
    /// as a value, and read again after a call that changes the writer, is copied first (a dozen
    /// retains and releases), and a trace has a few hundred nodes a case.
    typealias Node = UnsafePointer<TraceNode>

    let ctx: JSONDecisionRenderer.Context
    /// First value seen for each name (the writer leaves a reference's value out only when it
    /// equals this), by where it lies in `valueOrder`, the names in the order first seen.
    private var values = ExactTextTable<Int>()
    private var valueOrder: [(name: String, value: Value, type: ValueType)] = []
    /// The first label seen for each text (nil when it was first seen without one: a later label
    /// for it is then written on its node, as the table is written before the body), with what
    /// it was made from; `labelOrder` holds the texts that have one, in the order first seen.
    private var labels = ExactTextTable<LabelEntry>()
    private var labelOrder: [(text: String, label: String)] = []
    /// The root expression being written.
    private var root = RootText(text: "", start: 0)
    /// Element variables in scope, innermost last.
    private var scope: [(name: String, value: Value, type: ValueType?)] = []
    init(_ ctx: JSONDecisionRenderer.Context) {
        self.ctx = ctx
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
        d.definitions.withUnsafeBufferPointer { defs in
            for i in defs.indices { definition(defs[i], &w) }
        }
        w.endArray()
        w.key("rules")
        w.beginArray()
        d.rules.withUnsafeBufferPointer { rules in
            for i in rules.indices { rule(rules.baseAddress! + i, &w) }
        }
        w.endArray()
    }

    private mutating func definition(_ def: borrowing DefinitionTrace, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", def.name)
        w.field("label", ctx.lang == .en ? (ctx.policy.definitions.first { $0.name == def.name }?.labelEn ?? def.label) : def.label)
        w.field("clause", def.clause)
        w.field("clauses", strings: def.clauses.isEmpty ? (def.clause.map { [$0] } ?? []) : def.clauses)
        w.key("steps")
        withUnsafePointer(to: def.node) { _ = rootNode($0, &w) }
        w.endObject()
    }

    private mutating func rule(_ rt: UnsafePointer<RuleTrace>, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("rule", rt.pointee.rule)
        w.field("kind", rt.pointee.kind.rawValue)
        w.field("clauses", strings: rt.pointee.clauses)
        w.field("status", rt.pointee.status.rawValue)
        // Only what the rule found: a passed rule has no message, amount, cap or missing facts.
        if let m = ctx.lang == .en ? (rt.pointee.messageEn ?? rt.pointee.message) : rt.pointee.message { w.field("message", m) }
        if let a = rt.pointee.amount { w.field("amount", a.plain) }
        if rt.pointee.capped { w.field("capped", true) }
        if !rt.pointee.missing.isEmpty { w.field("missing", strings: rt.pointee.missing) }
        if rt.pointee.status == .notInForce { JSONDecisionRenderer.writeOutOfForce(rt.pointee, &w) }
        w.key("steps")
        w.beginArray()
        var first = -1
        rt.pointee.steps.withUnsafeBufferPointer { steps in
            for i in steps.indices {
                if i == 0, let j = rt.pointee.appliesAsIn, j < firstSteps.count, firstSteps[j] >= 0 {
                    first = sharedRoot(steps.baseAddress!, as: firstSteps[j], &w)
                } else {
                    let number = rootNode(steps.baseAddress! + i, &w)
                    if i == 0 { first = number }
                }
            }
        }
        firstSteps.append(first)
        w.endArray()
        w.endObject()
    }

    /// The number of each rule's first step as written (the root it is the same as, if it was
    /// written `same`), by the rule's place; -1 for a rule without steps.
    private var firstSteps: [Int] = []

    /// A rule's `for` step taken from an earlier rule's (`RuleTrace.appliesAsIn`). The same node
    /// over the same case writes the same bytes, the tables holding by then every name, value
    /// and label it has, so it is written `same` without being written first. Debug builds (the
    /// tests) write it in full all the same, and stop when it says anything else.
    private mutating func sharedRoot(_ n: Node, as number: Int, _ w: inout JSONWriter) -> Int {
        #if DEBUG
        let start = w.beginValue()
        let found = rootNode(n, &w)
        precondition(found == number, "a rule's `for` taken from rule \(number) wrote what root \(found) said")
        w.takeBack(to: start)
        rootCount -= 1
        #endif
        w.beginObject()
        w.field("same", number)
        w.endObject()
        rootCount += 1
        return number
    }

    /// Each root written so far, by its expression text: where its JSON lies in the body and its
    /// number (definitions' first, then rules' steps, in order). A root that says exactly what an
    /// earlier one said is written `{"same":k}` (rules not applicable to the case share their
    /// `for`); only roots of the same text are compared, in place, without copying or hashing JSON.
    /// (By text, the last root of that text in `written`, whose `earlier` leads to the ones before.)
    private var roots = ExactTextTable<Int>()
    private var written: [(bytes: Range<Int>, number: Int, earlier: Int?)] = []
    private var rootCount = 0

    /// Writes a root, as `same` when an earlier root said the same; returns the number of the
    /// root written, or of the one it is the same as.
    @discardableResult
    private mutating func rootNode(_ n: Node, _ w: inout JSONWriter) -> Int {
        root = RootText(text: n.pointee.text, start: n.pointee.start)
        // Everything wanted of `n` is read before it is written: a node still read after a call
        // that changes the writer is copied first, a dozen retains and releases.
        let key = ExactText(n.pointee.text)
        scope = []
        let start = w.beginValue()
        node(n, &w, isRoot: true, isSource: false)
        let bytes = start..<w.byteCount
        let place = roots.find(key)
        // No two roots on a text's list hold the same bytes (the second was written as `same`),
        // so the order they are compared in does not matter.
        var k = place.entry.map { roots[entry: $0] }
        while let i = k, !w.sameBytes(written[i].bytes, bytes) { k = written[i].earlier }
        let number: Int
        if let same = k {
            number = written[same].number
            w.takeBack(to: start)
            w.beginObject()
            w.field("same", number)
            w.endObject()
        } else {
            number = rootCount
            written.append((bytes, rootCount, place.entry.map { roots[entry: $0] }))
            if let entry = place.entry { roots[entry: entry] = written.count - 1 } else { roots.add(key, written.count - 1, at: place) }
        }
        rootCount += 1
        return number
    }

    /// `and` or `or` for a connective, its first operand's value and type: read here rather than
    /// through the node's own properties, since calling those from this module copies the node.
    private static func connective(_ n: Node) -> String? {
        guard case .connective(let isAnd) = n.pointee.kind else { return nil }
        return isAnd ? "and" : "or"
    }

    private static func firstChildResult(_ n: Node) -> TraceNode.Result? {
        n.pointee.children.withUnsafeBufferPointer { $0.isEmpty ? nil : $0[0].result }
    }

    private static func firstChildType(_ n: Node) -> ValueType? {
        n.pointee.children.withUnsafeBufferPointer { $0.isEmpty ? nil : $0[0].type }
    }

    /// Where `n`'s text lies in the root's text, when it lies at `n`'s offsets, so `at` can stand for it.
    private func placed(_ n: Node) -> (Int, Int)? { root.place(n) }

    private mutating func node(_ n: Node, _ w: inout JSONWriter, isRoot: Bool, isSource: Bool) {
        w.beginObject()
        if isRoot {
            if let role = n.pointee.role { w.field("role", role.name) }
            w.field("expr", n.pointee.text)
        } else if let at = placed(n) {
            w.key("at")
            w.beginArray()
            w.int(at.0)
            w.int(at.1)
            w.endArray()
        } else {
            w.field("expr", n.pointee.text)
            if let role = n.pointee.role { w.field("role", role.name) }
        }
        let isPath = n.pointee.kind.isName
        switch n.pointee.result {
        case .missing(let m): w.field("missing", strings: m)
        case .value(let v):
            if !isSource, !impliedValue(n, v, isPath: isPath) {
                w.key("value")
                ctx.writeValue(v, n.pointee.type, &w)
            }
        }
        label(n, isPath: isPath, &w)
        if let exact = n.pointee.exact { w.field("exact", exact) }
        if let origin = n.pointee.origin { w.field("origin", origin) }
        if let depth = chainDepth(n) {
            w.field("chain", Self.connective(n)!)
            w.key("ends")
            w.beginArray()
            writeEnds(n, depth: depth, isTop: true, &w)
            w.endArray()
            w.key("terms")
            w.beginArray()
            writeTerms(n, depth: depth, &w)
            w.endArray()
        } else if !n.pointee.children.isEmpty {
            w.key("children")
            w.beginArray()
            // Through the buffer: iterating, or even subscripting the array, copies each child (a
            // dozen retains apiece).
            let sourceOmitted = isSourceOmitted(n)
            n.pointee.children.withUnsafeBufferPointer { children in
                for i in children.indices { node(children.baseAddress! + i, &w, isRoot: false, isSource: i == 0 && sourceOmitted) }
            }
            w.endArray()
        }
        if let elements = n.pointee.elements { writeElements(n, elements, &w) }
        w.endObject()
    }

    private mutating func writeElements(_ n: Node, _ elements: [ElementTrace], _ w: inout JSONWriter) {
        let schema = ctx.reader.elementSchema(n.pointee)
        let elementType: ValueType? = schema.flatMap { s in ctx.policy.records.firstIndex { $0.name == s.name } }.map { .record($0) }
        if let v = n.pointee.variable { w.field("var", v) }
        w.key("elements")
        w.beginArray()
        for i in elements.indices {
            w.beginObject()
            w.field("included", elements[i].included)
            w.key("value")
            ctx.writeValue(elements[i].element, elementType, &w)
            if let v = n.pointee.variable { scope.append((v, elements[i].element, elementType)) }
            if let filter = elements[i].filter {
                w.key("filter")
                withUnsafePointer(to: filter) { node($0, &w, isRoot: false, isSource: false) }
            }
            if let contribution = elements[i].contribution {
                w.key("contribution")
                withUnsafePointer(to: contribution) { node($0, &w, isRoot: false, isSource: false) }
            }
            if n.pointee.variable != nil { scope.removeLast() }
            w.endObject()
        }
        w.endArray()
    }

    /// The list an aggregation went over, when its elements say it all.
    private func isSourceOmitted(_ n: Node) -> Bool {
        guard let elements = n.pointee.elements, case .value(.list(let items))? = Self.firstChildResult(n),
              items.count == elements.count else { return false }
        return zip(items, elements).allSatisfy { $0 == $1.element }
    }

    /// Whether a reader finds `n`'s value without it: the element a variable is bound to, a member
    /// of a record written beside it, or a name's entry in `values` (made here at its first reference).
    private mutating func impliedValue(_ n: Node, _ v: Value, isPath: Bool) -> Bool {
        if n.pointee.children.isEmpty, n.pointee.elements == nil, isPath {
            if let bound = scope.last(where: { $0.name == n.pointee.text }) { return bound.value == v }
            let key = ExactText(n.pointee.text)
            let place = values.find(key)
            guard let first = place.entry.map({ values[entry: $0] }) else {
                values.add(key, valueOrder.count, at: place)
                valueOrder.append((n.pointee.text, v, n.pointee.type))
                return true
            }
            return valueOrder[first].value == v
        }
        // `e.amount`: the field of the record its one child holds.
        if n.pointee.children.count == 1, n.pointee.elements == nil, case .member(let field, _) = n.pointee.kind,
           case .value(.record(let fields))? = Self.firstChildResult(n) {
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
    private mutating func label(_ n: Node, isPath: Bool, _ w: inout JSONWriter) {
        // An operation, a comparison, a connective… that carries no label of its own has none, and
        // no node of the same text has one: nothing to look up (most nodes, and the longest texts).
        if !isPath, n.pointee.label == nil { return }
        let base = Self.firstChildType(n)
        let key = ExactText(n.pointee.text)
        let place = labels.find(key)
        guard let entry = place.entry.map({ labels[entry: $0] }) else {
            let l = ctx.reader.label(text: n.pointee.text, own: n.pointee.label, kind: n.pointee.kind, base: base, isPath: isPath)
            labels.add(key, LabelEntry(first: l, nodeLabel: n.pointee.label, base: base), at: place)
            if let l { labelOrder.append((n.pointee.text, l)) }
            return
        }
        if entry.nodeLabel == n.pointee.label, entry.base == base { return }
        let l = ctx.reader.label(text: n.pointee.text, own: n.pointee.label, kind: n.pointee.kind, base: base, isPath: isPath)
        if l != entry.first { w.field("label", l) }
    }

    // MARK: - Chains

    /// `a and b and c` written as its terms and where each link ends, when a reader rebuilding the
    /// links from the terms (docs/reference/trace_expand.py) gets exactly `n`'s tree back: how many
    /// links lie below `n` on the chain's spine (its first children), or nil when it cannot be so
    /// written. The spine is walked in place, never copied: a copy of a node retains a dozen things.
    private func chainDepth(_ n: Node) -> Int? {
        guard let op = Self.connective(n), placed(n) != nil else { return nil }
        let depth = spineDepth(below: n, op: op, start: n.pointee.start)
        guard depth > 0 || !n.pointee.children.isEmpty, rebuilt(n, depth: depth, op: op) != nil else { return nil }
        return depth
    }

    /// How many links continue the chain below `level`: its first child links with the same
    /// connective from the same start, at its offsets, with nothing of its own to say.
    private func spineDepth(below level: Node, op: String, start: Int) -> Int {
        level.pointee.children.withUnsafeBufferPointer { c in
            guard !c.isEmpty, Self.connective(c.baseAddress!) == op, c[0].start == start, placed(c.baseAddress!) != nil, c[0].label == nil,
                  c[0].exact == nil, c[0].origin == nil, c[0].elements == nil else { return 0 }
            return 1 + spineDepth(below: c.baseAddress!, op: op, start: start)
        }
    }

    /// The value of the link at `level` as a reader rebuilds it from the terms, bottom up, or nil
    /// where it differs from what the evaluator gave (or the link does not have the operands a
    /// reader expects: one when its left operand settles it, two otherwise).
    private func rebuilt(_ level: Node, depth: Int, op: String) -> TraceNode.Result? {
        level.pointee.children.withUnsafeBufferPointer { c -> TraceNode.Result? in
            guard !c.isEmpty else { return nil }
            let left: TraceNode.Result
            if depth == 0 {
                left = c[0].result
            } else {
                guard let below = rebuilt(c.baseAddress!, depth: depth - 1, op: op) else { return nil }
                left = below
            }
            let short = Self.settles(left, op)
            guard c.count == (short ? 1 : 2) else { return nil }
            let result = short ? left : Self.link(left, c[1].result, op)
            return Self.same(result, level.pointee.result) ? result : nil
        }
    }

    /// Where each link below the top ends, the lowest first, as offsets into the root's text.
    private func writeEnds(_ level: Node, depth: Int, isTop: Bool, _ w: inout JSONWriter) {
        if depth > 0 {
            level.pointee.children.withUnsafeBufferPointer { c in writeEnds(c.baseAddress!, depth: depth - 1, isTop: false, &w) }
        }
        if !isTop { w.int(level.pointee.end - root.start) }
    }

    /// The chain's terms in order: the lowest link's operands, then each link's right operand upwards.
    private mutating func writeTerms(_ level: Node, depth: Int, _ w: inout JSONWriter) {
        level.pointee.children.withUnsafeBufferPointer { c in
            if depth > 0 {
                writeTerms(c.baseAddress!, depth: depth - 1, &w)
                for i in c.indices.dropFirst() { node(c.baseAddress! + i, &w, isRoot: false, isSource: false) }
            } else {
                for i in c.indices { node(c.baseAddress! + i, &w, isRoot: false, isSource: false) }
            }
        }
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
    func place(_ n: UnsafePointer<TraceNode>) -> (Int, Int)? {
        let s = n.pointee.start - start, e = n.pointee.end - start
        guard n.pointee.end > n.pointee.start, s >= 0, e <= length else { return nil }
        if isASCII {
            guard n.pointee.text.utf8.count == e - s else { return nil }
            let same = n.pointee.text.withUTF8InPlace { t in text.withUTF8InPlace { r in memcmp(t.baseAddress!, r.baseAddress! + s, e - s) == 0 } }
            return same ? (s, e) : nil
        }
        var i = s
        for u in n.pointee.text.unicodeScalars {
            guard i < e, scalars[i] == u else { return nil }
            i += 1
        }
        return i == e ? (s, e) : nil
    }
}
