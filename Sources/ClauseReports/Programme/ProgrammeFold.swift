import ClauseEngine
import ClauseLanguage
import ClauseSyntax

extension ProgrammeCounter {
    /// The record's share of the programme report, counted case by case as the record is read:
    /// per indicator row (and per part of a row counted per sector) a tally by year, and what each
    /// item and district was granted. Nothing of a case is kept after it is counted, except the
    /// cases whose workflow events a row counts (an event is counted with its case's facts), so
    /// a report over 100,000 decisions takes the memory of one over a thousand.
    package struct Fold {
        let counter: ProgrammeCounter
        /// The recorded events the report counts, and the latest decision of each case they belong to.
        let events: [ProgrammeEvent]
        private(set) var byCase: [String: ProgrammeRecord] = [:]
        private let eventCases: Set<String>
        /// Per indicator (by position) counted from the record: its tally, and one per value of its `per` fact.
        private(set) var tallies: [Int: Tally] = [:]
        private(set) var partTallies: [Int: [Tally]] = [:]
        private(set) var item: [String: ProgrammeReport.Execution] = [:]
        private(set) var district: [String: ProgrammeReport.Execution] = [:]
        private(set) var cases = 0
        private(set) var grants = 0
        private(set) var notes: [String] = []

        package init(_ counter: ProgrammeCounter, events: [ProgrammeEvent]) {
            self.counter = counter
            self.events = events
            eventCases = Set(events.map(\.caseID))
            for (i, ind) in counter.policy.indicators.enumerated() {
                guard let a = ind.measure.aggregate else { continue }
                tallies[i] = Tally(a, counter)
                if let per = ind.per { partTallies[i] = counter.policy.enums[per.enumType].cases.map { _ in Tally(a, counter) } }
            }
        }

        /// Counts one recorded case (its latest decision).
        package mutating func add(_ r: ProgrammeRecord) {
            let policy = counter.policy, asOf = counter.asOf
            if eventCases.contains(r.caseID) { byCase[r.caseID] = r }
            if r.caseFile == nil { notes.append("case \(r.caseID): its recorded text does not read under package \(policy.version); not counted") }
            if r.asOf <= asOf {
                cases += 1
                if r.outcome == "granted" {
                    grants += 1
                    let y = r.asOf.components.year
                    counter.add(&item, counter.keyed(r.caseFile, policy.itemSlot.map { [$0] }), year: y, granted: r.amount, paid: .zero, cases: 1)
                    counter.add(&district, counter.keyed(r.caseFile, policy.districtPath), year: y, granted: r.amount, paid: .zero, cases: 1)
                }
            }
            for (i, ind) in policy.indicators.enumerated() {
                guard tallies[i] != nil else { continue }
                tallies[i]!.add(r)
                if let per = ind.per, let c = r.caseFile, let part = partIndex(per, c) { partTallies[i]![part].add(r) }
            }
        }

        /// The report, once every case is counted: the events are counted now, with their cases.
        package func report(reported: [ReportedFigure]) -> ProgrammeReport {
            var done = self
            for (i, ind) in counter.policy.indicators.enumerated() {
                guard done.tallies[i] != nil, case .event(let name) = ind.measure.aggregate?.source else { continue }
                for e in events where e.event == name {
                    guard let r = byCase[e.caseID], let c = r.caseFile else { continue }
                    done.tallies[i]!.add(e, c)
                    if let per = ind.per, let part = partIndex(per, c) { done.partTallies[i]![part].add(e, c) }
                }
            }
            return counter.report(done, reported: reported)
        }

        /// Which value of the `per` enum a case has, by position in the enum.
        private func partIndex(_ per: (path: String, enumType: Int), _ c: CaseFile) -> Int? {
            guard let name = ProgrammeCounter.fact(per.path, in: c, policy: counter.policy) else { return nil }
            return counter.policy.enums[per.enumType].cases.firstIndex { $0.name == name }
        }
    }

    /// One aggregate counted record by record: per year and in all, over the records dated on or
    /// before the report date. A distinct value counts once, in the year it first appears (its
    /// earliest date is kept, not every record).
    struct Tally {
        let aggregate: RecordAggregate
        let counter: ProgrammeCounter
        private var perYear: [Int: Value] = [:]
        private var hits: Int64 = 0
        private var sum = Money.zero
        private var earliest: [String: CivilDate] = [:]
        private var undetermined = 0
        private var missing = Set<String>()

        init(_ aggregate: RecordAggregate, _ counter: ProgrammeCounter) {
            self.aggregate = aggregate
            self.counter = counter
        }

