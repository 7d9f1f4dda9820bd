import ClauseSyntax

/// `indicators:` and `funding:`: the programme's targets and how the achievement is known.
///
///     indicators:
///       enterprises_transformed:
///         label: 拟改造数字化转型企业数量（家）
///         clause: indicator.1
///         unit: 家
///         targets: { 2024: 300, 2025: 367 }
///         total: 667
///         count_distinct: applicant.credit_code   # or count: records, or sum: amount
///         of: grants                              # or decisions, or a workflow event: accept
///         where: item == transformation and project.digital_level >= 2
///         dated: project.accepted_on              # decisions only: events are dated by `on`
///       problem_lists: { …, reported: true }      # the city reports it (clause report --reported)
///       level2_share: { …, whole: sector_smes, whole_label: … }   # a share of a reported whole
///       other: { …, unmeasured: "why it cannot be known" }
///     funding:
///       clause: plan.funding
///       source: funding_source                    # the enum of a payment's `source`
///       central: [central]
///       local: [provincial, city, district]
///       local_per_central: 125%                   # 1:1.25
///       payments: pay                             # the workflow event that pays out (amount, source)
///       ceilings:                                 # per support item: cap × target, or a programme cap
///         transformation: { cap: transformation_cap, target: enterprises_transformed }
///         sector_platform: { cap: sector_platform_cap, count: sector_platforms_max }
///         activities: { cap: activities_cap }     # the cap is the programme's ceiling
///         other: { cap: 100万元, clause: art4.7 }  # a literal amount cites its clause
extension PolicyLoader {
    static let indicatorKeys = ["label", "label_en", "clause", "unit", "targets", "total", "count", "count_distinct", "sum", "of",
                                "where", "dated", "per", "reported", "unmeasured", "whole", "whole_label", "description"]
    static let fundingKeys = ["clause", "source", "central", "local", "local_per_central", "payments", "ceilings", "description"]
    static let ceilingKeys = ["cap", "target", "count", "clause", "description"]

    /// Reads the indicator rows; runs after the definitions, so `where` may use them.
    func readIndicators(_ node: YAMLNode?) -> [Indicator] {
        guard let node, let m = access.mapping(node, "'indicators'") else { return [] }
        var out: [Indicator] = []
        var cited: [String: SourceRange] = [:]
        for (key, value) in m.entries {
            guard PolicyLoader.isIdentifier(key.text) else {
                access.bag.error("name.invalid", "'\(key.text)' is not a name: use letters, digits and '_'", at: key.range)
                continue
            }
            guard let row = readIndicator(key, value) else { continue }
            if let first = cited[row.clause] {
                access.bag.error("indicator.duplicate", "indicator '\(key.text)' cites \(row.clause) again: one indicator per row",
                                 at: key.range, notes: [.init(message: "first cited here", range: first)])
                continue
            }
            cited[row.clause] = key.range
            out.append(row)
        }
        return out
    }

