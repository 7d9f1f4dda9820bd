import ClauseLanguage

/// Totals of a diff: cases, changes of each kind, grants and money under each package, per item
/// and district.
package struct DiffSummary: Sendable {
    package struct Tally: Sendable {
        package var cases = 0
        package var changed = 0
        /// Changed cases by their most significant change: outcome, else amount, else reasons only.
        package var outcomeChanged = 0
        package var amountChanged = 0
        package var reasonsChanged = 0
        package var grantedBase = 0
        package var grantedProposed = 0
        package var moneyBase = Money.zero
        package var moneyProposed = Money.zero

        mutating func add(_ e: ImpactDiff.Entry) {
            cases += 1
            if let c = e.change {
                changed += 1
                switch c {
                case .outcome: outcomeChanged += 1
                case .amount: amountChanged += 1
                case .reasons: reasonsChanged += 1
                }
            }
            if e.base.outcome == .granted {
                grantedBase += 1
                moneyBase = moneyBase.adding(e.base.amount) ?? moneyBase
            }
            if e.proposed.outcome == .granted {
                grantedProposed += 1
                moneyProposed = moneyProposed.adding(e.proposed.amount) ?? moneyProposed
            }
        }

        package func count(_ c: ImpactDiff.Change) -> Int {
            switch c {
            case .outcome: outcomeChanged
            case .amount: amountChanged
            case .reasons: reasonsChanged
            }
        }

        /// Money granted under the proposal less under the base.
        package var delta: Money { moneyProposed.change(from: moneyBase) }
    }

    package var total = Tally()
    package var failed = 0
    /// By support item and by district, in first-seen order for stable output.
    package var byItem: [(key: String, tally: Tally)] = []
    package var byDistrict: [(key: String, tally: Tally)] = []

    package init(_ results: [ImpactDiff.CaseResult]) {
        var items: [String: Int] = [:], districts: [String: Int] = [:]
        for r in results {
            guard case .decided(let e) = r else {
                failed += 1
                continue
            }
            total.add(e)
            DiffSummary.add(e, key: e.item ?? "—", into: &byItem, index: &items)
            DiffSummary.add(e, key: e.district ?? "—", into: &byDistrict, index: &districts)
        }
        byItem.sort { $0.key < $1.key }
        byDistrict.sort { $0.key < $1.key }
    }

    private static func add(_ e: ImpactDiff.Entry, key: String, into list: inout [(key: String, tally: Tally)], index: inout [String: Int]) {
        if let i = index[key] {
            list[i].tally.add(e)
        } else {
            index[key] = list.count
            var t = Tally()
            t.add(e)
            list.append((key, t))
        }
    }
}
