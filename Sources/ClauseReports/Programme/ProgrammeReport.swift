import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// Where the programme stands on a date: each indicator row against its targets, the money paid
/// by source against the matching the plan sets, and budget execution by item, district, month.
package struct ProgrammeReport: Sendable {
    package struct Row: Sendable {
        package enum Status: Sendable, Equatable {
            /// Counted from the record.
            case counted
            /// Reported by the city (the sources are listed).
            case reported
            /// Not known: why.
            case unknown(String)
        }
        package var indicator: Indicator
        package var cite: String
        package var text: String
        /// Per year: the target (nil when the table sets none) and the figure achieved in it.
        package var years: [(year: Int, target: Value?, achieved: Value?)]
        package var achieved: Value?
        package var status: Status
        /// Where reported figures came from (`source` of each figure used), and the whole of a share.
        package var sources: [String]
        /// Records the filter could not judge for facts the case does not give, by fact.
        package var undetermined: Int
        package var missingFacts: [String]
        /// Per value of the row's `per` fact (per pilot sector), in the enum's order: those with a
        /// count or a reported whole.
        package var parts: [Part] = []
    }

    /// A row's figure for one value of its `per` fact: the count, and for a share the whole
    /// reported for that value and the share (nil while the whole is not reported).
    package struct Part: Sendable {
        package var key: String
        package var label: String
        package var count: Value?
        package var whole: Value?
        package var achieved: Value?
    }

    package struct YearFunding: Sendable {
        package var year: Int
        /// Paid per value of the source enum, in enum order.
        package var bySource: [Money]
        /// Paid without a source.
        package var unattributed: Money
        package var central: Money
        package var local: Money
        /// local ÷ central, nil without central money.
        package var ratio: Percent?
        /// central × the plan's ratio.
        package var localRequired: Money
        /// What local funds lack against the plan (zero when met).
        package var shortfall: Money
    }

    package struct Execution: Sendable {
        package var key: String
        package var label: String
        package var granted: Money
        package var paid: Money
        package var cases: Int
        /// The most the item may spend over the programme (`funding: ceilings:`), nil without one.
        package var ceiling: Money? = nil
        /// Where the ceiling comes from: "transformation_cap 50万元 × enterprises_transformed 667".
        package var ceilingBasis: String? = nil
        /// The amount is a cap per award times an indicator target: a projection (预计规模), not a
        /// ceiling. The measures cap each award, and the targets are minimums (「10个以上」), so
        /// such a product bounds nothing, and deciding more than it is not 超出上限.
        package var projection = false
        /// Per calendar year: granted by the decision's date, paid by the payment's, and the
        /// year's ceiling when the item's indicator row sets a target for it.
        package var years: [ExecutionYear] = []

        package var grantedShare: Percent? { ceiling.flatMap { ProgrammeCounter.share(granted, of: $0) } }
        package var paidShare: Percent? { ceiling.flatMap { ProgrammeCounter.share(paid, of: $0) } }
        /// More was decided than the ceiling allows (said, not hidden in a share above 100%); never
        /// for a projection.
        package var overCeiling: Bool { !projection && (ceiling.map { granted.fen > $0.fen } ?? false) }
    }

    package struct ExecutionYear: Sendable, Equatable {
        package var year: Int
        package var ceiling: Money?
        package var granted: Money
        package var paid: Money

        package init(year: Int, ceiling: Money?, granted: Money, paid: Money) {
            self.year = year
            self.ceiling = ceiling
            self.granted = granted
            self.paid = paid
        }

        package var grantedShare: Percent? { ceiling.flatMap { ProgrammeCounter.share(granted, of: $0) } }
        package var paidShare: Percent? { ceiling.flatMap { ProgrammeCounter.share(paid, of: $0) } }
        package var overCeiling: Bool { ceiling.map { granted.fen > $0.fen } ?? false }
    }

    package var policy: Policy
    package var asOf: CivilDate
    package var years: [Int]
    package var rows: [Row]
    package var sourceLabels: [String]
    package var funding: [YearFunding]
    /// Paid per month (YYYY-MM), per source in enum order then unattributed.
    package var monthly: [(month: String, bySource: [Money], unattributed: Money)]
    package var byItem: [Execution]
    package var byDistrict: [Execution]
    package var cases: Int
    package var grants: Int
    package var payments: Int
    package var paid: Money
    /// Problems met while counting (a recorded case that no longer reads, a payment without amount).
    package var notes: [String]
}