        /// A recorded case, when the aggregate counts decisions or grants.
        mutating func add(_ r: ProgrammeRecord) {
            let a = aggregate
            guard a.source == .grants || a.source == .decisions, let c = r.caseFile, a.source == .decisions || r.outcome == "granted" else { return }
            var date: CivilDate?
            if let d = a.date {
                var ev = Evaluator(policy: counter.policy, facts: c.facts, asOf: r.asOf, tracing: false)
                var none: [TraceNode]? = nil
                if case .value(.date(let x)) = ev.eval(d, &none) { date = x }
            }
            guard let date else {
                if matches(c, r.asOf) != false { undetermined += 1 }
                return
            }
            guard date <= counter.asOf else { return }
            switch matches(c, r.asOf) {
            case true?: hit(date, c, r.amount)
            case nil: undetermined += 1
            default: break
            }
        }

        /// A recorded event of the aggregate's name, with its case.
        mutating func add(_ e: ProgrammeEvent, _ c: CaseFile) {
            guard let on = e.on, on <= counter.asOf else { return }
            switch matches(c, on) {
            case true?: hit(on, c, ProgrammeCounter.amount(e.payload, policy: counter.policy) ?? .zero)
            case nil: undetermined += 1
            default: break
            }
        }

        private mutating func matches(_ c: CaseFile, _ date: CivilDate) -> Bool? {
            guard let f = aggregate.filter else { return true }
            var ev = Evaluator(policy: counter.policy, facts: c.facts, asOf: date, tracing: false)
            var none: [TraceNode]? = nil
            switch ev.eval(f, &none) {
            case .value(.bool(let b)): return b
            case .missing(let m): missing.formUnion(m); return nil
            default: return nil
            }
        }

        private mutating func hit(_ date: CivilDate, _ c: CaseFile, _ amount: Money) {
            let y = date.components.year
            switch aggregate.kind {
            case .count:
                perYear[y] = .int((perYear[y]?.asInt ?? 0) + 1)
                hits += 1
            case .countDistinct(let path):
                guard let v = ProgrammeCounter.fact(path, in: c, policy: counter.policy) else {
                    // A record that does not say whose it is cannot be told apart: said, not guessed.
                    undetermined += 1
                    missing.insert(path)
                    return
                }
                if let seen = earliest[v], seen <= date { return }
                earliest[v] = date
            case .sumAmount:
                perYear[y] = .money((perYear[y]?.asMoney ?? .zero).adding(amount) ?? .zero)
                sum = sum.adding(amount) ?? sum
            }
        }

        func counted() -> ProgrammeCounter.Counted {
            var out = ProgrammeCounter.Counted()
            var years = perYear
            switch aggregate.kind {
            case .count: out.total = .int(hits)
            case .countDistinct:
                for date in earliest.values { years[date.components.year] = .int((years[date.components.year]?.asInt ?? 0) + 1) }
                out.total = .int(Int64(earliest.count))
            case .sumAmount: out.total = .money(sum)
            }
            out.perYear = years.keys.sorted().map { ($0, years[$0]!) }
            out.undetermined = undetermined
            out.missing = missing.sorted()
            return out
        }
    }

    /// The enum case a fact along field indices names (the item, the district), or 未注明.
    func keyed(_ c: CaseFile?, _ path: [Int]?) -> (key: String, label: String) {
        guard let c, let path, case .enumCase(let t, let i)? = Self.value(along: path, in: c) else { return ("", "（未注明）") }
        return (policy.enums[t].cases[i].name, policy.enums[t].cases[i].label)
    }

    /// Adds a grant or a payment to an item's or a district's execution, in its year.
    func add(_ table: inout [String: ProgrammeReport.Execution], _ k: (key: String, label: String), year: Int, granted: Money, paid: Money,
             cases: Int) {
        var e = table[k.key] ?? .init(key: k.key, label: k.label, granted: .zero, paid: .zero, cases: 0)
        e.granted = e.granted.adding(granted) ?? e.granted
        e.paid = e.paid.adding(paid) ?? e.paid
        e.cases += cases
        if !e.years.contains(where: { $0.year == year }) { e.years.append(.init(year: year, ceiling: nil, granted: .zero, paid: .zero)) }
        let i = e.years.firstIndex { $0.year == year }!
        e.years[i].granted = e.years[i].granted.adding(granted) ?? e.years[i].granted
        e.years[i].paid = e.years[i].paid.adding(paid) ?? e.years[i].paid
        table[k.key] = e
    }
}