    private func readIndicator(_ key: YAMLNode.Scalar, _ node: YAMLNode) -> Indicator? {
        let what = "indicator '\(key.text)'"
        guard let m = access.mapping(node, what) else { return nil }
        access.checkKeys(m, allowed: PolicyLoader.indicatorKeys, required: ["label", "clause", "targets", "total"], in: what)
        let clause = m["clause"].flatMap { clauseReference($0) }
        let counted = ["count", "count_distinct", "sum"].filter { m[$0] != nil }
        let ways = counted.count + ["reported", "unmeasured"].filter { m[$0] != nil }.count
        guard ways == 1 else {
            access.bag.error("indicator.measure", "\(what) needs one way to know its figure: count, count_distinct or sum over the record, "
                             + "reported: true (the city reports it) or unmeasured: WHY", at: key.range)
            return nil
        }
        let whole = m["whole"].flatMap { access.scalar($0, "the name of a reported whole") }
        if whole != nil, counted.isEmpty {
            access.bag.error("indicator.whole", "\(what): 'whole' divides a figure counted from the record; this one is not counted",
                             at: m["whole"]!.range)
        }
        var measure: IndicatorMeasure?
        var type = ValueType.int
        if let r = m["reported"] {
            guard access.bool(r, "'reported'") == true else {
                access.bag.error("indicator.measure", "\(what): write reported: true, or say how the figure is known", at: r.range)
                return nil
            }
            measure = .reported
        } else if m["unmeasured"] != nil {
            guard let why = access.text(m, "unmeasured", what), !why.isEmpty else { return nil }
            measure = .unmeasured(why: why)
        } else if let whole {
            // A share: its targets are percentages, whatever the count (read on, to report every mistake).
            type = .percent
            if let a = readAggregate(m, counted[0], what) {
                if a.kind == .sumAmount {
                    access.bag.error("indicator.whole", "\(what): a share divides a count, not an amount", at: whole.range)
                } else {
                    measure = .share(a, whole: whole.text, wholeLabel: access.text(m, "whole_label", what) ?? whole.text)
                }
            }
        } else {
            if counted[0] == "sum" { type = .money }
            measure = readAggregate(m, counted[0], what).map { .record($0) }
        }
        if whole == nil, m["whole_label"] != nil {
            access.bag.error("indicator.whole", "\(what): 'whole_label' names the whole of a share: add 'whole'", at: m["whole_label"]!.range)
        }
        var targets: [(year: Int, value: Value)] = []
        var allRead = true
        if let t = m["targets"], let tm = access.mapping(t, "'targets' (year: target)") {
            var lastYear: Int?
            for (year, v) in tm.entries {
                allRead = false
                guard let y = Int(year.text), (1900...2999).contains(y) else {
                    access.bag.error("indicator.year", "'\(year.text)' is not a year: targets are keyed by year, as 2024", at: year.range)
                    continue
                }
                if let last = lastYear, last >= y {
                    access.bag.error("indicator.year", "the year \(y) comes after \(last): targets are in year order", at: year.range)
                    continue
                }
                lastYear = y
                guard let value = constant(v, type: type, what: "the \(y) target of \(what)") else { continue }
                targets.append((y, value))
                allRead = true
            }
            allRead = targets.count == tm.entries.count
        }
        guard let totalNode = m["total"], let total = constant(totalNode, type: type, what: "the total of \(what)") else { return nil }
        // The total checks the yearly cells only when every one was read (else the sum misleads).
        if allRead, !targets.isEmpty, let sum = Indicator.sum(targets.map(\.value)), sum != total {
            access.bag.error("indicator.total", "the total of \(what) is \(total.indicatorText), but its yearly targets add up to "
                             + "\(sum.indicatorText)", at: totalNode.range)
        }
        var per: (path: String, enumType: Int)?
        if let pn = m["per"], let ps = access.scalar(pn, "a fact to count per value of") {
            if counted.isEmpty {
                access.bag.error("indicator.per", "\(what): 'per' splits a figure counted from the record; this one is not counted", at: ps.range)
            } else if let f = singleValuedFact(ps, id: "indicator.per", listMessage: "'per' splits by a fact with one value") {
                if case .enumeration(let t) = f.type.unwrapped { per = (ps.text, t) } else {
                    access.bag.error("indicator.per", "\(what): 'per' splits by an enum fact (applicant.sector), but '\(ps.text)' is not one", at: ps.range)
                }
            }
        }
        guard let clause, let measure else { return nil }
        var row = Indicator(name: key.text, label: access.text(m, "label", what) ?? key.text, labelEn: access.text(m, "label_en", what),
                            clause: clause, unit: access.text(m, "unit", what), type: type, targets: targets, total: total,
                            measure: measure, range: key.range)
        row.per = per
        return row
    }

    /// `count: records`, `count_distinct: FACT` or `sum: amount`, with `of`, `where`, `dated`.
    private func readAggregate(_ m: YAMLNode.Mapping, _ kindKey: String, _ what: String) -> RecordAggregate? {
        guard let s = access.scalar(m[kindKey]!, "'\(kindKey)'") else { return nil }
        var kind = RecordAggregate.Kind.count
        switch kindKey {
        case "count":
            guard s.text == "records" else {
                access.bag.error("indicator.aggregate", "'count' counts the records: write count: records", at: s.range)
                return nil
            }
        case "sum":
            guard s.text == "amount" else {
                access.bag.error("indicator.aggregate", "'sum' adds the amounts (granted, or of the events): write sum: amount", at: s.range)
                return nil
            }
            kind = .sumAmount
        default:
            guard let f = singleFact(s) else { return nil }
            _ = f
            kind = .countDistinct(path: s.text)
        }
        var source = RecordAggregate.Source.grants
        if let o = m["of"], let os = access.scalar(o, "'of' (grants, decisions or an event name)") {
            switch os.text {
            case "grants": source = .grants
            case "decisions": source = .decisions
            default:
                guard PolicyLoader.isIdentifier(os.text) else {
                    access.bag.error("indicator.of", "'of' is grants, decisions or the name of a workflow event, not '\(os.text)'", at: os.range)
                    return nil
                }
                source = .event(os.text)
            }
        }
        var filter: CheckedExpr?
        if let w = m["where"], let ws = access.scalar(w, "an expression for 'where'") {
            guard let c = checker.check(ws, expected: .bool, what: "'where' of \(what)") else { return nil }
            filter = c
        }
        var date: CheckedExpr?
        if let d = m["dated"], let ds = access.scalar(d, "an expression for 'dated'") {
            if case .event(let e) = source {
                access.bag.error("indicator.dated", "\(what) counts '\(e)' events, which are dated by their 'on': remove 'dated'", at: ds.range)
                return nil
            }
            guard let c = checker.check(ds, expected: .date, what: "'dated' of \(what)") else { return nil }
            date = c
        } else if case .event = source {} else {
            access.bag.error("indicator.dated", "\(what) counts decisions: say which date puts one in a year with dated: FACT "
                             + "(project.accepted_on, applied_on)", at: m[kindKey]!.range)
            return nil
        }
        return RecordAggregate(source: source, kind: kind, filter: filter, date: date, slotCount: checker.slotCount)
    }

