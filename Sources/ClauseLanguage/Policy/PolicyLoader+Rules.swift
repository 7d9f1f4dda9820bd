import ClauseSyntax

/// Rules: each cites its clause(s), has exactly one kind, a zh message, and type-checked
/// expressions.
extension PolicyLoader {
    static let ruleKinds: [Rule.Kind] = [.refuseWhen, .require, .needs, .award, .reviewWhen]
    static let ruleKeys = ["id", "clause", "label", "for", "let", "cap", "clawback", "ban_until", "say", "say_en", "fix", "fix_en",
                           "description", "replaces", "part", "may_be_zero", "cite"] + ruleKinds.map(\.rawValue)

    func readRules(_ node: YAMLNode?, at fallback: SourceRange) {
        guard let node else {
            if isAmendment { return }
            access.bag.error("policy.no-rules", "the package has no rules: add a 'rules' section", at: fallback)
            return
        }
        guard let seq = access.sequence(node, "'rules'") else { return }
        var seen: [String: SourceRange] = Dictionary(rules.map { ($0.id, $0.range) }, uniquingKeysWith: { a, _ in a })
        for item in seq.items {
            guard let m = access.mapping(item, "a rule") else { continue }
            // Ids are checked even for rules with other errors, so every problem shows in one run.
            if case .scalar(let id)? = m["id"] {
                if let first = seen[id.text] {
                    access.bag.error("rule.duplicate-id", "rule id '\(id.text)' is used again", at: id.range,
                                     notes: [.init(message: "first used here", range: first)])
                } else {
                    seen[id.text] = id.range
                }
            }
            guard var rule = readRule(m) else { continue }
            rule.packageID = packageID
            rule.from = effective
            if let r = m["replaces"] {
                guard isAmendment else {
                    access.bag.error("amendment.replaces", "only an amendment (a package with 'amends:') can replace rules", at: r.range)
                    continue
                }
                if let s = access.scalar(r, "a rule id"), let i = replaceRule(s) {
                    rules.insert(rule, at: i + 1)
                    continue
                }
            }
            rules.append(rule)
        }
    }

