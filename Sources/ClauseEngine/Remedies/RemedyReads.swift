import ClauseLanguage
import Foundation

/// What each rule lets the remedy search propose, worked out once per policy from the rule's
/// expressions and the definitions they use: the facts it reads, and whether it reads anything
/// a remedy may change.
///
/// Most refusals come from rules that read only facts no remedy may change (who applied, what
/// was paid, a finding). Such a rule gives candidates only for a fixed fact the case leaves out
/// (supplying it changes nothing that happened), so when the case gives all of them the search
/// skips the rule without walking it and every list element it aggregates.
struct RemedyReads: Sendable {
    struct RuleReads: Sendable {
        /// Whether the rule reads a fact a remedy may change, or the elements of a list one may
        /// change: it always has to be walked.
        var open: Bool
        /// The facts it reads, every one fixed (when not `open`).
        var fixed: [FactAddress]
    }

    let rules: [RuleReads]
    /// The fact paths (field indices from the case record) each rule's finding depends on.
    private let paths: [[[Int]]]
    /// Whether each rule has a clawback or a ban: their amounts come from the rule's own `let`s
    /// as it runs, so such a rule always runs again.
    private let consequences: [Bool]
    /// Whether each rule's finding depends on the evaluation date: it reads the date, or a
    /// parameter whose value depends on it (through the definitions it uses too).
    private let dated: [Bool]
    /// `rerun` by the field path changed (`reruns(_:_:)`).
    private let reruns: [[Int]: Rerun]
    /// Where each rule may propose a value, for `RemedyCandidates`.
    let sites: RemedySites
    /// What each rule's finding depends on, for `refusesWhateverChanges`; nil for a rule whose
    /// refusal is not its own to keep (an award part that may come to nothing).
    private let settling: [Settling?]

    /// The facts a rule's finding is worked out from, each with whether it is fixed, and
    /// whether it depends on the evaluation date (reads it, reads a parameter dated by it, or
    /// comes into or out of force on a date).
    private struct Settling: Sendable {
        var facts: [(address: FactAddress, fixed: Bool)]
        var dated: Bool
    }

    init(_ policy: Policy) {
        rules = policy.rules.map { RemedyReads.reads(of: $0, policy) }
        sites = RemedySites(policy)
        let dependencies = policy.rules.map { RemedyReads.dependencies(of: $0, policy) }
        paths = dependencies.map(\.paths)
        settling = zip(policy.rules, dependencies).map { RemedyReads.settling(of: $0, $1, policy) }
        consequences = policy.rules.map { $0.clawback != nil || $0.banUntil != nil }
        dated = dependencies.map(\.readsDate)
        reruns = Self.reruns(paths, consequences, dated, policy)
    }

    /// The rules a change runs again. On the case's own date, those that read the fact changed,
    /// what holds it, or anything under it (a list read as a whole changes with any of its
    /// elements). When the change moves the evaluation date (the application date changed), also
    /// every rule whose finding depends on the date; whether each rule is in force is asked
    /// again, and the others keep their findings.
    struct Rerun {
        let onSameDate: [Bool]
        let onAnotherDate: [Bool]
    }

    func rerun(changing address: FactAddress) -> Rerun {
        var fields: [Int] = []
        for case .field(let i) in address.steps { fields.append(i) }
        return reruns[fields] ?? Self.rerun(changing: fields, paths, consequences, dated)
    }

    private static func rerun(changing fields: [Int], _ paths: [[[Int]]], _ consequences: [Bool], _ dated: [Bool]) -> Rerun {
        let reading = paths.indices.map { k in
            consequences[k] || paths[k].contains { path in path.starts(with: fields) || fields.starts(with: path) }
        }
        return Rerun(onSameDate: reading, onAnotherDate: zip(reading, dated).map { $0 || $1 })
    }

    /// `rerun` for every path a rule reads, every path that holds one, and each field of the
    /// records (or list elements) one names, worked out once: the search asks for every change it
    /// tries, and working it out took 5,000 instructions a time.
    private static func reruns(_ paths: [[[Int]]], _ consequences: [Bool], _ dated: [Bool], _ policy: Policy) -> [[Int]: Rerun] {
        var table: [[Int]: Rerun] = [:]
        func add(_ fields: [Int]) {
            if table[fields] == nil { table[fields] = rerun(changing: fields, paths, consequences, dated) }
        }
        for path in paths.joined() {
            for n in 1...max(1, path.count) { add(Array(path.prefix(n))) }
            if let r = recordNamed(by: path, policy) { for f in policy.records[r].fields.indices { add(path + [f]) } }
        }
        return table
    }

    /// The record a fact path names, or whose elements it lists; nil for any other fact.
    private static func recordNamed(by path: [Int], _ policy: Policy) -> Int? {
        guard let (r, i) = FactAddress(steps: path.map { .field($0) }).last(in: policy) else { return nil }
        switch policy.records[r].fields[i].type.unwrapped {
        case .record(let named), .list(.record(let named)): return named
        default: return nil
        }
    }

