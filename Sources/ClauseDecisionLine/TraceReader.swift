import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Reads a decision's trace the way a reviewer would: names the values with their labels, writes
/// an operation as `合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00`, and finds the
/// conditions that decided a filter or a rule.
package struct TraceReader: Sendable {
    package let lang: Lang
    package let values: ValueText
    /// The policy its values are worded by, held once: a decision line makes a reader for every
    /// case, and each stored copy of a policy retains its two dozen arrays and texts.
    package var policy: Policy { _read { yield values.policy } }

    package init(policy: Policy, lang: Lang) {
        self.lang = lang
        values = ValueText(policy: policy, lang: lang)
    }

    package func word(_ w: OutcomeWords.Word) -> String { OutcomeWords.word(w, lang) }

    // MARK: - Labels

    /// What a node refers to, in the reviewer's language: a fact's, parameter's or definition's
    /// label, or the field label of an element's member (`e.category` is 支出类别).
    package func label(_ node: TraceNode) -> String? { label(node, isPath: node.kind.isName) }

    /// The same, for a writer that already knows whether the node is a name.
    package func label(_ node: TraceNode, isPath: Bool) -> String? {
        label(text: node.text, own: node.label, kind: node.kind, base: node.firstChildType, isPath: isPath)
    }

    /// The same from the parts of a node it is made from: its text, its own label, its kind and
    /// its first operand's type (a member's record). A writer reading a node in place hands these
    /// on rather than the node, which would be copied whole.
    package func label(text: String, own: String?, kind: TraceNode.Kind, base: ValueType?, isPath: Bool) -> String? {
        // Only a name or a dotted path can have a label of its own; an operation never does.
        guard isPath else {
            // A table read in English: the table's English label, the row the evaluator chose.
            if lang == .en, own != nil, case .lookup(let p?, let row) = kind, p < policy.parameters.count,
               let en = policy.parameters[p].labelEn {
                return "\(en) [\(row.en)]"
            }
            return own
        }
        if lang == .en, let en = englishLabel(text) { return en }
        if let m = memberLabel(kind: kind, base: base) { return m }
        if let l = own { return l }
        // The cheap test first: most names that get here are an element's variable (`e`).
        if text.contains(".") || policy.caseSchema.index[text] != nil, let f = field(atPath: text) { return values.label(f) }
        return nil
    }

    private func englishLabel(_ name: String) -> String? {
        if let p = policy.parameters.first(where: { $0.name == name }) { return p.labelEn ?? p.label }
        if let d = policy.definitions.first(where: { $0.name == name }) { return d.labelEn ?? d.label }
        if name.contains("."), let f = field(atPath: name) { return f.labelEn ?? f.label }
        if let i = policy.caseSchema.index[name] {
            let f = policy.caseSchema.fields[i]
            return f.labelEn ?? f.label
        }
        return nil
    }

    /// `e.category` where `e` is a record: that record's field label.
    private func memberLabel(_ node: TraceNode) -> String? { memberLabel(kind: node.kind, base: node.firstChildType) }

    private func memberLabel(kind: TraceNode.Kind, base: ValueType?) -> String? {
        guard case .member(let field, _) = kind, case .record(let r)? = base?.unwrapped,
            r < policy.records.count, field < policy.records[r].fields.count
        else { return nil }
        return values.label(policy.records[r].fields[field])
    }

    /// The field a dotted fact path names (`project.accepted_on`, `project.expenses[2].paid_on`).
    package func field(atPath path: String) -> Field? {
        let fields = policy.fields(along: path)
        // Only a path that names a field all the way down has one.
        return fields.count == path.split(separator: ".").count ? fields.last : nil
    }

    /// The label of a missing fact, in the reviewer's language: the fact's own label, after the
    /// list elements it lies in (`支出明细第3项 · 付款日期`).
    package func factLabel(_ path: String) -> String {
        var schema = policy.caseSchema
        var parts: [String] = []
        let components = path.split(separator: ".")
        for (k, part) in components.enumerated() {
            let pieces = part.split(separator: "[")
            let name = pieces.first.map(String.init) ?? String(part)
            guard let i = schema.index[name] else { break }
            let f = schema.fields[i]
            var text = values.label(f)
            if pieces.count > 1, let n = Int(pieces[1].dropLast()) {
                text += lang == .zh ? "第\(n + 1)项" : " #\(n + 1)"
                parts.append(text)
            } else if k == components.count - 1 {
                parts.append(text)
            }
            switch f.type.unwrapped {
            case .record(let r), .list(.record(let r)): schema = policy.records[r]
            default: break
            }
        }
        return parts.isEmpty ? path : parts.joined(separator: " · ")
    }

    /// `测评验收日期 (project.accepted_on)`.
    package func missingFact(_ m: Decision.MissingFact) -> String {
        let label = lang == .zh ? m.label : factLabel(m.fact)
        return label == m.fact ? m.fact : "\(label) (\(m.fact))"
    }

    package func missingFact(path: String) -> String {
        let label = factLabel(path)
        return label == path ? path : "\(label) (\(path))"
    }

    /// The support item's label: 中小企业数字化转型改造.
    package func itemLabel(_ d: Decision) -> String? {
        guard let item = d.item else { return nil }
        if let t = policy.itemEnum, let k = policy.enums[t].index[item]
        {
            let c = policy.enums[t].cases[k]
            return lang == .zh ? c.label : (c.labelEn ?? c.name)
        }
        return item
    }

    /// `第四条第（一）项`, or the id when the policy has no such clause.
    package func cite(_ clause: String) -> String { policy.cite(clause) ?? clause }

    package func cites(_ clauses: [String]) -> String {
        clauses.map(cite).joined(separator: lang == .zh ? "、" : ", ")
    }

    package func message(_ rt: RuleTrace) -> String? {
        lang == .en ? (rt.messageEn ?? rt.message) : rt.message
    }

    // MARK: - Values

    /// A node's value as people read it, or what it lacks.
    package func value(_ node: TraceNode) -> String {
        switch node.result {
        case .value(let v): return values.format(v, node.type)
        case .missing(let m):
            if m.isEmpty { return word(.unknown) }
            return "\(word(.unknown))（\(word(.missingPrefix))\(m.map { missingFact(path: $0) }.joined(separator: "、"))）"
        }
    }

    /// `合规投入 ¥380,000.00`: the label (or the expression in labels) and the value.
    package func term(_ node: TraceNode) -> String {
        let v = value(node) + origin(node)
        if let l = label(node) { return "\(l) \(v)" }
        if node.text == v { return v }
        return "\(spelled(node)) \(v)"
    }

    /// An expression with no label of its own in the reviewer's words: each part that has a
    /// label by its label, and `if … then … else`, `min`, `max`, `and`, `or` in the reviewer's
    /// language (`较小值(本企业剩余额度, 若 申报批次 == 第一批 则 40万元 否则 30万元)`), so
    /// `explain` never shows a rule's raw text where a step has no name.
    package func spelled(_ node: TraceNode) -> String {
        if let l = label(node) { return l }
        let text = node.text
        guard !node.children.isEmpty else {
            // A bare enum value (`first`) by its label (第一批).
            if case .enumCase? = node.value, node.kind.isName { return value(node) }
            return TraceReader.oneLine(words(Substring(text)))
        }
        var out = ""
        var cursor = text.startIndex
        for child in node.children {
            guard !child.text.isEmpty, let r = text.range(of: child.text, range: cursor..<text.endIndex) else { continue }
            out += words(text[cursor..<r.lowerBound])
            out += spelled(child)
            cursor = r.upperBound
        }
        out += words(text[cursor...])
        return TraceReader.oneLine(out)
    }

    /// The keywords of an expression between its parts, in the reviewer's language.
    private func words(_ s: Substring) -> String {
        var t = " " + String(s) + " "
        let table: [(String, String)] = lang == .zh
            ? [(" if ", " 若 "), (" then ", " 则 "), (" else ", " 否则 "), (" and ", " 且 "), (" or ", " 或 "), (" not ", " 非 "),
               (" otherwise ", " 否则取 "), (" min(", " 较小值("), (" max(", " 较大值("), ("(min(", "(较小值("), ("(max(", "(较大值("),
               (" * ", " × "), (" / ", " ÷ "), (" - ", " − ")]
            : [(" * ", " × "), (" / ", " ÷ "), (" - ", " − ")]
        for (from, to) in table { t = t.replacingOccurrences(of: from, with: to) }
        return enumLabels(String(t.dropFirst().dropLast()))
    }

    /// Bare enum values written in an expression (`first`, which the trace keeps as text) by
    /// their labels, when exactly one enum has the name.
    private func enumLabels(_ s: String) -> String {
        var out = "", word = ""
        func flush() {
            let owners = word.isEmpty ? [] : policy.enums.filter { $0.index[word] != nil }
            if owners.count == 1, let k = owners[0].index[word] {
                let c = owners[0].cases[k]
                out += lang == .zh ? c.label : (c.labelEn ?? c.label)
            } else {
                out += word
            }
            word = ""
        }
        for ch in s {
            if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_") || (ch == "." && !word.isEmpty) { word.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    /// `（2025-07-01 起依 shenyang-2025-notice 第…）` for a value an amendment set; empty otherwise.
    package func origin(_ node: TraceNode) -> String {
        guard let o = node.origin else { return "" }
        let parts = o.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return "" }
        let cite = policy.cite(parts[2]) ?? parts[2]
        return lang == .zh ? "（\(parts[0]) 起依 \(parts[1]) \(cite)）" : " (from \(parts[0]) under \(parts[1]), \(cite))"
    }

    /// The table reads (`tier_caps[project.digital_level]`) in a node's tree, outermost first.
    package func lookups(_ node: TraceNode) -> [TraceNode] {
        var out: [TraceNode] = []
        func visit(_ n: TraceNode) {
            if TraceReader.isLookup(n) { out.append(n) }
            n.children.forEach(visit)
        }
        visit(node)
        return out
    }

    /// A read of a table parameter, which carries the table's label and the row chosen.
    static func isLookup(_ n: TraceNode) -> Bool { n.kind.isLookup && n.label != nil }

    /// `改造补贴上限（按等级） [3] = ¥600,000.00（改造后数字化水平等级 = 3）`; a key with no row says so.
    package func lookupLine(_ n: TraceNode) -> String {
        let key = n.children.first.map { binding($0) }
        let noRow = n.value == Value.none
        let value = noRow ? (lang == .zh ? "无（表中没有此键的行，也没有默认值）" : "none (the table has no row for this key and no default)") : value(n)
        return "\(label(n) ?? n.text) = \(value)\(origin(n))\(key.map { lang == .zh ? "（\($0)）" : " (\($0))" } ?? "")"
    }

    /// `支出类别 = 施工建设`.
    package func binding(_ node: TraceNode) -> String {
        "\(label(node) ?? TraceReader.oneLine(node.text)) = \(value(node))"
    }

    // MARK: - Arithmetic

    /// `合规投入 ¥380,000.00 × 改造补贴比例 50% = ¥190,000.00` for a node that is one arithmetic
    /// operation; nil for anything else. A chain of one kind (`a - b - c`) reads as one line of
    /// labelled terms, instead of its inner operation shown as bare expression text. An operation
    /// written inside parentheses (its operands do not start and end where it does) is left to
    /// the line of the expression around it.
    package func formula(_ node: TraceNode) -> String? {
        guard case .operation(let op, let constant) = node.kind else { return nil }
        if node.children.count == 2 {
            guard let o = operation(node) else { return nil }
            return "\(o.left) \(o.op) \(o.right) = \(value(node))\(exactNote(node))"
        }
        guard node.children.count == 1, let constant, !constant.text.isEmpty else { return nil }
        let a = node.children[0]
        if !constant.isLeft, a.start == node.start {
            return "\(term(a)) \(op.symbol) \(constant.text) = \(value(node))\(exactNote(node))"
        } else if constant.isLeft, a.end == node.end {
            return "\(constant.text) \(op.symbol) \(term(a)) = \(value(node))\(exactNote(node))"
        }
        return nil
    }

    /// The two sides of a node that is one operation on two sub-expressions, as terms, with the
    /// operator as shown and whether it adds (`+ −`) or multiplies (`× ÷`).
    private func operation(_ node: TraceNode) -> (left: String, op: String, right: String, additive: Bool)? {
        guard case .operation(let arithmetic, _) = node.kind, node.children.count == 2 else { return nil }
        let a = node.children[0], b = node.children[1]
        guard a.start == node.start, b.end == node.end else { return nil }
        let op = arithmetic.symbol
        let additive = op == "+" || op == "−"
        return (innerChain(a, additive: additive) ?? term(a), op, term(b), additive)
    }

    /// `改造补贴上限 ¥500,000.00 − 已获改造补贴 ¥0.00`: the left side of `a - b - c` spelled out, when it
    /// is an operation of the same kind with nothing of its own to say (no label, no rounding, no
    /// amendment, no missing fact). Only the left side: `a - (b - c)` is written with parentheses.
    private func innerChain(_ node: TraceNode, additive: Bool) -> String? {
        guard label(node) == nil, node.exact == nil, node.origin == nil, case .value = node.result,
            let o = operation(node), o.additive == additive
        else { return nil }
        return "\(o.left) \(o.op) \(o.right)"
    }

    /// `（精确值 0.505，四舍五入到分）` when the operation needed rounding.
    package func exactNote(_ node: TraceNode) -> String {
        guard let exact = node.exact else { return "" }
        let rounding: String
        switch policy.rounding {
        case .halfUp: rounding = lang == .zh ? "四舍五入到分" : "rounded half up to the fen"
        case .halfEven: rounding = lang == .zh ? "银行家舍入到分" : "rounded half to even to the fen"
        case .down: rounding = lang == .zh ? "舍去分以下" : "truncated to the fen"
        }
        return lang == .zh ? "（精确值 \(exact)，\(rounding)）" : " (exactly \(exact), \(rounding))"
    }

    // MARK: - Conditions

    /// The conditions that gave `node` the value `want`: through `and`/`or` (a node whose
    /// children are all conditions), down to the operands with that value; the leaves are the
    /// comparisons and facts a reviewer can check.
    package func deciding(_ node: TraceNode, want: Bool) -> [TraceNode] {
        guard node.value == .bool(want) else { return [node] }
        let kids = node.children
        guard !kids.isEmpty, kids.allSatisfy({ $0.type.unwrapped == .bool }) else { return [node] }
        let matching = kids.filter { $0.value == .bool(want) }
        guard !matching.isEmpty else { return [node] }
        return matching.flatMap { deciding($0, want: want) }
    }

    /// `e.category in eligible_categories 不成立（支出类别 = 施工建设）`.
    package func condition(_ leaf: TraceNode, holds: Bool) -> String {
        let verdict: String
        switch leaf.result {
        case .value: verdict = word(holds ? .holds : .doesNotHold)
        case .missing: verdict = word(.pendingOn)
        }
        var details: [String] = []
        let shown = leaf.children.filter { kid in
            // A list such as the eligible categories is the policy's, not the case's: the
            // expression names it; its values would drown the one that matters.
            if case .list? = kid.value { return false }
            return true
        }
        if let elements = leaf.elements {
            // An aggregation (`any(… for c in project.changes)`): the elements that made it hold,
            // or how many there were.
            let schema = elementSchema(leaf)
            let deciding = elements.filter { $0.included && $0.contribution?.value == .bool(true) }
            if holds, !deciding.isEmpty {
                details = deciding.map { elementName($0, schema).name }
            } else if let source = leaf.children.first(where: { if case .list? = $0.value { true } else { false } }) {
                let n = elements.count
                details = ["\(label(source) ?? source.text) = \(lang == .zh ? "\(n) 项" : "\(n) item\(n == 1 ? "" : "s")")"]
            }
        } else if shown.isEmpty {
            if leaf.label != nil || memberLabel(leaf) != nil || !leaf.children.isEmpty { details.append(binding(leaf)) }
            else if case .missing = leaf.result { details.append(value(leaf)) }
        } else {
            details = shown.map(binding)
        }
        let sep = lang == .zh ? "；" : "; "
        let open = lang == .zh ? "（" : " ("
        let close = lang == .zh ? "）" : ")"
        let tail = details.isEmpty ? "" : open + details.joined(separator: sep) + close
        return "\(TraceReader.oneLine(leaf.text)) \(verdict)\(tail)"
    }

    /// An expression as written, on one line: a multi-line `expr:` with its runs of spaces and
    /// line breaks made single spaces.
    package static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: - Aggregations

    /// The record schema of the elements an aggregation went through, from its source's type.
    package func elementSchema(_ node: TraceNode) -> RecordSchema? {
        for kid in node.children {
            if case .list(let e) = kid.type.unwrapped, case .record(let r) = e.unwrapped, r < policy.records.count {
                return policy.records[r]
            }
        }
        if case .record(let fields)? = node.elements?.first?.element {
            return policy.records.first { $0.fields.count == fields.count && $0.name != policy.caseSchema.name }
        }
        return nil
    }

    /// `MES 软件许可 ¥300,000.00`: an element's first text and first amount, or its summary.
    package func elementName(_ e: ElementTrace, _ schema: RecordSchema?) -> (name: String, amount: Money?) {
        guard case .record(let fields) = e.element, let schema else {
            return (values.format(e.element), nil)
        }
        var name: String?, amount: Money?
        for i in schema.fields.indices where i < fields.count {
            guard let v = fields[i] else { continue }
            if name == nil, case .text(let t) = v { name = TerminalText.escape(t) }
            if amount == nil, case .money(let m) = v { amount = m }
        }
        return (name ?? values.recordSummary(fields, schema), amount)
    }

    /// One line per element: `✓ MES 软件许可 ¥300,000.00 计入`, or `✗ … 不计入：why`.
    package func elementLines(_ node: TraceNode) -> [String] {
        guard let elements = node.elements else { return [] }
        let schema = elementSchema(node)
        return elements.map { e in
            let (name, amount) = elementName(e, schema)
            var shown = amount.map { " \($0.display)" } ?? ""
            if e.included, case .money(let m)? = e.contribution?.value, m != amount { shown = " \(m.display)" }
            if e.included { return "✓ \(name)\(shown) \(word(.counted))" }
            guard let filter = e.filter else { return "✗ \(name)\(shown) \(word(.notCounted))" }
            if case .missing = filter.result {
                return "? \(name)\(shown) \(word(.pendingOn))\(lang == .zh ? "：" : ": ")\(value(filter))"
            }
            let why = deciding(filter, want: false).map { condition($0, holds: false) }
            return "✗ \(name)\(shown) \(word(.notCounted))\(lang == .zh ? "：" : ": ")\(why.joined(separator: lang == .zh ? "；" : "; "))"
        }
    }

    /// Every aggregation node under `node` (itself included), outermost first, not descending
    /// into an aggregation's own elements.
    package func aggregations(_ node: TraceNode) -> [TraceNode] {
        if node.elements != nil { return [node] }
        return node.children.flatMap(aggregations)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }
}

extension String {
    var trimmingSpaces: Substring { self[...].trimmingSpaces }
}
