import ClauseSyntax

/// `ledger:`: figures counted from the fund's record, each a computed fact `ledger.NAME`.
///
///     ledger:
///       enterprise_transformation:
///         label: 本企业已获改造补贴（基金记录）
///         clause: art4.1
///         sum: amount                 # or count: grants, or count_distinct: project.platform
///         where: { item: transformation, applicant.credit_code: same }
///         limit: transformation_cap   # optional: a parameter or a literal, for the room left
extension PolicyLoader {
    static let ledgerKeys = ["label", "label_en", "clause", "sum", "count", "count_distinct", "where", "limit", "description"]

    /// Reads the measures and adds the computed record `ledger` to the case schema, so rules
    /// type-check `ledger.NAME` like any fact. Runs after the facts, before any expression.
    func readLedger(_ node: YAMLNode?) {
        guard let node else { return }
        guard let m = access.mapping(node, "'ledger'") else { return }
        if let clash = records[0].index[LedgerMeasure.factName] {
            access.bag.error("ledger.name", "fact '\(LedgerMeasure.factName)' is where the ledger's figures go: rename this one",
                             at: records[0].fields[clash].range)
            return
        }
        var fields: [Field] = []
        var index: [String: Int] = [:]
        for (key, value) in m.entries {
            guard PolicyLoader.isIdentifier(key.text) else {
                access.bag.error("name.invalid", "'\(key.text)' is not a name: use letters, digits and '_'", at: key.range)
                continue
            }
            guard let measure = readMeasure(key, value) else { continue }
            index[key.text] = fields.count
            fields.append(Field(name: key.text, path: "\(LedgerMeasure.factName).\(key.text)", label: measure.label, labelEn: measure.labelEn,
                                type: measure.type, defaultValue: measure.type == .money ? .money(.zero) : .int(0), required: false,
                                minimum: nil, maximum: nil, length: nil, range: key.range))
            ledger.append(measure)
            if case .mapping(let vm) = value, let l = vm["limit"] { pendingLimits.append((ledger.count - 1, l)) }
        }
        guard !fields.isEmpty else { return }
        records.append(RecordSchema(name: LedgerMeasure.factName, fields: fields, index: index))
        records[0].index[LedgerMeasure.factName] = records[0].fields.count
        var record = Field(name: LedgerMeasure.factName, path: LedgerMeasure.factName, label: "基金记录", labelEn: "fund record",
                           type: .record(records.count - 1), defaultValue: nil, required: false, minimum: nil, maximum: nil,
                           length: nil, range: m.range)
        record.computed = true
        records[0].fields.append(record)
    }

    private func readMeasure(_ key: YAMLNode.Scalar, _ node: YAMLNode) -> LedgerMeasure? {
        let what = "ledger figure '\(key.text)'"
        guard let m = access.mapping(node, what) else { return nil }
        access.checkKeys(m, allowed: PolicyLoader.ledgerKeys, required: ["label", "clause", "where"], in: what)
        let cited = m["clause"].map { clauseReferences($0) } ?? []
        let clause = cited.first
        let kinds = ["sum", "count", "count_distinct"].filter { m[$0] != nil }
        guard kinds.count == 1 else {
            access.bag.error("ledger.aggregate", "\(what) needs one of sum: amount, count: grants or count_distinct: FACT", at: key.range)
            return nil
        }
        var aggregate = LedgerMeasure.Aggregate.count
        switch kinds[0] {
        case "sum":
            let s = access.scalar(m["sum"]!, "'sum'")
            if let s, s.text.hasPrefix("award."), PolicyLoader.isIdentifier(String(s.text.dropFirst(6))) {
                // One award part: checked against the rules' parts once they are read.
                aggregate = .sumPart(String(s.text.dropFirst(6)))
                pendingParts.append((ledger.count, s))
            } else if s?.text == "amount" {
                aggregate = .sumAmount
            } else {
                access.bag.error("ledger.aggregate", "'sum' adds the amounts granted: write sum: amount, or sum: award.PART for one award part",
                                 at: m["sum"]!.range)
                return nil
            }
        case "count":
            guard let s = access.scalar(m["count"]!, "'count'"), s.text == "grants" else {
                access.bag.error("ledger.aggregate", "'count' counts the grants: write count: grants", at: m["count"]!.range)
                return nil
            }
        default:
            guard let s = access.scalar(m["count_distinct"]!, "a fact path"), ledgerField(s) != nil else { return nil }
            aggregate = .countDistinct(path: s.text)
            markKey(s.text)
        }
        var matches: [LedgerMeasure.Match] = []
        if let w = m["where"], let wm = access.mapping(w, "'where' (fact: same, or fact: value)") {
            for (path, wanted) in wm.entries {
                guard let field = ledgerField(path) else { continue }
                if case .scalar(let s) = wanted, s.style == .plain, s.text == "same" {
                    matches.append(.init(path: path.text, wanted: .same))
                    markKey(path.text)
                } else if case .scalar(let s) = wanted, s.style == .plain, s.text == "same_year" {
                    guard field.type.unwrapped == .date else {
                        access.bag.error("ledger.same-year", "'same_year' matches a date in the case's year, but '\(path.text)' is not a date",
                                         at: s.range)
                        continue
                    }
                    matches.append(.init(path: path.text, wanted: .sameYear))
                } else if let v = constant(wanted, type: field.type, what: "the value of '\(path.text)'") {
                    matches.append(.init(path: path.text, wanted: .value(v)))
                }
            }
        }
        guard let clause else { return nil }
        return LedgerMeasure(name: key.text, label: access.text(m, "label", what) ?? key.text, labelEn: access.text(m, "label_en", what),
                             clause: clause, clauses: cited, aggregate: aggregate, matches: matches, range: key.range)
    }