    /// A fact with one value (records crossed, lists not), for `count_distinct`.
    private func singleFact(_ s: YAMLNode.Scalar) -> Field? {
        singleValuedFact(s, id: "indicator.fact", listMessage: "count_distinct counts facts with one value")
    }

    /// `funding:`: the sources of payments and the matching the plan sets.
    func readFunding(_ node: YAMLNode?) -> FundingPlan? {
        guard let node, let m = access.mapping(node, "'funding'") else { return nil }
        access.checkKeys(m, allowed: PolicyLoader.fundingKeys, required: ["clause", "source", "central", "local", "local_per_central", "payments"],
                         in: "'funding'")
        let clause = m["clause"].flatMap { clauseReference($0) }
        guard let sn = m["source"], let s = access.scalar(sn, "an enum name") else { return nil }
        guard let e = enums.firstIndex(where: { $0.name == s.text }) else {
            access.bag.error("funding.source", "'source' names the enum a payment's source takes: no enum '\(s.text)'"
                             + Suggestion.hint(s.text, enums.map(\.name)), at: s.range)
            return nil
        }
        func values(_ key: String) -> [Int] {
            guard let n = m[key] else { return [] }
            guard let v = constant(n, type: .list(.enumeration(e)), what: "'\(key)'"), case .list(let items) = v else { return [] }
            return items.compactMap { if case .enumCase(_, let i) = $0 { i } else { nil } }
        }
        let central = values("central"), local = values("local")
        for i in Set(central).intersection(local).sorted() {
            access.bag.error("funding.both", "'\(enums[e].cases[i].name)' is both central and local", at: m["local"]!.range)
        }
        guard let rn = m["local_per_central"], let ratio = constant(rn, type: .percent, what: "'local_per_central'"),
              case .percent(let p) = ratio, let clause else { return nil }
        guard let pn = m["payments"], let ps = access.scalar(pn, "the name of a workflow event") else { return nil }
        guard PolicyLoader.isIdentifier(ps.text) else {
            access.bag.error("funding.payments", "'payments' names the workflow event that pays money out, not '\(ps.text)'", at: ps.range)
            return nil
        }
        let ceilings = m["ceilings"].map { readCeilings($0) } ?? []
        return FundingPlan(clause: clause, sourceEnum: e, central: central, local: local, localPerCentral: p, paymentEvent: ps.text,
                           ceilings: ceilings, range: m.range)
    }