/// Computes a `ProgrammeReport` from the record, a policy's indicators and funding plan, and
/// the city's reported figures. Pure: the store and files are read by the caller.
package struct ProgrammeCounter {
    let policy: Policy
    let asOf: CivilDate

    package init(policy: Policy, asOf: CivilDate) {
        self.policy = policy
        self.asOf = asOf
    }

    package func report(records: [ProgrammeRecord], events: [ProgrammeEvent], reported: [ReportedFigure]) -> ProgrammeReport {
        var fold = Fold(self, events: events)
        for r in records { fold.add(r) }
        return fold.report(reported: reported)
    }

    /// The report from what the fold counted, the events and the city's figures.
    func report(_ fold: Fold, reported: [ReportedFigure]) -> ProgrammeReport {
        let targetYears = Set(policy.indicators.flatMap { $0.targets.map(\.year) })
        var rows: [ProgrammeReport.Row] = []
        var extraYears = Set<Int>()
        for (i, ind) in policy.indicators.enumerated() {
            let row = self.row(ind, counted: fold.tallies[i]?.counted(), parts: fold.partTallies[i]?.map { $0.counted() }, reported: reported)
            rows.append(row)
            for y in row.years where !targetYears.contains(y.year) { extraYears.insert(y.year) }
        }
        let years = targetYears.union(extraYears).sorted()
        // Every row lists every year, in order (a year without a target or figure shows blanks).
        rows = rows.map { r in
            var r = r
            r.years = years.map { y in r.years.first { $0.year == y } ?? (y, nil, nil) }
            return r
        }
        var report = ProgrammeReport(policy: policy, asOf: asOf, years: years, rows: rows, sourceLabels: [], funding: [], monthly: [],
                                     byItem: [], byDistrict: [], cases: fold.cases, grants: fold.grants,
                                     payments: 0, paid: .zero, notes: fold.notes)
        money(&report, fold)
        return report
    }

    // MARK: - Indicators

    private func row(_ ind: Indicator, counted: Counted?, parts partCounts: [Counted]?, reported: [ReportedFigure]) -> ProgrammeReport.Row {
        let clause = policy.clause(ind.clause)
        var row = ProgrammeReport.Row(indicator: ind, cite: clause?.cite ?? ind.clause, text: clause?.text ?? "",
                                      years: ind.targets.map { ($0.year, $0.value, nil) }, achieved: nil, status: .counted, sources: [],
                                      undetermined: 0, missingFacts: [])
        func put(_ year: Int, _ v: Value) {
            if let i = row.years.firstIndex(where: { $0.year == year }) { row.years[i].achieved = v } else { row.years.append((year, nil, v)) }
        }
        switch ind.measure {
        case .unmeasured(let why):
            row.status = .unknown(why)
        case .reported:
            row.status = .reported
            let figures = Self.latestPerYear(reported.filter { $0.figure == ind.name && $0.on <= asOf })
            guard !figures.isEmpty else {
                // The report speaks the package's language (Chinese): so do its own reasons.
                row.status = .unknown("由市里填报（clause report --reported 文件）：截至 \(asOf.iso) 尚无填报数字")
                return row
            }
            for f in figures { put(f.on.components.year, f.value) }
            row.achieved = Indicator.sum(figures.map(\.value))
            row.sources = figures.map { "\($0.on.iso) \($0.source)" }
        case .record, .share:
            let counted = counted ?? Counted()
            row.undetermined = counted.undetermined
            row.missingFacts = counted.missing
            if let per = ind.per, let partCounts { row.parts = parts(ind, per, partCounts, reported: reported) }
            guard case .share(_, let whole, let wholeLabel) = ind.measure else {
                for (y, v) in counted.perYear { put(y, v) }
                row.achieved = counted.total
                return row
            }
            let wholes = Self.latestPerYear(reported.filter { $0.figure == whole && $0.part == nil && $0.on <= asOf })
            guard let last = wholes.last, case .int(let lastWhole) = last.value, lastWhole > 0 else {
                // Counted per part, the row's figures are its parts' (each over its own whole).
                if !row.parts.isEmpty {
                    row.sources = reported.filter { $0.figure == whole && $0.part != nil && $0.on <= asOf }
                        .map { "\(wholeLabel)（\($0.part!)）\($0.value.indicatorText): \($0.on.iso) \($0.source)" }
                    return row
                }
                row.status = .unknown("\(wholeLabel)（\(whole)）由市里填报：截至 \(asOf.iso) 尚无填报数字")
                return row
            }
            for (y, v) in counted.perYear {
                // A year's share is of the whole as reported by the end of that year (else the first reported).
                let w = wholes.last { $0.on.components.year <= y } ?? wholes[0]
                if case .int(let n) = v, case .int(let d) = w.value, d > 0 { put(y, .percent(Self.share(n, of: d))) }
            }
            if case .int(let n)? = counted.total { row.achieved = .percent(Self.share(n, of: lastWhole)) }
            row.sources = wholes.map { "\(wholeLabel) \($0.value.indicatorText): \($0.on.iso) \($0.source)" }
        }
        row.years.sort { $0.year < $1.year }
        return row
    }

    /// The row counted for each value of its `per` fact; a share over the whole reported for
    /// that value as of the report date (the latest figure).
    private func parts(_ ind: Indicator, _ per: (path: String, enumType: Int), _ partCounts: [Counted],
                       reported: [ReportedFigure]) -> [ProgrammeReport.Part] {
        var out: [ProgrammeReport.Part] = []
        for (c, counted) in zip(policy.enums[per.enumType].cases, partCounts) {
            var part = ProgrammeReport.Part(key: c.name, label: c.label, count: counted.total, whole: nil, achieved: counted.total)
            if case .share(_, let whole, _) = ind.measure {
                let latest = reported.filter { $0.figure == whole && $0.part == c.name && $0.on <= asOf }.max { $0.on < $1.on }
                part.whole = latest?.value
                part.achieved = nil
                if case .int(let n)? = counted.total, case .int(let d)? = latest?.value, d > 0 { part.achieved = .percent(Self.share(n, of: d)) }
            }
            let counts = (counted.total?.asInt ?? 0) > 0
            if counts || part.whole != nil { out.append(part) }
        }
        return out
    }

    /// n ÷ d as a percentage, rounded half up to a hundredth of a percent (8.08%).
    package static func share(_ n: Int64, of d: Int64) -> Percent {
        Percent(millionths: Int64((Int128(n) * 20_000 + Int128(d)) / (2 * Int128(d))) * 100)
    }

    /// An amount as a share of a ceiling (nil for a zero ceiling, which no share measures).
    package static func share(_ amount: Money, of ceiling: Money) -> Percent? {
        ceiling.fen > 0 ? share(amount.fen, of: ceiling.fen) : nil
    }

    /// A ceiling's amounts over the programme and per year of its row's targets, with its basis.
    package func amounts(_ c: Ceiling) -> (total: Money?, perYear: [Int: Money], basis: String)? {
        let cap: Money, capText: String
        switch c.cap {
        case .parameter(let i):
            guard case .money(let m) = policy.parameters[i].value(on: asOf).value else { return nil }
            (cap, capText) = (m, "\(policy.parameters[i].name) \(m.display)")
        case .amount(let m, let clause):
            (cap, capText) = (m, "\(m.display) (\(policy.cite(clause) ?? clause))")
        }
        switch c.times {
        case nil:
            return (cap, [:], capText)
        case .parameter(let i)?:
            guard case .int(let n) = policy.parameters[i].value(on: asOf).value else { return nil }
            return (cap.multiplied(by: n), [:], "\(capText) × \(policy.parameters[i].name) \(n)")
        case .indicator(let name)?:
            guard let ind = policy.indicators.first(where: { $0.name == name }), case .int(let total) = ind.total else { return nil }
            var perYear: [Int: Money] = [:]
            for t in ind.targets { if case .int(let n) = t.value, let m = cap.multiplied(by: n) { perYear[t.year] = m } }
            return (cap.multiplied(by: total), perYear, "\(capText) × \(name) \(total)")
        }
    }

    /// For each year, the figure reported latest in it (a later report of a year replaces an earlier one).
    static func latestPerYear(_ figures: [ReportedFigure]) -> [ReportedFigure] {
        var best: [Int: ReportedFigure] = [:]
        for f in figures {
            let y = f.on.components.year
            if let b = best[y], b.on > f.on { continue }
            best[y] = f
        }
        return best.keys.sorted().map { best[$0]! }
    }

    struct Counted {
        var perYear: [(Int, Value)] = []
        var total: Value?
        var undetermined = 0
        var missing: [String] = []
    }

    /// A fact's value as a key (`text` for text, the case name for an enum), nil when absent or none.
    static func fact(_ path: String, in c: CaseFile, policy: Policy) -> String? {
        var schema = policy.caseSchema
        var slots = c.facts
        let parts = path.split(separator: ".").map(String.init)
        for (k, name) in parts.enumerated() {
            guard let i = schema.index[name], i < slots.count, let v = slots[i] else { return nil }
            if k == parts.count - 1 {
                switch v {
                case .text(let t): return t
                case .enumCase(let t, let x): return policy.enums[t].cases[x].name
                case .none: return nil
                default: return "\(v)"
                }
            }
            guard case .record(let fields) = v, case .record(let r) = schema.fields[i].type.unwrapped else { return nil }
            schema = policy.records[r]
            slots = fields
        }
        return nil
    }

    /// A value along field indices from the case (the item, the district).
    static func value(along path: [Int], in c: CaseFile) -> Value? {
        var slots = c.facts
        for (k, i) in path.enumerated() {
            guard i < slots.count, let v = slots[i] else { return nil }
            if k == path.count - 1 { return v }
            guard case .record(let fields) = v else { return nil }
            slots = fields
        }
        return nil
    }

    /// The `amount` of a recorded event, read as the workflow reads it.
    static func amount(_ payload: YAMLNode?, policy: Policy) -> Money? {
        guard case .mapping(let m)? = payload, case .scalar(let s)? = m["amount"], case .success(.money(let x)) = ScalarValue.read(s, as: .money, policy: policy)
        else { return nil }
        return x
    }

    // MARK: - Money

    private func money(_ report: inout ProgrammeReport, _ fold: Fold) {
        let events = fold.events, byCase = fold.byCase
        let plan = policy.funding
        let sourceEnum = plan.map { policy.enums[$0.sourceEnum] }
        let sourceCount = sourceEnum?.cases.count ?? 0
        report.sourceLabels = sourceEnum?.cases.map(\.label) ?? []
        var perYear: [Int: (by: [Money], none: Money)] = [:]
        var perMonth: [String: (by: [Money], none: Money)] = [:]
        // What was granted, counted case by case as the record was read; payments are added here.
        var item = fold.item, district = fold.district
        if let plan {
            for e in events where e.event == plan.paymentEvent {
                guard let on = e.on, on <= asOf else { continue }
                guard let amount = Self.amount(e.payload, policy: policy) else {
                    report.notes.append("case \(e.caseID): a '\(plan.paymentEvent)' event on \(on.iso) has no amount; not counted")
                    continue
                }
                var source: Int?
                if case .mapping(let m)? = e.payload, case .scalar(let s)? = m["source"], !s.isNull {
                    if case .success(.enumCase(_, let i)) = ScalarValue.read(s, as: .enumeration(plan.sourceEnum), policy: policy) {
                        source = i
                    } else {
                        report.notes.append("case \(e.caseID): source '\(s.text)' of the payment on \(on.iso) is not a funding source; counted as unattributed")
                    }
                }
                let (y, m) = (on.components.year, on.components.month)
                let month = "\(y)-\(m < 10 ? "0" : "")\(m)"
                for key in [0, 1] {
                    var slot = key == 0 ? (perYear[y] ?? (Array(repeating: .zero, count: sourceCount), .zero))
                                        : (perMonth[month] ?? (Array(repeating: .zero, count: sourceCount), .zero))
                    if let source { slot.by[source] = slot.by[source].adding(amount) ?? slot.by[source] } else { slot.none = slot.none.adding(amount) ?? slot.none }
                    if key == 0 { perYear[y] = slot } else { perMonth[month] = slot }
                }
                report.payments += 1
                report.paid = report.paid.adding(amount) ?? report.paid
                let c = byCase[e.caseID]?.caseFile
                add(&item, keyed(c, policy.itemSlot.map { [$0] }), year: y, granted: .zero, paid: amount, cases: 0)
                add(&district, keyed(c, policy.districtPath), year: y, granted: .zero, paid: amount, cases: 0)
            }
            report.funding = perYear.keys.sorted().map { y in
                let s = perYear[y]!
                func total(_ idx: [Int]) -> Money { idx.reduce(Money.zero) { $0.adding(s.by[$1]) ?? $0 } }
                let central = total(plan.central), local = total(plan.local)
                let required = central.multiplied(by: plan.localPerCentral, rounding: policy.rounding)?.0 ?? .zero
                let short = required.subtracting(local).map { $0.fen > 0 ? $0 : .zero } ?? .zero
                let ratio = central.fen > 0 ? Self.share(local.fen, of: central.fen) : nil
                return .init(year: y, bySource: s.by, unattributed: s.none, central: central, local: local, ratio: ratio,
                             localRequired: required, shortfall: short)
            }
            report.monthly = perMonth.keys.sorted().map { (month: $0, bySource: perMonth[$0]!.by, unattributed: perMonth[$0]!.none) }
        }
        // Every item with a ceiling is listed, spent or not; each lists the report's years and its own.
        for c in plan?.ceilings ?? [] {
            guard let a = amounts(c) else { continue }
            let label = policy.itemEnum.flatMap { t in policy.enums[t].cases.first { $0.name == c.item }?.label } ?? c.item
            var e = item[c.item] ?? .init(key: c.item, label: label, granted: .zero, paid: .zero, cases: 0)
            e.ceiling = a.total
            e.ceilingBasis = a.basis
            if case .indicator? = c.times { e.projection = true }
            for (y, m) in a.perYear {
                if let i = e.years.firstIndex(where: { $0.year == y }) { e.years[i].ceiling = m } else {
                    e.years.append(.init(year: y, ceiling: m, granted: .zero, paid: .zero))
                }
            }
            item[c.item] = e
        }
        for k in Array(item.keys) {
            for y in report.years where !item[k]!.years.contains(where: { $0.year == y }) {
                item[k]!.years.append(.init(year: y, ceiling: nil, granted: .zero, paid: .zero))
            }
            item[k]!.years.sort { $0.year < $1.year }
        }
        for k in Array(district.keys) { district[k]!.years.sort { $0.year < $1.year } }
        let itemOrder = policy.itemSlot.flatMap { slot -> [String]? in
            guard case .enumeration(let t) = policy.caseSchema.fields[slot].type.unwrapped else { return nil }
            return policy.enums[t].cases.map(\.name)
        } ?? []
        report.byItem = item.values.sorted { (itemOrder.firstIndex(of: $0.key) ?? Int.max, $0.key) < (itemOrder.firstIndex(of: $1.key) ?? Int.max, $1.key) }
        report.byDistrict = district.values.sorted { ($0.paid, $0.granted, $1.key) > ($1.paid, $1.granted, $0.key) }
    }
}

extension Value {
    var asInt: Int64? { if case .int(let i) = self { i } else { nil } }
}