    func readRule(_ m: YAMLNode.Mapping) -> Rule? {
        let idScalar = m["id"].flatMap { access.scalar($0, "a rule id") }
        let id = idScalar?.text ?? "?"
        let what = "rule '\(id)'"
        access.checkKeys(m, allowed: PolicyLoader.ruleKeys, required: ["id"], in: what)
        if let idScalar, !PolicyLoader.isIdentifierPath(idScalar.text) {
            access.bag.error("name.invalid", "rule id '\(id)' should be words joined by '.' or '_'", at: idScalar.range)
        }
        let range = idScalar?.range ?? m.range

        // Every rule cites a clause: a decision must name the text that made it.
        var clauses: [String] = []
        if let c = m["clause"] {
            clauses = clauseReferences(c)
        } else {
            access.bag.error("rule.no-clause", "\(what) cites no clause: every rule needs 'clause'", at: range)
        }

        if m["say"] == nil { access.bag.error("rule.no-message", "\(what) needs 'say': the zh message a reviewer reads", at: range) }
        let kinds = PolicyLoader.ruleKinds.filter { m[$0.rawValue] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            access.bag.error("rule.kind", kinds.isEmpty
                ? "\(what) says nothing to do: give one of refuse_when, require, needs, award, review_when"
                : "\(what) has \(kinds.map(\.rawValue).joined(separator: " and ")): a rule does one thing", at: range)
            return nil
        }
        for (key, allowedFor) in [("cap", [Rule.Kind.award]), ("part", [.award]), ("may_be_zero", [.award]), ("clawback", [.refuseWhen, .require]), ("ban_until", [.refuseWhen, .require])]
            where m[key] != nil && !allowedFor.contains(kind) {
            access.bag.error("rule.key", "'\(key)' goes with \(allowedFor.map(\.rawValue).joined(separator: " or ")), not \(kind.rawValue)",
                             at: m.entries.first { $0.key.text == key }!.key.range)
        }
        checker.slotCount = 0
        var locals: [String: (slot: Int, type: ValueType)] = [:]
        var narrowed: Set<String> = []
        func expr(_ key: String, _ expected: ValueType?) -> CheckedExpr? {
            guard let n = m[key], let s = access.scalar(n, "an expression for '\(key)'") else { return nil }
            return checker.check(s, expected: expected, locals: locals, narrowed: narrowed, what: "'\(key)' of \(what)")
        }

        let applies = expr("for", .bool)
        if let applies { narrowed.formUnion(ExpressionChecker.narrowings(applies)) }
        var lets: [(name: String, slot: Int, expr: CheckedExpr)] = []
        if let l = m["let"], let lm = access.mapping(l, "'let'") {
            for (key, value) in lm.entries {
                guard PolicyLoader.isIdentifier(key.text) else {
                    access.bag.error("name.invalid", "'\(key.text)' is not a name", at: key.range)
                    continue
                }
                guard let s = access.scalar(value, "an expression"),
                      let c = checker.check(s, expected: nil, locals: locals, narrowed: narrowed, what: "'\(key.text)'") else { continue }
                let slot = checker.slotCount
                checker.slotCount += 1
                locals[key.text] = (slot, c.type)
                lets.append((key.text, slot, c))
            }
        }

        var main: CheckedExpr?
        var needs: [CheckedExpr] = []
        switch kind {
        case .refuseWhen, .require, .reviewWhen: main = expr(kind.rawValue, .bool)
        case .award: main = expr("award", .money)
        case .needs:
            let n = m["needs"]!
            let scalars: [YAMLNode]
            if case .sequence(let s) = n { scalars = s.items } else { scalars = [n] }
            for item in scalars {
                if let s = access.scalar(item, "a fact"),
                   let c = checker.check(s, expected: nil, locals: locals, narrowed: narrowed, what: "'needs'") {
                    needs.append(c)
                }
            }
            main = CheckedExpr(.constant(.bool(true)), .bool, "true")
        }
        if kind == .refuseWhen, let main { narrowed.formUnion(ExpressionChecker.narrowings(main)) }
        var cap = expr("cap", .money)
        // A negative cap (written out) would turn every award into a refusal to pay: an error.
        if let c = cap, let n = m["cap"], case .negate(let inner) = c.kind, case .constant(.money(let x)) = inner.kind, x.fen > 0 {
            access.bag.error("rule.cap", "a cap cannot be negative: '\(c.text)'", at: n.range)
            cap = nil
        }
        let negative = NegativeMoney(parameters: parameters, lets: Dictionary(lets.map { ($0.slot, $0.expr) }, uniquingKeysWith: { a, _ in a }))
        for (key, c) in [("award", kind == .award ? main : nil), ("cap", cap)] {
            if let c, let n = m[key], case .scalar(let s) = n { warnIfNegative(c, s, negative, what: "'\(key)' of \(what)") }
        }
        let clawback = expr("clawback", .money)
        let banUntil = expr("ban_until", .date)
        if let n = m["ban_until"] { banUntilRanges.append(n.range) }
        let say = template("say", m, locals, narrowed, what)
        let sayEn = template("say_en", m, locals, narrowed, what)
        let fix = template("fix", m, locals, narrowed, what)
        let fixEn = template("fix_en", m, locals, narrowed, what)
        let citeWhen = readCiteWhen(m, locals, narrowed, what)
        guard let main, !clauses.isEmpty else { return nil }
        var rule = Rule(id: id, kind: kind, clauses: clauses, label: access.text(m, "label", what), applies: applies, lets: lets,
                    main: main, needs: needs, cap: cap, clawback: clawback, banUntil: banUntil,
                    say: say ?? MessageTemplate(parts: []), sayEn: sayEn, fix: fix, fixEn: fixEn, slotCount: checker.slotCount,
                    range: range, packageID: packageID, from: nil, until: nil, endedBy: nil)
        if kind == .award {
            if let n = m["part"], let s = access.scalar(n, "an award part's name") {
                if PolicyLoader.isIdentifier(s.text) { rule.part = s.text } else {
                    access.bag.error("name.invalid", "award part '\(s.text)' is not a name: use letters, digits and '_'", at: s.range)
                }
            }
            if let n = m["may_be_zero"], let s = access.scalar(n, "true or false") {
                switch s.text {
                case "true": rule.mayBeZero = true
                case "false": rule.mayBeZero = false
                default: access.bag.error("rule.may-be-zero", "'may_be_zero' is true or false, not '\(s.text)'", at: s.range)
                }
            }
        }
        rule.citeWhen = citeWhen
        return rule
    }

    /// `cite: [{ when: batch == first, clause: zs.12.1 }, …]`: clauses cited only when their
    /// condition holds for the case, each condition checked like the rule's own expressions.
    private func readCiteWhen(_ m: YAMLNode.Mapping, _ locals: [String: (slot: Int, type: ValueType)], _ narrowed: Set<String>,
                              _ what: String) -> [CiteWhen] {
        guard let n = m["cite"], let seq = access.sequence(n, "'cite' (a list of { when: …, clause: … })") else { return [] }
        var out: [CiteWhen] = []
        for item in seq.items {
            guard let im = access.mapping(item, "a citation ({ when: …, clause: … })") else { continue }
            access.checkKeys(im, allowed: ["when", "clause"], required: ["when", "clause"], in: "a citation of \(what)")
            guard let w = im["when"], let s = access.scalar(w, "a condition"), let c = im["clause"] else { continue }
            let clauses = clauseReferences(c)
            guard let when = checker.check(s, expected: .bool, locals: locals, narrowed: narrowed, what: "'when' of a citation of \(what)"),
                  !clauses.isEmpty else { continue }
            out.append(CiteWhen(when: when, clauses: clauses))
        }
        return out
    }

    /// A message with `{expression}` holes; each hole is checked like any expression.
    private func template(_ key: String, _ m: YAMLNode.Mapping, _ locals: [String: (slot: Int, type: ValueType)],
                          _ narrowed: Set<String>, _ what: String) -> MessageTemplate? {
        guard let n = m[key], let s = access.scalar(n, "a message") else { return nil }
        var ctx = ExpressionChecker.Context(scalar: s)
        ctx.locals = locals
        ctx.narrowed = narrowed
        return MessageTemplate.read(s, checker: checker, ctx, key: key)
    }
}