    /// Marks the text fact at `path` as a key the record matches on, so cases spell it one way.
    private func markKey(_ path: String) {
        var r = 0
        let parts = path.split(separator: ".").map(String.init)
        for (k, name) in parts.enumerated() {
            guard let i = records[r].index[name] else { return }
            if k == parts.count - 1 {
                if records[r].fields[i].type.unwrapped == .text { records[r].fields[i].isKey = true }
                return
            }
            guard case .record(let inner) = records[r].fields[i].type.unwrapped else { return }
            r = inner
        }
    }

    /// The fact a ledger path names: records may be crossed, lists may not (a decision has one value).
    private func ledgerField(_ s: YAMLNode.Scalar) -> Field? {
        singleValuedFact(s, id: "ledger.fact", listMessage: "a ledger matches facts with one value")
    }

    /// The fact a dotted path names when it must have one value per case (a ledger's `where`, a
    /// `count_distinct`): records may be crossed, lists may not. Errors under `id`, with "did you
    /// mean", and `listMessage` for a list.
    func singleValuedFact(_ s: YAMLNode.Scalar, id: String, listMessage: String) -> Field? {
        var schema = records[0]
        let parts = s.text.split(separator: ".").map(String.init)
        for (k, name) in parts.enumerated() {
            guard let i = schema.index[name] else {
                access.bag.error(id, "no fact '\(s.text)'\(Suggestion.hint(name, schema.index.keys))", at: s.range)
                return nil
            }
            let f = schema.fields[i]
            if k == parts.count - 1 {
                if case .list = f.type.unwrapped {
                    access.bag.error(id, "'\(s.text)' is a list: \(listMessage)", at: s.range)
                    return nil
                }
                return f
            }
            guard case .record(let r) = f.type.unwrapped else {
                access.bag.error(id, "'\(parts[...k].joined(separator: "."))' has no fields", at: s.range)
                return nil
            }
            schema = records[r]
        }
        return nil
    }

    /// Checks that each `sum: award.PART` names a part some award rule determines (after the rules).
    func checkLedgerParts() {
        let parts = Set(rules.compactMap(\.part))
        for (m, s) in pendingParts where m < ledger.count {
            guard case .sumPart(let part) = ledger[m].aggregate, !parts.contains(part) else { continue }
            access.bag.error("ledger.part", "no award rule has 'part: \(part)'\(Suggestion.hint(part, parts))", at: s.range)
        }
        pendingParts = []
    }

    /// Reads each figure's `limit:` once the parameters are known: a parameter of the figure's
    /// type (money for `sum`, int for counts), or a literal of that type.
    func readLedgerLimits() {
        for (m, node) in pendingLimits {
            let measure = ledger[m]
            let what = "the limit of ledger figure '\(measure.name)'"
            // An expression (a table row by the case's batch, a `min`): checked against the case.
            if case .scalar(let s) = node, s.text.contains(where: { "[( ".contains($0) }) {
                checker.slotCount = 0
                if let c = checker.check(s, expected: measure.type, what: what) {
                    guard c.type == measure.type else {
                        let names = TypeNames(enums: enums, records: records)
                        access.bag.error("ledger.limit", "\(what) must be \(names.describe(measure.type)) like the figure, but this is \(names.describe(c.type))", at: s.range)
                        continue
                    }
                    ledger[m].limit = .expression(c, slots: checker.slotCount)
                }
                continue
            }
            if case .scalar(let s) = node, s.style == .plain, PolicyLoader.isIdentifier(s.text), !s.text.first!.isNumber {
                guard let p = parameters.first(where: { $0.name == s.text }) else {
                    access.bag.error("ledger.limit", "no parameter '\(s.text)'\(Suggestion.hint(s.text, parameters.map(\.name)))", at: s.range)
                    continue
                }
                guard p.type == measure.type else {
                    let names = TypeNames(enums: enums, records: records)
                    access.bag.error("ledger.limit", "\(what) must be \(names.describe(measure.type)) like the figure, but parameter '\(s.text)' is \(names.describe(p.type))", at: s.range)
                    continue
                }
                ledger[m].limit = .parameter(s.text)
            } else if let v = constant(node, type: measure.type, what: what) {
                ledger[m].limit = .value(v)
            }
        }
        pendingLimits = []
    }
}
