import ClauseLanguage
import ClauseSyntax

/// Finds what would have to change for a refused or incomplete case to be granted, exactly:
/// every remedy is the case with its changes applied and decided again by the compiled rules,
/// and only changes that lead to a grant are kept, with the amount that grant pays.
///
/// The search is breadth first over sets of changes: from the rules that refuse or wait, the
/// candidate values that could lift them (`RemedyCandidates`); a change that lifts one rule
/// but meets another (applying after a ban, when the measures have ended by then) goes one
/// step deeper, never changing the same fact twice. Facts the schema marks `remedy: fixed`
/// are never changed; `remedy: later` dates only move later.
package enum RemedyFinder {
    /// At most this many facts changed together.
    static let maxChanges = 3
    /// At most this many decisions per case, so a batch stays fast; the search says when it stopped.
    static let budget = 600
    /// At most this many remedies shown.
    static let maxRemedies = 6

    /// nil when the decision is not refused or incomplete, or the compiled rules cannot decide
    /// the case (an evaluation failure: the tracing interpreter explains it, not a remedy).
    package static func search(_ c: CaseFile, compiled: CompiledPolicy, asOf override: CivilDate?) -> RemedySearch? {
        guard let start = compiled.verdict(c, asOf: override) else { return nil }
        return search(c, compiled: compiled, asOf: override, from: start)
    }

    /// The search from the verdict the case was decided by (`compiled.verdict(c, asOf: override)`),
    /// so a batch that has just decided the case does not decide it again to begin.
    ///
    /// - Parameter settling: whether to stop under a refusal nothing left to change can lift
    ///   (off only to show, in a test, that stopping there changes no answer).
    static func search(_ c: CaseFile, compiled: CompiledPolicy, asOf override: CivilDate?, from start: CompiledPolicy.Verdict,
                       settling: Bool = true) -> RemedySearch? {
        let policy = compiled.policy
        guard start.outcome == .refused || start.outcome == .incomplete else { return nil }

        struct Node {
            var changes: [RemedyCandidates.Candidate]
            /// The changes by number (`number(_:)`), in order: the set of them as a key.
            var key: [Int] = []
            var facts: [Value?]
            var verdict: CompiledPolicy.Verdict
        }
        func blocks(_ v: CompiledPolicy.Verdict, _ k: Int) -> Bool {
            v.runs[k].inForce && (v.runs[k].effect == .refuse || v.runs[k].effect == .needs)
        }
        func blocking(_ v: CompiledPolicy.Verdict) -> [Int] {
            v.runs.indices.filter { blocks(v, $0) }
        }

        // A fact the history records (an unfiled change is unapproved) is not the case's to
        // change: a remedy that changes it would be undone when the case is read again.
        var history: YAMLNode.Sequence?
        if c.mayHaveHistory, case .mapping(let m) = c.root, case .sequence(let q)? = m["history"] { history = q }
        let reads = compiled.remedyReads.reads(for: policy)
        var frontier = [Node(changes: [], facts: c.facts, verdict: start)]
        // Sets of changes tried, each change by a number of its own: a set of candidates as a
        // key hashed every candidate again and allocated a set for each one tried.
        var seen: Set<[Int]> = []
        var numbers: [RemedyCandidates.Candidate: Int] = [:]
        func number(_ c: RemedyCandidates.Candidate) -> Int {
            if let n = numbers[c] { return n }
            numbers[c] = numbers.count
            return numbers.count - 1
        }
        // What was found, without its words: most are never shown (only the first few remedies
        // and one dead end per set of rules in the way), and naming a change (its dotted path and
        // labels) cost more than the rest of keeping it.
        var found: [(changes: [RemedyCandidates.Candidate], amount: Money, verdict: CompiledPolicy.Verdict)] = []
        var foundPaths: [Set<FactAddress>] = []
        var deadEnds: [(changes: [RemedyCandidates.Candidate], verdict: CompiledPolicy.Verdict, blockedBy: [Int])] = []
        var tried = 0
        var exhausted = false
        // The candidates of each node walked, worked out with the parameters' values on its date:
        // begun again for each node, and made anew only when a node's date differs (a fresh
        // evaluator for every node copied the whole policy).
        func walker(on asOf: CivilDate, over facts: [Value?]) -> RemedyCandidates {
            RemedyCandidates(evaluating: Evaluator(policy: policy, facts: facts, asOf: asOf,
                                                   parameterValues: compiled.datedParameters(on: asOf), tracing: false),
                             sites: reads.sites)
        }
        var candidates = walker(on: start.asOf, over: c.facts)

        let applicationDate = compiled.appliedOnSlot.map { FactAddress(steps: [.field($0)]) }
        /// Whether a rule refusing `node` refuses whatever is changed under it, `changed` being the
        /// facts its changes set.
        func settled(_ node: Node, _ blocked: [Int], changed: Set<FactAddress>) -> Bool {
            guard settling else { return false }
            let dateSettled = override != nil || applicationDate.map { changed.contains($0) } == true
            return blocked.contains { k in
                node.verdict.runs[k].effect == .refuse
                    && reads.refusesWhateverChanges(k, facts: node.facts, changed: changed, dateSettled: dateSettled)
            }
        }

        var deepest = maxChanges
        search: for depth in 1...maxChanges {
            var next: [Node] = []
            for node in frontier {
                let before = blocking(node.verdict)
                let changed = Set(node.changes.map(\.address))
                // A refusal nothing left to change can lift: no grant lies under this node. The
                // first node's single changes are still tried, for the dead ends they show, and
                // nothing after them.
                if settled(node, before, changed: changed) {
                    if depth > 1 { continue }
                    deepest = 1
                }
                // A rule that reads only fixed facts the case gives can propose nothing: not walked.
                let walked = before.filter { !reads.proposesNothing($0, facts: node.facts) }
                if walked.isEmpty { continue }
                // The parameters' values on a date come from the compiled policy, worked out once per policy.
                if candidates.asOf != node.verdict.asOf {
                    candidates = walker(on: node.verdict.asOf, over: node.facts)
                } else {
                    candidates.restart(over: node.facts)
                }
                for k in walked { candidates.collect(k) }
                if candidates.truncated { exhausted = true }
                for cand in candidates.found where !changed.contains(cand.address) {
                    let changes = node.changes + [cand]
                    // A set of one change comes only from the first node, whose candidates are
                    // each other's distinct: only larger sets can repeat (two orders of one pair).
                    var key: [Int] = []
                    if depth > 1 {
                        key = node.key + [number(cand)]
                        key.sort()
                        guard seen.insert(key).inserted else { continue }
                    }
                    // A smaller set of the same facts already grants: this one is not needed. The
                    // facts changed are gathered only once something grants (most searches find nothing).
                    if !foundPaths.isEmpty {
                        let paths = changed.union([cand.address])
                        if foundPaths.contains(where: { $0.isSubset(of: paths) }) { continue }
                    }
                    guard let facts = cand.address.setting(cand.value, in: node.facts) else { continue }
                    if let history {
                        var held = facts
                        var ignored = DiagnosticBag()
                        HistoryFacts.apply(to: &held, history: history, through: nil, policy: policy, into: &ignored)
                        if held != facts { continue }
                    }
                    tried += 1
                    if tried > budget { exhausted = true; break search }
                    // Only the rules that read the changed fact run again.
                    let rerun = reads.rerun(changing: cand.address)
                    guard let v = compiled.verdict(facts, asOf: override, from: node.verdict, rerun: rerun) else { continue }
                    // Asked of the new verdict's runs in place: a set of what still blocks was
                    // made for every change tried.
                    let lifts = before.contains { !blocks(v, $0) }
                    // Only a change that lifts something is a step towards a grant, except one element
                    // of a list set right while another still meets the rule (two unapproved
                    // changes): the next step may set the other.
                    guard lifts else {
                        if depth < maxChanges, cand.address.namesAnElement {
                            next.append(Node(changes: changes, key: depth > 1 ? key : [number(cand)], facts: facts, verdict: v))
                        }
                        continue
                    }
                    switch v.outcome {
                    case .granted:
                        found.append((changes, v.amount, v))
                        foundPaths.append(changed.union([cand.address]))
                    case .refused, .incomplete:
                        next.append(Node(changes: changes, key: depth > 1 ? key : [number(cand)], facts: facts, verdict: v))
                        if depth == 1 { deadEnds.append((changes, v, blocking(v))) }
                    case .review:
                        continue
                    }
                }
            }
            frontier = next
            if frontier.isEmpty || depth == deepest { break }
        }
        found.sort { $0.changes.count < $1.changes.count }
        func words(_ changes: [RemedyCandidates.Candidate]) -> [Remedy.Change] {
            changes.map { change($0, was: $0.address.value(in: c.facts), policy) }
        }
        let remedies = found.prefix(maxRemedies).map { f in
            Remedy(changes: words(f.changes), outcome: .granted, amount: f.amount, lifts: Self.lifted(start, by: f.verdict, policy))
        }
        // Dead ends explain an empty answer; one per set of rules in the way is enough.
        var shownBlocks: Set<[Int]> = []
        var ends: [RemedySearch.DeadEnd] = []
        for e in found.isEmpty ? deadEnds : [] where ends.count < 3 && shownBlocks.insert(e.blockedBy).inserted {
            var clauses: [String] = []
            for k in e.blockedBy { for id in policy.rules[k].clauses where !clauses.contains(id) { clauses.append(id) } }
            ends.append(RemedySearch.DeadEnd(changes: words(e.changes), outcome: e.verdict.outcome, lifts: Self.lifted(start, by: e.verdict, policy),
                                             blockedBy: e.blockedBy.map { policy.rules[$0].id }, clauses: clauses))
        }
        return RemedySearch(remedies: remedies, deadEnds: ends, exhausted: exhausted, decided: tried)
    }

    /// The rules that stood in the way of the first decision and no longer do.
    private static func lifted(_ start: CompiledPolicy.Verdict, by v: CompiledPolicy.Verdict, _ policy: Policy) -> [String] {
        start.runs.indices.filter { k in
            let was = start.runs[k].effect, now = v.runs[k].effect
            return start.runs[k].inForce && (was == .refuse || was == .needs) && now != .refuse && now != .needs
        }.map { policy.rules[$0].id }
    }

    private static func change(_ c: RemedyCandidates.Candidate, was: Value?, _ policy: Policy) -> Remedy.Change {
        // The last field's type read in place: copying out every field along the way retained
        // each of their texts, for every change a remedy or dead end names.
        let type = c.address.last(in: policy).map { policy.records[$0.record].fields[$0.field].type } ?? .text
        return Remedy.Change(path: c.address.name(in: policy), label: c.address.label(in: policy, english: false),
                             labelEn: c.address.label(in: policy, english: true),
                             type: type, was: was, value: c.value)
    }
}