    /// `ceilings:` item → { cap, target | count } or { cap: AMOUNT, clause }.
    private func readCeilings(_ node: YAMLNode) -> [Ceiling] {
        guard let m = access.mapping(node, "'ceilings' (support item: ceiling)") else { return [] }
        // The items are the cases of the enum of the fact with role `item` (roles resolve later).
        let itemEnum = records.first?.fields.first { $0.role == "item" }.flatMap { f -> EnumType? in
            if case .enumeration(let t) = f.type.unwrapped { enums[t] } else { nil }
        }
        guard let itemEnum else {
            access.bag.error("funding.ceiling", "'ceilings' are per support item: give one fact of the case role: item (an enum)", at: node.range)
            return []
        }
        let items = itemEnum.cases.map(\.name)
        var out: [Ceiling] = []
        for (key, value) in m.entries {
            guard items.contains(key.text) else {
                access.bag.error("funding.ceiling", "no support item '\(key.text)' in \(itemEnum.name)\(Suggestion.hint(key.text, items))", at: key.range)
                continue
            }
            let what = "the ceiling of '\(key.text)'"
            guard let cm = access.mapping(value, what) else { continue }
            access.checkKeys(cm, allowed: PolicyLoader.ceilingKeys, required: ["cap"], in: what)
            guard let capNode = cm["cap"], let capText = access.scalar(capNode, "a money parameter or an amount") else { continue }
            var cap: Ceiling.Cap?
            if PolicyLoader.isIdentifier(capText.text) {
                if cm["clause"] != nil {
                    access.bag.error("funding.ceiling", "\(what): the cap '\(capText.text)' cites its parameter's clause: remove 'clause'",
                                     at: cm["clause"]!.range)
                }
                cap = typedParameter(capText, type: .money, role: "a cap").map { .parameter($0) }
            } else if let v = constant(capNode, type: .money, what: "the cap of '\(key.text)'"), case .money(let amount) = v {
                if let c = cm["clause"] {
                    cap = clauseReference(c).map { .amount(amount, clause: $0) }
                } else {
                    access.bag.error("funding.ceiling", "\(what): an amount cites the clause that sets it: add clause: ID", at: capText.range)
                }
            }
            var times: Ceiling.Times?
            if cm["target"] != nil, cm["count"] != nil {
                access.bag.error("funding.ceiling", "\(what): the cap multiplies one figure: 'target' (an indicator) or 'count' (a parameter)",
                                 at: cm["count"]!.range)
                continue
            }
            if let t = cm["target"], let ts = access.scalar(t, "an indicator name") {
                guard let ind = indicators.first(where: { $0.name == ts.text }) else {
                    access.bag.error("funding.ceiling", "no indicator '\(ts.text)'\(Suggestion.hint(ts.text, indicators.map(\.name)))", at: ts.range)
                    continue
                }
                guard ind.type == .int else {
                    access.bag.error("funding.ceiling", "indicator '\(ind.name)' is a \(TypeNames(enums: enums, records: records).describe(ind.type)): a ceiling multiplies a cap by a count",
                                     at: ts.range)
                    continue
                }
                times = .indicator(ind.name)
            } else if let c = cm["count"], let cs = access.scalar(c, "an int parameter") {
                guard let i = typedParameter(cs, type: .int, role: "a count") else { continue }
                times = .parameter(i)
            }
            guard let cap else { continue }
            if ceilingOverflows(cap, times) {
                access.bag.error("funding.ceiling", "\(what) is too large to count in fen: the cap times its count overflows", at: key.range)
                continue
            }
            out.append(Ceiling(item: key.text, cap: cap, times: times, range: key.range))
        }
        return out
    }

    /// Whether some value the cap may take times some count it may be multiplied by (every dated
    /// value of a parameter, every target and the total of an indicator) overflows: checked here,
    /// so the report never has to show a ceiling as absent for want of room.
    private func ceilingOverflows(_ cap: Ceiling.Cap, _ times: Ceiling.Times?) -> Bool {
        let caps: [Money]
        switch cap {
        case .parameter(let i): caps = parameters[i].values.compactMap { if case .money(let m) = $0.value { m } else { nil } }
        case .amount(let m, _): caps = [m]
        }
        let counts: [Int64]
        switch times {
        case nil: return false
        case .parameter(let i): counts = parameters[i].values.compactMap { if case .int(let n) = $0.value { n } else { nil } }
        case .indicator(let name):
            guard let ind = indicators.first(where: { $0.name == name }) else { return false }
            counts = (ind.targets.map(\.value) + [ind.total]).compactMap { if case .int(let n) = $0 { n } else { nil } }
        }
        return caps.contains { c in counts.contains { c.multiplied(by: $0) == nil } }
    }

    /// A parameter of one type by name, with a located error and the names of that type to suggest.
    private func typedParameter(_ s: YAMLNode.Scalar, type: ValueType, role: String) -> Int? {
        let fitting = parameters.filter { $0.type == type }.map(\.name)
        guard let i = parameters.firstIndex(where: { $0.name == s.text }) else {
            access.bag.error("funding.ceiling", "no parameter '\(s.text)'\(Suggestion.hint(s.text, fitting))", at: s.range)
            return nil
        }
        guard parameters[i].type == type else {
            let names = TypeNames(enums: enums, records: records)
            access.bag.error("funding.ceiling", "parameter '\(s.text)' is \(names.describe(parameters[i].type)), but \(role) is \(names.describe(type))"
                             + Suggestion.hint(s.text, fitting), at: s.range)
            return nil
        }
        return i
    }
}

extension Indicator {
    /// The sum of targets of one type (int, percent or money); nil for any other.
    package static func sum(_ values: [Value]) -> Value? {
        var ints: Int64 = 0, millionths: Int64 = 0, fen: Int64 = 0
        var kind: Int?
        for v in values {
            switch v {
            case .int(let i): ints += i; kind = 0
            case .percent(let p): millionths += p.millionths; kind = 1
            case .money(let m): fen += m.fen; kind = 2
            default: return nil
            }
        }
        switch kind {
        case 0: return .int(ints)
        case 1: return .percent(Percent(millionths: millionths))
        case 2: return .money(Money(fen: fen))
        default: return nil
        }
    }
}

extension Value {
    /// A target or a figure as the indicator table writes it: 667, 54%, ¥1,000.00.
    package var indicatorText: String {
        switch self {
        case .int(let i): String(i)
        case .percent(let p): p.display
        case .money(let m): m.display
        default: "\(self)"
        }
    }
}
