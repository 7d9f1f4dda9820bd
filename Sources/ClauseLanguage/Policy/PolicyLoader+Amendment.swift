import ClauseSyntax

/// Amending packages (第十七条): a newer notice that gives parameters new dated values, adds clauses
/// and rules, and replaces or retires rules from its effective date, without editing the original.
extension PolicyLoader {
    /// Starts from the base package's checked contents, so the amendment's names resolve to them.
    func seed(from base: Policy) {
        self.base = base
        clauses = base.clauses
        clauseIndex = base.clauseIndex
        enums = base.enums
        records = base.records
        parameters = base.parameters
        definitions = base.definitions
        for (i, d) in base.definitions.enumerated() { definitionState[d.name] = .done(i, d.expr.type) }
        rules = base.rules
        ledger = base.ledger
    }

    var isAmendment: Bool { base != nil }

    /// `amended_by: [id, …]` of a base package: the amendments enacted on it. Only a base lists
    /// them; the repository finds and composes them (an unlisted amendment applies only when named).
    func amendmentList(_ node: YAMLNode) -> [String] {
        if isAmendment {
            access.bag.error("amendment.amended-by", "only a base package lists its enacted amendments ('amended_by')", at: node.range)
            return []
        }
        guard let seq = access.sequence(node, "'amended_by' (a list of amendment ids)") else { return [] }
        var ids: [String] = []
        for item in seq.items {
            guard let s = access.scalar(item, "an amendment id") else { continue }
            if ids.contains(s.text) {
                access.bag.error("amendment.listed-twice", "'\(s.text)' is listed twice in 'amended_by'", at: s.range)
            } else if s.text == packageID {
                access.bag.error("amendment.self", "a package cannot amend itself", at: s.range)
            } else {
                ids.append(s.text)
            }
        }
        return ids
    }

    func readAmendmentHeader(_ m: YAMLNode.Mapping) {
        packageID = (m["policy"].flatMap { node -> String? in if case .scalar(let s) = node { s.text } else { nil } }) ?? ""
        guard let base else {
            if let a = m.entries.first(where: { $0.key.text == "amends" }) {
                access.bag.error("amendment.base", "'\(packageID)' amends a package, but none was given to amend", at: a.key.range)
            }
            return
        }
        if let a = m["amends"], let s = access.scalar(a, "the id of the amended package"), s.text != base.id {
            access.bag.error("amendment.base", "this package amends '\(s.text)', but it is loaded on '\(base.id)'", at: s.range)
        }
        guard let e = m["effective"] else {
            access.bag.error("amendment.effective", "an amendment needs 'effective: YYYY-MM-DD', the date it applies from", at: m.range)
            return
        }
        effective = date(e)
        if let effective, let previous = base.packages.last?.effective, effective <= previous {
            access.bag.error("amendment.overlap",
                             "'\(packageID)' takes effect on \(effective.iso), not after '\(base.packages.last!.id)' (\(previous.iso)): "
                                 + "two amendments of one package need distinct dates, in order", at: e.range)
        }
    }

    /// A parameter the amendment names that the base has: a new dated value from the effective date.
    func amendParameter(_ index: Int, key: YAMLNode.Scalar, _ p: YAMLNode.Mapping) {
        access.checkKeys(p, allowed: ["label", "label_en", "type", "clause", "value", "values", "description"], in: "parameter '\(key.text)'")
        var type: ValueType? = parameters[index].type
        let clause = p["clause"].flatMap { clauseReference($0) } ?? parameters[index].clause
        let added = datedValues(p, name: key.text, type: &type, clause: clause)
        // The base's rules were checked against its tables: a new table must answer every key they did.
        for new in added {
            guard case .table(let t) = new.value else { continue }
            for old in parameters[index].values {
                guard case .table(let before) = old.value, let lost = PolicyLoader.keyLost(from: before, in: t) else { continue }
                access.bag.error("amendment.table-rows", "the new table of '\(key.text)' has no row for \(lost), which the table it "
                                     + "amends answers: give that row (or a default) so the rules keep a value for it", at: key.range)
                break
            }
        }
        // Values the base set from later dates give way to the amendment's.
        let start = added.first?.from ?? effective
        parameters[index].values = parameters[index].values.filter { v in
            guard let from = v.from, let start else { return true }
            return from < start
        } + added
    }

    /// `replaces: id` on an amendment's rule: the old rule stops on the effective date.
    func replaceRule(_ id: YAMLNode.Scalar) -> Int? {
        guard let i = rules.firstIndex(where: { $0.id == id.text && $0.until == nil }) else {
            access.bag.error("amendment.unknown-rule",
                             "no rule '\(id.text)' in force to replace\(Suggestion.hint(id.text, rules.map(\.id)))", at: id.range)
            return nil
        }
        rules[i].until = effective
        rules[i].endedBy = packageID
        return i
    }

    func readRetirements(_ node: YAMLNode?) {
        guard let node else { return }
        guard isAmendment else {
            access.bag.error("amendment.retire", "only an amendment (a package with 'amends:') can retire rules", at: node.range)
            return
        }
        guard let seq = access.sequence(node, "'retire' (a list of rule ids)") else { return }
        for item in seq.items {
            guard let s = access.scalar(item, "a rule id") else { continue }
            _ = replaceRule(s)
        }
    }

    func location(_ node: YAMLNode) -> String { "\(node.range.file?.path ?? ""):\(node.range.start.line)" }
    func location(_ m: YAMLNode.Mapping) -> String { "\(m.range.file?.path ?? ""):\(m.range.start.line)" }
}
