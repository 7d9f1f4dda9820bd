import ClauseSyntax

extension PolicyLint {
    /// An award rule for an item whose money the fund's record caps (a `ledger:` sum with a
    /// `limit:` and `where: { item: X }`) that never reads that figure: with a store, each
    /// application would get the whole cap again. The usual cause is an amendment that replaces
    /// or caps an award and drops the `ledger.NAME` the replaced rule subtracted.
    static func awardsIgnoringLedgerRoom(_ p: Policy) -> [Diagnostic] {
        guard let itemSlot = p.itemSlot else { return [] }
        let itemName = p.caseSchema.fields[itemSlot].name
        // The money figures with a limit, by the item they count.
        var figuresByItem: [Int: [LedgerMeasure]] = [:]
        for m in p.ledger where m.limit != nil && m.type == .money {
            for match in m.matches where match.path == itemName {
                if case .value(.enumCase(_, let index)) = match.wanted { figuresByItem[index, default: []].append(m) }
            }
        }
        guard !figuresByItem.isEmpty else { return [] }
        // A figure a refusing rule of the item reads is a stop the package chose (an annual budget
        // 「用完即止」: refused once it is used up), not room an award forgot.
        var stops: [Int: Set<String>] = [:]
        for r in p.rules where r.kind == .refuseWhen || r.kind == .require {
            var read = Set<String>()
            ([r.main] + r.lets.map(\.expr)).forEach { ledgerFacts($0, p, into: &read) }
            for item in r.applies.flatMap({ itemsOf($0, itemSlot: itemSlot) }) ?? Set(figuresByItem.keys) { stops[item, default: []].formUnion(read) }
        }
        var out: [Diagnostic] = []
        for r in p.rules where r.kind == .award {
            let items = r.applies.flatMap { itemsOf($0, itemSlot: itemSlot) } ?? Set(figuresByItem.keys)
            var read = Set<String>()
            ([r.main] + [r.cap].compactMap { $0 } + r.lets.map(\.expr)).forEach { ledgerFacts($0, p, into: &read) }
            for item in items.sorted() {
                for m in figuresByItem[item] ?? [] where !read.contains(m.name) && !(stops[item]?.contains(m.name) ?? false) {
                    // A figure of one award part bears on the rules of that part alone.
                    if case .sumPart(let part) = m.aggregate, r.part != part { continue }
                    let limit: String
                    switch m.limit {
                    case .parameter(let name)?: limit = "'\(name)'"
                    case .value(.money(let m))?: limit = m.plain
                    case .value(.int(let n))?: limit = String(n)
                    case .value?, .expression?: limit = "'limit:'"
                    case nil: continue
                    }
                    out.append(Diagnostic(.warning, id: "lint.ledger-room",
                                          "rule '\(r.id)' awards without reading 'ledger.\(m.name)': with a record, a grant could exceed "
                                              + "the room left under its limit \(limit), since earlier grants would not count "
                                              + "(subtract the figure in its cap, as the rule it replaces does)",
                                          at: r.range))
                }
            }
        }
        return out
    }

    /// The items a rule's `for:` lets it apply to (enum case indices), or nil when it does not say.
    private static func itemsOf(_ e: CheckedExpr, itemSlot: Int) -> Set<Int>? {
        func isItem(_ x: CheckedExpr) -> Bool {
            if case .fact(let path, _) = x.kind { return path == [itemSlot] }
            return false
        }
        func cases(_ x: CheckedExpr) -> Set<Int>? {
            switch x.kind {
            case .constant(.enumCase(_, let i)): return [i]
            case .constant(.list(let vs)):
                var out = Set<Int>()
                for v in vs { guard case .enumCase(_, let i) = v else { return nil }; out.insert(i) }
                return out
            case .list(let xs):
                var out = Set<Int>()
                for x in xs { guard let c = cases(x) else { return nil }; out.formUnion(c) }
                return out
            default: return nil
            }
        }
        switch e.kind {
        case .compare(.equal, let a, let b):
            if isItem(a) { return cases(b) }
            if isItem(b) { return cases(a) }
            return nil
        case .inList(let a, let b, negated: false):
            return isItem(a) ? cases(b) : nil
        case .and(let a, let b):
            switch (itemsOf(a, itemSlot: itemSlot), itemsOf(b, itemSlot: itemSlot)) {
            case (let x?, let y?): return x.intersection(y)
            case (let x?, nil): return x
            case (nil, let y?): return y
            case (nil, nil): return nil
            }
        case .or(let a, let b):
            guard let x = itemsOf(a, itemSlot: itemSlot), let y = itemsOf(b, itemSlot: itemSlot) else { return nil }
            return x.union(y)
        default:
            return nil
        }
    }

    /// The ledger figures (`ledger.NAME`) an expression reads, through the definitions it uses.
    private static func ledgerFacts(_ e: CheckedExpr, _ p: Policy, into read: inout Set<String>) {
        let prefix = LedgerMeasure.factName + "."
        switch e.kind {
        case .fact(_, let name):
            if name.hasPrefix(prefix) { read.insert(String(name.dropFirst(prefix.count))) }
        case .definition(let i): ledgerFacts(p.definitions[i].expr, p, into: &read)
        case .constant, .local, .asOf, .parameter: break
        case .member(let b, _, _), .negate(let b), .not(let b), .present(let b), .periodBound(let b, _):
            ledgerFacts(b, p, into: &read)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b),
             .inList(let a, let b, _), .inPeriod(let a, let b, _), .otherwise(let a, let b), .lookup(let a, let b):
            ledgerFacts(a, p, into: &read)
            ledgerFacts(b, p, into: &read)
        case .list(let items), .extremum(_, let items): items.forEach { ledgerFacts($0, p, into: &read) }
        case .conditional(let c, let a, let b): [c, a, b].forEach { ledgerFacts($0, p, into: &read) }
        case .aggregate(_, let body, _, _, let source, let filter):
            [body, source].forEach { ledgerFacts($0, p, into: &read) }
            filter.map { ledgerFacts($0, p, into: &read) }
        }
    }
}