    /// Whether walking rule `k` over `facts` can propose nothing: it reads only fixed facts, and
    /// the case gives every one of them.
    func proposesNothing(_ k: Int, facts: [Value?]) -> Bool {
        let r = rules[k]
        return !r.open && r.fixed.allSatisfy { $0.value(in: facts) != nil }
    }

    /// Whether rule `k`, refusing the case over `facts`, refuses every case the search can still
    /// make of it, `changed` being the facts already changed (never changed again): each fact it
    /// reads is one of those, or fixed and given by the case (no remedy changes or supplies it);
    /// and it does not depend on the evaluation date, unless that cannot move either (`--as-of`,
    /// or the application date already changed). Then no further change grants the case: the
    /// search need not look under it.
    func refusesWhateverChanges(_ k: Int, facts: [Value?], changed: some Collection<FactAddress>, dateSettled: Bool) -> Bool {
        guard let s = settling[k], dateSettled || !s.dated else { return false }
        return s.facts.allSatisfy { f in
            changed.contains(f.address) || (f.fixed && f.address.value(in: facts) != nil)
        }
    }

    /// What `refusesWhateverChanges` asks of a rule, from what its finding depends on.
    private static func settling(of rule: Rule, _ d: (paths: [[Int]], readsDate: Bool), _ policy: Policy) -> Settling? {
        guard rule.kind != .award || !rule.mayBeZero else { return nil }
        let facts = d.paths.map { path in
            let a = FactAddress(steps: path.map { .field($0) })
            return (address: a, fixed: a.remedyRule(in: policy) == .fixed)
        }
        return Settling(facts: facts, dated: d.readsDate || rule.from != nil || rule.until != nil)
    }

    private static func reads(of rule: Rule, _ policy: Policy) -> RuleReads {
        var walker = Walker(policy: policy)
        for e in expressions(of: rule) { walker.walk(e) }
        return RuleReads(open: walker.open, fixed: walker.fixed)
    }

    /// What a rule's finding depends on: every fact path its `for`, `let`s, condition, needs and
    /// cap read, through the definitions they use (an aggregation's body and filter too; the
    /// fields of a list's elements are read through the list, whose path stands for them all),
    /// and whether it reads the evaluation date or a parameter whose value depends on it.
    private static func dependencies(of rule: Rule, _ policy: Policy) -> (paths: [[Int]], readsDate: Bool) {
        var paths: Set<[Int]> = []
        var readsDate = false
        var visited: Set<Int> = []
        func walk(_ e: CheckedExpr) {
            switch e.kind {
            case .fact(let path, _): paths.insert(path)
            case .asOf: readsDate = true
            case .parameter(let i): if policy.parameters[i].values.count > 1 { readsDate = true }
            case .definition(let i):
                guard visited.insert(i).inserted else { return }
                walk(policy.definitions[i].expr)
            default: e.operands.forEach(walk)
            }
        }
        expressions(of: rule).forEach(walk)
        return (paths.sorted { $0.lexicographicallyPrecedes($1) }, readsDate)
    }

    /// What a rule's finding is worked out from, in the order the search reads it.
    private static func expressions(of rule: Rule) -> [CheckedExpr] {
        (rule.applies.map { [$0] } ?? []) + rule.lets.map(\.expr) + [rule.main] + rule.needs + (rule.cap.map { [$0] } ?? [])
    }

    /// Follows what `RemedyCandidates` could look at, erring towards `open`.
    private struct Walker {
        let policy: Policy
        var open = false
        var fixed: [FactAddress] = []
        var seenFacts: Set<FactAddress> = []
        var visitedDefinitions: Set<Int> = []

        init(policy: Policy) { self.policy = policy }

        mutating func walk(_ e: CheckedExpr) {
            if open { return }
            switch e.kind {
            case .fact(let path, _):
                let a = FactAddress(steps: path.map { .field($0) })
                if a.remedyRule(in: policy) != .fixed { open = true; return }
                if seenFacts.insert(a).inserted { fixed.append(a) }
            case .definition(let i):
                guard visitedDefinitions.insert(i).inserted else { return }
                walk(policy.definitions[i].expr)
            case .aggregate(_, _, _, _, let source, _):
                walk(source)
                // The search walks the elements of a list only when a remedy may change it; the
                // elements of anything else (a fixed list, a computed one) it never looks at.
                switch source.kind {
                case .fact: break  // fixed, or `open` already
                case .member: open = true
                default: break
                }
            default:
                // A field of a list element is only proposed for while the search walks that
                // list's elements, which it does only for a list a remedy may change (`open`).
                for x in e.operands { walk(x) }
            }
        }
    }

    /// Worked out on first use and kept with the compiled policy: a run without remedies never pays for it.
    final class Memo: @unchecked Sendable {
        private let lock = NSLock()
        private var reads: RemedyReads?

        init() {}

        func reads(for policy: Policy) -> RemedyReads {
            lock.lock()
            defer { lock.unlock() }
            if let reads { return reads }
            let r = RemedyReads(policy)
            reads = r
            return r
        }
    }
}
