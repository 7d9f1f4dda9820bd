import ClauseSyntax

/// Parameters (numbers from the text, with dated values) and definitions (named derived values).
extension PolicyLoader {
    func readParameters(_ node: YAMLNode?) {
        guard let node, let m = access.mapping(node, "'parameters'") else { return }
        let allowed = ["label", "label_en", "type", "clause", "value", "values", "description", "read_by"]
        for (key, value) in m.entries {
            guard PolicyLoader.isIdentifier(key.text) else {
                access.bag.error("name.invalid", "'\(key.text)' is not a parameter name: use letters, digits and '_'", at: key.range)
                continue
            }
            guard let p = access.mapping(value, "parameter '\(key.text)'") else { continue }
            if isAmendment, let existing = parameters.firstIndex(where: { $0.name == key.text }) {
                amendParameter(existing, key: key, p)
                continue
            }
            if isAmendment, p["label"] == nil {
                // Most likely a typo for a parameter of the base; a new one would have a label.
                access.bag.error("amendment.unknown-parameter",
                                 "no parameter '\(key.text)' in '\(base!.id)' to amend\(Suggestion.hint(key.text, parameters.map(\.name)))"
                                     + " (a new parameter needs a label and a clause)", at: key.range)
                continue
            }
            access.checkKeys(p, allowed: allowed, required: ["label", "clause"], in: "parameter '\(key.text)'")
            // Declared, whatever follows: a parameter with an error is not also unknown where used.
            checker.brokenParameters.insert(key.text)
            if (p["value"] == nil) == (p["values"] == nil) {
                access.bag.error("parameter.value", "parameter '\(key.text)' needs either 'value' or 'values' (dated)", at: key.range)
                continue
            }
            var type: ValueType?
            if let t = p["type"], let s = access.scalar(t, "a type") {
                let names = TypeNames(enums: enums, records: records)
                type = names.parse(s.text)
                if type == nil { access.bag.error("type.unknown", "unknown type '\(s.text)'\(Suggestion.hint(s.text, names.allNames))", at: s.range) }
                if let t = type, let problem = PolicyLoader.tableKeyProblem(t) {
                    access.bag.error("type.table-key", problem, at: s.range)
                    continue
                }
            }
            // One clause or several (`clause: [a, b]`), as rules and definitions cite; the first is the main one.
            let cited = p["clause"].map { clauseReferences($0) } ?? []
            let clause = cited.first ?? ""
            let dated = datedValues(p, name: key.text, type: &type, clause: clause)
            guard let type, !dated.isEmpty else {
                if !dated.isEmpty { access.bag.error("type.unknown", "say the type of '\(key.text)' with 'type:'", at: key.range) }
                continue
            }
            // `read_by: workflows`: a number of the text that only the workflows read (a work-plan
            // window), so that no rule using it is expected.
            var readByWorkflows = false
            if let r = p["read_by"], let s = access.scalar(r, "'read_by'") {
                if s.text == "workflows" { readByWorkflows = true } else {
                    access.bag.error("parameter.read-by", "'read_by' may only be 'workflows' (a parameter no rule reads), not '\(s.text)'",
                                     at: s.range)
                }
            }
            checker.brokenParameters.remove(key.text)
            checker.parameters[key.text] = (parameters.count, type)
            parameters.append(Parameter(name: key.text, label: access.text(p, "label", "parameter") ?? key.text,
                                        labelEn: access.text(p, "label_en", "parameter"), type: type, clause: clause,
                                        values: dated, range: key.range, readByWorkflows: readByWorkflows, clauses: cited))
        }
    }

    /// A parameter's `value` (from the start, or from an amendment's effective date) or its dated
    /// `values`, in order; an untyped parameter takes the type of its first value.
    func datedValues(_ p: YAMLNode.Mapping, name: String, type: inout ValueType?, clause: String) -> [Parameter.DatedValue] {
        var dated: [Parameter.DatedValue] = []
        if let v = p["value"] {
            guard let value = constant(v, type: type, what: "the value of '\(name)'") else { return [] }
            type = type ?? self.type(of: value)
            dated.append(.init(from: effective, value: value, clause: clause, source: location(v), packageID: packageID))
        } else if let vs = p["values"], let seq = access.sequence(vs, "the dated values of '\(name)'") {
            for item in seq.items {
                guard let im = access.mapping(item, "a dated value") else { continue }
                access.checkKeys(im, allowed: ["from", "value", "clause"], required: ["from", "value"], in: "a dated value")
                guard let from = im["from"].flatMap({ date($0) }), let vn = im["value"],
                      let value = constant(vn, type: type, what: "the value of '\(name)'") else { continue }
                type = type ?? self.type(of: value)
                if let last = dated.last?.from, from <= last {
                    access.bag.error("parameter.order", "dated values must be in order of their 'from' dates", at: im.range)
                }
                if let effective, from < effective {
                    access.bag.error("amendment.before-effective",
                                     "a value from \(from.iso) is before this amendment takes effect (\(effective.iso))", at: im.range)
                }
                let c = im["clause"].flatMap { clauseReference($0) } ?? clause
                dated.append(.init(from: from, value: value, clause: c, source: location(im), packageID: packageID))
            }
        }
        return dated
    }

