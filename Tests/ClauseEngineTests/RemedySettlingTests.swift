@testable import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The remedy search stops under a refusal nothing left to change can lift. That must be true of
/// every such refusal, and stopping there must change no answer the search gives.
@Suite struct RemedySettlingTests {
    static let reads = RemedyReads(Repo.shenyang)

    /// Each refusal taken as settled still refuses, in force, after every single change the
    /// search could propose and every pair of them, decided whole (not by the partial re-decision
    /// the search uses); with the evaluation date moving with the case, and fixed by `--as-of`.
    @Test(arguments: [nil, CivilDate(iso: "2025-06-30")])
    func aSettledRefusalRefusesWhateverChanges(asOf override: CivilDate?) throws {
        let policy = Repo.shenyang, compiled = RemedyCases.compiled
        var settledCases = 0, decided = 0
        for (c, _) in try RemedyCases.playground() + RemedyCases.oracle() where settledCases < 120 {
            guard let base = compiled.verdict(c, asOf: override) else { continue }
            let firm = base.runs.indices.filter { k in
                base.runs[k].inForce && base.runs[k].effect == .refuse
                    && Self.reads.refusesWhateverChanges(k, facts: c.facts, changed: [], dateSettled: override != nil)
            }
            guard !firm.isEmpty else { continue }
            settledCases += 1
            var candidates = RemedyCandidates(policy: policy, facts: c.facts, asOf: base.asOf, sites: Self.reads.sites)
            for k in policy.rules.indices { candidates.collect(k) }
            let proposed = Array(candidates.found.prefix(12))
            for (i, first) in proposed.enumerated() {
                for second in [nil] + proposed.dropFirst(i + 1).map(Optional.some) where second?.address != first.address {
                    guard var facts = first.address.setting(first.value, in: c.facts) else { continue }
                    if let second {
                        guard let both = second.address.setting(second.value, in: facts) else { continue }
                        facts = both
                    }
                    var changed = c
                    changed.facts = facts
                    guard let v = compiled.verdict(changed, asOf: override) else { continue }
                    decided += 1
                    for k in firm {
                        #expect(v.runs[k].inForce && v.runs[k].effect == .refuse,
                                "\(c.id): \(policy.rules[k].id) lifted by \(first.address.name(in: policy))\(second.map { ", " + $0.address.name(in: policy) } ?? "")")
                    }
                }
            }
        }
        #expect(settledCases > 50)
        #expect(decided > 1000)
    }

    /// A refusal that reads a fact the case leaves out is not settled (the fact may be supplied),
    /// nor is one that reads a fact a remedy may change, unless that fact was already changed.
    @Test func whatMayStillChangeUnsettlesARefusal() throws {
        let policy = Repo.shenyang, compiled = RemedyCases.compiled
        var unsettledByAGap = 0, settledByAChange = 0
        for (c, _) in try RemedyCases.playground() + RemedyCases.oracle() {
            guard let base = compiled.verdict(c, asOf: nil) else { continue }
            for k in base.runs.indices where base.runs[k].inForce && base.runs[k].effect == .refuse {
                if Self.reads.refusesWhateverChanges(k, facts: c.facts, changed: [], dateSettled: false) {
                    // Leaving out a fact it reads unsettles it.
                    let read = Self.reads.rules[k].fixed
                    if let gap = read.first, case .field(let top) = gap.steps[0] {
                        var facts = c.facts
                        facts[top] = nil
                        #expect(!Self.reads.refusesWhateverChanges(k, facts: facts, changed: [], dateSettled: false), "\(c.id): \(policy.rules[k].id)")
                        unsettledByAGap += 1
                    }
                } else if Self.reads.rules[k].open {
                    // Reading open facts: settled only once every one of them has been changed.
                    let open = Self.openFacts(of: policy.rules[k], policy)
                    if !open.isEmpty, Self.reads.refusesWhateverChanges(k, facts: c.facts, changed: open, dateSettled: true) {
                        #expect(!Self.reads.refusesWhateverChanges(k, facts: c.facts, changed: Array(open.dropLast()), dateSettled: true))
                        settledByAChange += 1
                    }
                }
            }
        }
        #expect(unsettledByAGap > 20)
        #expect(settledByAChange > 20)
    }

    /// The search's answers are the same with and without stopping at settled refusals: the same
    /// remedies, dead ends and limit, for every case; and stopping saves decisions.
    @Test func stoppingAtASettledRefusalChangesNoAnswer() throws {
        let compiled = RemedyCases.compiled
        var searched = 0, shorter = 0, saved = 0
        for (c, _) in try RemedyCases.playground() + RemedyCases.oracle() {
            guard let v = compiled.verdict(c, asOf: nil),
                  let fast = RemedyFinder.search(c, compiled: compiled, asOf: nil, from: v),
                  let full = RemedyFinder.search(c, compiled: compiled, asOf: nil, from: v, settling: false) else { continue }
            searched += 1
            #expect(fast.remedies == full.remedies, "\(c.id)")
            #expect(fast.deadEnds == full.deadEnds, "\(c.id)")
            #expect(fast.exhausted == full.exhausted, "\(c.id)")
            #expect(fast.decided <= full.decided, "\(c.id)")
            if fast.decided < full.decided { shorter += 1 }
            saved += full.decided - fast.decided
        }
        #expect(searched > 100)
        #expect(shorter > 20)
        #expect(saved > 500)
    }

    /// The top-level facts a rule reads that a remedy may change.
    private static func openFacts(of rule: Rule, _ policy: Policy) -> [FactAddress] {
        var out: [FactAddress] = []
        func walk(_ e: CheckedExpr) {
            switch e.kind {
            case .fact(let path, _):
                let a = FactAddress(steps: path.map { .field($0) })
                if a.remedyRule(in: policy) != .fixed, !out.contains(a) { out.append(a) }
            case .definition(let i): walk(policy.definitions[i].expr)
            default: e.operands.forEach(walk)
            }
        }
        ([rule.applies].compactMap { $0 } + rule.lets.map(\.expr) + [rule.main] + rule.needs + [rule.cap].compactMap { $0 }).forEach(walk)
        return out
    }
}