    /// A warning at the subtraction (or negative value) through which a money result can go below
    /// zero; the justification states a negative amount when one occurs (see `NegativeMoney`).
    func warnIfNegative(_ c: CheckedExpr, _ s: YAMLNode.Scalar, _ analysis: NegativeMoney, what: String) {
        guard let culprit = analysis.culprit(c) else { return }
        let whole = Array(s.text.unicodeScalars), part = Array(culprit.text.unicodeScalars)
        var start = 0
        if !part.isEmpty, part.count <= whole.count {
            start = (0...(whole.count - part.count)).first { whole[$0..<($0 + part.count)].elementsEqual(part) } ?? 0
        }
        access.bag.warning("money.may-be-negative",
                           "\(what) can be negative: '\(culprit.text)' has no floor; write 'max(\(culprit.text), 0元)' if nothing below zero is meant",
                           at: s.range(from: start, to: start + max(part.count, 1)))
    }

    func readDefinitions(_ node: YAMLNode?) {
        if let node, let m = access.mapping(node, "'definitions'") {
            for (key, value) in m.entries {
                guard PolicyLoader.isIdentifier(key.text) else {
                    access.bag.error("name.invalid", "'\(key.text)' is not a name: use letters, digits and '_'", at: key.range)
                    continue
                }
                if definitionState[key.text] != nil {
                    access.bag.error("amendment.definition", "definition '\(key.text)' exists in the amended package: give the new one another name",
                                     at: key.range)
                    continue
                }
                definitionState[key.text] = .unchecked(definitions.count)
                definitionNodes.append((key.text, key, value))
                definitions.append(nil)
            }
        }
        checker.definitionNames = definitions.compactMap { $0?.name } + definitionNodes.map(\.name)
        checker.definition = { [unowned self] name in self.resolveDefinition(name) }
        for d in definitionNodes { _ = resolveDefinition(d.name) }
    }

    /// The longest chain of definitions each using the next: checking one recurses through the
    /// checker for each link, deep frames in a debug build (about 250 links filled 8 MB).
    static let maxDefinitionChain = 100

    /// Checks a definition the first time it is named, so definitions may use each other in any
    /// order; a cycle is an error at the definition that closes it.
    private func resolveDefinition(_ name: String) -> (index: Int, type: ValueType?)? {
        let resolved = checkDefinition(name)
        if let d = definitionDepth[name], !usedDepth.isEmpty { usedDepth[usedDepth.count - 1] = max(usedDepth[usedDepth.count - 1], d) }
        return resolved
    }

    private func checkDefinition(_ name: String) -> (index: Int, type: ValueType?)? {
        switch definitionState[name] {
        case nil: return nil
        case .done(let i, let t)?: return (i, t)
        case .checking(let i)?:
            access.bag.error("definition.cycle", "definition '\(name)' depends on itself",
                             at: definitionNodes[i - (definitions.count - definitionNodes.count)].key.range)
            definitionState[name] = .done(i, nil)
            return (i, nil)
        case .unchecked(let i)?:
            definitionState[name] = .checking(i)
            let (_, key, node) = definitionNodes[i - (definitions.count - definitionNodes.count)]
            // Too deep already: refused before its expression is checked, so the recursion stops here.
            guard usedDepth.count < Self.maxDefinitionChain else {
                access.bag.error("expr.depth", "definition '\(name)' is built on too long a chain of definitions (limit \(Self.maxDefinitionChain))", at: key.range)
                definitionState[name] = .done(i, nil)
                return (i, nil)
            }
            usedDepth.append(0)
            defer { usedDepth.removeLast() }
            var type: ValueType?
            if let m = access.mapping(node, "definition '\(name)'") {
                access.checkKeys(m, allowed: ["label", "label_en", "clause", "type", "expr", "description"], required: ["label", "expr"],
                                 in: "definition '\(name)'")
                var declared: ValueType?
                if let t = m["type"], let s = access.scalar(t, "a type") {
                    declared = checker.names.parse(s.text)
                    if declared == nil { access.bag.error("type.unknown", "unknown type '\(s.text)'", at: s.range) }
                }
                let savedSlots = checker.slotCount
                checker.slotCount = 0
                if let e = m["expr"], let s = access.scalar(e, "an expression"),
                   let c = checker.check(s, expected: declared, what: "definition '\(name)'") {
                    // Its own tree plus the deepest definition it uses: how deep deciding it recurses.
                    let own = (try? Parser.parse(s.text).get()).map { Parser.treeDepth($0).depth } ?? 1
                    let depth = own + usedDepth[usedDepth.count - 1]
                    if depth > Parser.maxTreeDepth {
                        access.bag.error("expr.depth", "definition '\(name)' is nested too deeply with the definitions it uses (depth \(depth), limit \(Parser.maxTreeDepth))", at: key.range)
                        definitionState[name] = .done(i, nil)
                        checker.slotCount = savedSlots
                        return (i, nil)
                    }
                    definitionDepth[name] = depth
                    type = c.type
                    if c.type == .money { warnIfNegative(c, s, NegativeMoney(parameters: parameters), what: "definition '\(name)'") }
                    definitions[i] = Definition(name: name, label: access.text(m, "label", "definition") ?? name,
                                                labelEn: access.text(m, "label_en", "definition"),
                                                clauses: m["clause"].map { clauseReferences($0) } ?? [], expr: c,
                                                slotCount: checker.slotCount, range: key.range)
                }
                checker.slotCount = savedSlots
            }
            if case .done = definitionState[name] { return (i, nil) }
            definitionState[name] = .done(i, type)
            return (i, type)
        }
    }
}
