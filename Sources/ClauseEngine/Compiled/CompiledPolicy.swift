import ClauseLanguage

/// A policy compiled once into closures over slots: the fast path for decisions without a trace
/// (batch `evaluate` in text or `--no-trace` JSON, `diff`).
///
/// It decides exactly what `Interpreter.decide(tracing: false)` decides, and gives the same
/// `Decision`, missing facts named alike. It does not explain failures: when any evaluation
/// fails (an amount overflows), `decide` returns nil and the caller asks the tracing
/// interpreter, whose answer is then the answer (`Interpreter.decide(_:compiled:asOf:)`).
public final class CompiledPolicy: Sendable {
    package let policy: Policy
    let rules: [CompiledRule]
    let definitionCode: [Code]
    let localCount: Int
    /// Parameter values by date segment: `vectors[0]` before the first dated value, then
    /// `vectors[k + 1]` from `starts[k]` on. Chosen per case by a search, never recomputed.
    let starts: [CivilDate]
    let vectors: [[Value]]
    /// The same segments with each value's date, clause and source, as the tracing evaluator
    /// reads parameters (the remedy search makes one for every case it searches).
    let datedVectors: [[Parameter.DatedValue]]
    let zh: ValueText
    let en: ValueText
    let itemSlot: Int?
    let appliedOnSlot: Int?
    /// What the remedy search may skip of each rule, worked out when first searched.
    let remedyReads = RemedyReads.Memo()

    public init(_ policy: Policy) {
        self.policy = policy
        // Each rule and each definition has a range of locals of its own, so a rule's `let`s still
        // hold when its message is written after every rule has run.
        var next = 0
        var compiledRules: [CompiledRule] = []
        for r in policy.rules {
            compiledRules.append(CompiledRule(r, ExpressionCompiler(policy: policy, localBase: next)))
            next += r.slotCount
        }
        rules = compiledRules
        var code: [Code] = []
        for d in policy.definitions {
            code.append(ExpressionCompiler(policy: policy, localBase: next).compile(d.expr))
            next += d.slotCount
        }
        definitionCode = code
        localCount = next

        let dated = Set(policy.parameters.flatMap { $0.values.compactMap(\.from) }).sorted()
        func vector(_ holds: (CivilDate?) -> Bool) -> [Parameter.DatedValue] {
            policy.parameters.map { p in
                var chosen = p.values[0]
                for v in p.values.dropFirst() where holds(v.from) { chosen = v }
                return chosen
            }
        }
        starts = dated
        datedVectors = [vector { $0 == nil }] + dated.map { start in vector { $0.map { $0 <= start } ?? true } }
        vectors = datedVectors.map { $0.map(\.value) }
        zh = ValueText(policy: policy, lang: .zh)
        en = ValueText(policy: policy, lang: .en)
        itemSlot = policy.itemSlot
        appliedOnSlot = policy.applicationDateSlot
    }

    package func parameters(on date: CivilDate) -> [Value] {
        vectors[segment(of: date)]
    }

    /// `parameters(on:)` with each value's date, clause and source.
    func datedParameters(on date: CivilDate) -> [Parameter.DatedValue] {
        datedVectors[segment(of: date)]
    }

    private func segment(of date: CivilDate) -> Int {
        var k = 0
        while k < starts.count, starts[k] <= date { k += 1 }
        return k
    }

    /// What the rules found for one case, before any words are written: the outcome, the amount
    /// and each rule's finding. `decision(_:_:)` turns it into a `Decision`; the benchmarks'
    /// comparison with hand-written Swift measures this step alone.
    public struct Verdict {
        package var outcome: Decision.Outcome
        package var amount: Money
        package var consequences: Decision.Consequences
        /// The facts an incomplete case waits for.
        package var missing: Set<String>
        let asOf: CivilDate
        let frame: Frame
        var runs: [CompiledRule.Run]
        /// What each pending rule waits for, by rule index.
        var waits: [Int: Set<String>]
    }

    /// The verdict, or nil when the tracing interpreter must decide (an evaluation failed).
    public func verdict(_ c: CaseFile, asOf override: CivilDate?) -> Verdict? {
        verdict(c.facts, asOf: override, reusing: nil)
    }

    /// The verdict over `facts`, which differ from those `base` was found over only where the
    /// rules `rerun` marks read: the others keep their findings from `base` (a rule's finding
    /// depends on nothing but the facts it reads, the parameters and the date). The remedy
    /// search decides each changed case so; most changes touch a fact two or three rules read.
    /// A change that moves the evaluation date runs `rerun.onAnotherDate` again, and asks every
    /// rule whether it is in force on the new date.
    ///
    /// It takes the changed facts alone: a verdict reads nothing else of a case, and the search
    /// copied the whole case for each change it tried.
    func verdict(_ facts: [Value?], asOf override: CivilDate?, from base: Verdict, rerun: RemedyReads.Rerun) -> Verdict? {
        verdict(facts, asOf: override, reusing: (base, rerun))
    }

    private func verdict(_ facts: [Value?], asOf override: CivilDate?, reusing: (base: Verdict, rerun: RemedyReads.Rerun)?) -> Verdict? {
        guard let asOf = Policy.evaluationDate(of: facts, applicationDateSlot: appliedOnSlot, asOf: override) else { return nil }
        // The findings kept, and which rules run again; held apart, so the loop below copies
        // neither the base verdict nor its arrays.
        var keptRuns: [CompiledRule.Run] = [], keptWaits: [Int: Set<String>] = [:], rerun: [Bool] = []
        var sameDate = true
        if let reusing, reusing.rerun.onSameDate.count == rules.count, reusing.rerun.onAnotherDate.count == rules.count {
            sameDate = reusing.base.asOf == asOf
            keptRuns = reusing.base.runs
            keptWaits = reusing.base.waits
            rerun = sameDate ? reusing.rerun.onSameDate : reusing.rerun.onAnotherDate
        }
        let reusesFindings = !rerun.isEmpty
        let frame = Frame(facts: facts, params: parameters(on: asOf), asOf: asOf, localCount: localCount, definitionCode: definitionCode)
        var runs: [CompiledRule.Run] = []
        runs.reserveCapacity(rules.count)
        var consequences = Decision.Consequences()
        var refusing = false, reviewing = false, awarding = false, awardsAllNothing = true
        var pending: Set<String> = [], anyPending = false
        var amount = Money.zero
        var waits: [Int: Set<String>] = [:]
        // What the rule at hand waits for: one set emptied between rules (most wait for nothing),
        // rather than a set made and freed for each.
        var waiting: Set<String> = []
        for k in rules.indices {
            // Not retained: `rules` holds every rule as long as the policy lives, and a retain and
            // release of each rule for each verdict (the remedy search makes thousands) were a
            // tenth of the verdict's instructions, on memory both cores write.
            unowned(unsafe) let rule = rules[k]
            // Called through a reference the call borrows: called on `rule`, each call still
            // retained and released it around itself.
            let borrowed = Unmanaged.passUnretained(rule)
            if !waiting.isEmpty { waiting = [] }
            var run: CompiledRule.Run
            if reusesFindings && !rerun[k] {
                // As the rule found it, before what follows below marked it; what it waits for
                // is looked up only when it waits.
                run = keptRuns[k]
                run.inForce = true
                run.effect = .none
                if run.finding == .pending { waiting = keptWaits[k] ?? [] }
            } else {
                run = borrowed._withUnsafeGuaranteedRef { $0.run(frame, waits: &waiting) }
            }
            // On the same date a rule is in force as it was for the findings kept.
            let inForce = reusesFindings && sameDate ? keptRuns[k].inForce : borrowed._withUnsafeGuaranteedRef { $0.inForce(on: asOf) }
            if !inForce {
                if run.finding == .failed { return nil }
                run.inForce = false
                runs.append(run)
                continue
            }
            switch run.finding {
            case .failed: return nil
            case .pending:
                run.effect = .needs
                anyPending = true
                pending.formUnion(waiting)
                waits[k] = waiting
            case .notApplicable, .passed: break
            case .fired:
                if Rule.refuses(rule.kind, amount: run.amount, mayBeZero: rule.mayBeZero) {
                    run.effect = .refuse
                    refusing = true
                    if let cb = rule.clawback {
                        switch cb(frame) {
                        case .value(.money(let m)): consequences.clawback = consequences.clawback.adding(m) ?? consequences.clawback
                        case .failed: return nil
                        default: break
                        }
                    }
                    if let b = rule.banUntil {
                        switch b(frame) {
                        case .value(.date(let d)): consequences.blacklistedUntil = max(consequences.blacklistedUntil ?? d, d)
                        case .failed: return nil
                        default: break
                        }
                    }
                } else if rule.kind == .reviewWhen {
                    run.effect = .review
                    reviewing = true
                } else {
                    run.effect = .award
                    awarding = true
                    if (run.amount?.fen ?? 0) > 0 { awardsAllNothing = false }
                    amount = Decision.Outcome.granted(amount, adding: run.amount)
                }
            }
            runs.append(run)
        }
        let (outcome, nothingToPay) = Decision.Outcome.combining(refusing: refusing, pending: anyPending, reviewing: reviewing,
                                                                 awarding: awarding, awardsAllNothing: awardsAllNothing)
        // Nothing to pay refuses under the award parts' own clauses.
        if nothingToPay { for k in runs.indices where runs[k].effect == .award { runs[k].effect = .refuse } }
        if outcome != .refused { consequences = Decision.Consequences() }
        return Verdict(outcome: outcome, amount: outcome == .granted ? amount : .zero, consequences: consequences,
                       missing: outcome == .incomplete ? pending : [], asOf: asOf, frame: frame, runs: runs, waits: waits)
    }

    /// The decision, or nil when the tracing interpreter must decide (an evaluation failed).
    public func decide(_ c: CaseFile, asOf: CivilDate?) -> Decision? {
        verdict(c, asOf: asOf).map { decision($0, c) }
    }

    /// Which rules' words a decision writes.
    public enum Words: Sendable, Equatable {
        /// Every rule's message and fix in both languages: what the trace, the record, the memo
        /// and the notice read.
        case all
        /// Only the rules that become the decision's reasons, worded in one language (for
        /// English, the Chinese too, which stands in where a package gives no English): all an
        /// untraced decision line shows. The decision's `rules` then hold those rules alone.
        /// Writing and releasing the others was most of the cost of wording a case.
        case reasons(Lang)
        /// Every rule's, worded in one language (for English, the Chinese too): all a traced
        /// decision line shows.
        case every(Lang)

        /// Whether rules are worded in English as well as in Chinese.
        package var english: Bool {
            switch self {
            case .all: true
            case .reasons(let lang), .every(let lang): lang == .en
            }
        }

        /// Whether every rule is worded, not only the reasons'.
        var everyRule: Bool {
            if case .reasons = self { false } else { true }
        }
    }

    /// The verdict in words: every rule's part, messages for the rules that fired (each rule has
    /// its own local slots, so its `let`s still hold), and the reasons.
    func decision(_ v: Verdict, _ c: CaseFile, words: Words = .all) -> Decision {
        let asOf = v.asOf, frame = v.frame
        let reasonEffect: CompiledRule.Effect = switch v.outcome {
        case .refused: .refuse
        case .review: .review
        case .granted: .award
        case .incomplete: .needs
        }
        let english = words.english
        // The rules worded, in order, and where each rule's trace lies among them (-1 for a rule a
        // lean decision leaves out): gathering them from a list of optionals copied every trace.
        var traces: [RuleTrace] = []
        traces.reserveCapacity(rules.count)
        var traceOf = [Int](repeating: -1, count: rules.count)
        for (k, (rule, run)) in zip(rules, v.runs).enumerated() {
            let worded = words.everyRule || (run.inForce && run.effect == reasonEffect)
            guard worded else { continue }
            traceOf[k] = traces.count
            // Each trace is built whole, in place: a RuleTrace is large, and copying one retains
            // every string in it.
            let status: RuleTrace.Status
            var message: String?, messageEn: String?, fix: String?, fixEn: String?
            var clauses = rule.clauses
            var missing: [String] = []
            if !run.inForce {
                status = .notInForce
            } else if run.finding == .pending {
                status = .pending
                missing = (v.waits[k] ?? []).sorted()
                message = RuleWords.pending(missing, policy, lang: .zh)
                if english { messageEn = RuleWords.pending(missing, policy, lang: .en) }
            } else if run.finding == .fired {
                status = .fired
                let nothing = Rule.awardsNothing(rule.kind, run.amount)
                message = RuleWords.fired(nothing: nothing, lang: .zh) + rule.say.render(frame, zh)
                fix = rule.fix?.render(frame, zh)
                if english {
                    messageEn = rule.sayEn.map { RuleWords.fired(nothing: nothing, lang: .en) + $0.render(frame, en) }
                    fixEn = rule.fixEn?.render(frame, en)
                }
                // As the interpreter: the branch that applied adds its clauses.
                for c in rule.cites {
                    if case .value(.bool(true)) = c.when(frame) { clauses += c.clauses.filter { !clauses.contains($0) } }
                }
            } else {
                status = run.finding == .notApplicable ? .notApplicable : .passed
            }
            traces.append(RuleTrace(
                rule: rule.id, kind: rule.kind, clauses: clauses, status: status, part: rule.part, mayBeZero: rule.mayBeZero, message: message, messageEn: messageEn,
                fix: fix, fixEn: fixEn, amount: run.amount, uncapped: run.uncapped, capped: run.capped, missing: missing,
                wouldFire: run.inForce ? nil : run.finding == .fired,
                endedBy: run.inForce ? nil : rule.outOfForce(on: asOf).endedBy,
                startsOn: run.inForce ? nil : rule.outOfForce(on: asOf).startsOn, steps: []))
        }
        var reasons: [Decision.Reason] = []
        /// The reasons of every in-force rule with the `wanted` effect (an award's cap after it).
        func add(_ effect: Decision.Reason.Effect, for wanted: CompiledRule.Effect) {
            for k in v.runs.indices where v.runs[k].inForce && v.runs[k].effect == wanted {
                let i = traceOf[k]
                guard i >= 0 else { continue }
                add(effect, traces[i].rule, traces[i].clauses, traces[i].message, traces[i].messageEn)
                if effect == .award && traces[i].capped { add(.cap, traces[i].rule, traces[i].clauses, traces[i].message, traces[i].messageEn) }
            }
        }
        func add(_ effect: Decision.Reason.Effect, _ rule: String, _ clauses: [String], _ message: String?, _ messageEn: String?) {
            for id in clauses {
                reasons.append(Decision.Reason(clause: id, cite: policy.cite(id) ?? id, rule: rule, effect: effect,
                                               message: message ?? "", messageEn: messageEn))
            }
        }
        switch v.outcome {
        case .refused: add(.refuse, for: .refuse)
        case .review: add(.review, for: .review)
        case .granted: add(.award, for: .award)
        case .incomplete: add(.needs, for: .needs)
        }
        var item: String?
        if let i = itemSlot, case .enumCase(let t, let k)? = c.facts[i] { item = policy.enums[t].cases[k].name }
        return Decision(
            caseID: c.id, casePath: c.path, policyID: policy.id, policyTitle: policy.title, policyVersion: policy.version,
            policyDigest: policy.digest, item: item, asOf: asOf, outcome: v.outcome, amount: v.amount,
            reasons: reasons, consequences: v.consequences,
            missing: v.missing.map { Decision.MissingFact(fact: $0, label: Interpreter.label(of: $0, policy) ?? $0) }.sorted(),
            rules: traces, definitions: [],
            packages: policy.packages(on: asOf))
    }
}

/// One rule, compiled: the parts `Interpreter.evaluate` reads, as code.
final class CompiledRule: Sendable {
    enum Finding: Equatable { case notApplicable, passed, fired, pending, failed }
    /// What an in-force rule that fired (or waits for facts) does to the outcome.
    enum Effect { case none, refuse, review, award, needs }
    struct Run {
        var finding: Finding
        var amount: Money?
        var capped = false
        var uncapped: Money?
        var inForce = true
        var effect = Effect.none
    }

    // The rule's own fields, kept here rather than the whole `Rule` (reading a large struct out
    // of a class copies it; that more than doubled the verdict's time).
    let id: String
    let kind: Rule.Kind
    let clauses: [String]
    let from: CivilDate?
    let until: CivilDate?
    let endedBy: String?
    let applies: Code?
    let lets: [(slot: Int, code: Code)]
    let main: Code
    let needs: [Code]
    let cap: Code?
    let clawback: Code?
    let banUntil: Code?
    let say: CompiledTemplate
    let sayEn: CompiledTemplate?
    let fix: CompiledTemplate?
    let fixEn: CompiledTemplate?
    let part: String?
    let mayBeZero: Bool
    let cites: [(when: Code, clauses: [String])]

    init(_ rule: Rule, _ compiler: ExpressionCompiler) {
        part = rule.part
        mayBeZero = rule.mayBeZero
        cites = rule.citeWhen.map { (compiler.compile($0.when), $0.clauses) }
        id = rule.id
        kind = rule.kind
        clauses = rule.clauses
        from = rule.from
        until = rule.until
        endedBy = rule.endedBy
        applies = rule.applies.map(compiler.compile)
        lets = rule.lets.map { (compiler.localBase + $0.slot, compiler.compile($0.expr)) }
        main = compiler.compile(rule.main)
        needs = rule.needs.map(compiler.compile)
        cap = rule.cap.map(compiler.compile)
        clawback = rule.clawback.map(compiler.compile)
        banUntil = rule.banUntil.map(compiler.compile)
        say = CompiledTemplate(rule.say, compiler)
        sayEn = rule.sayEn.map { CompiledTemplate($0, compiler) }
        fix = rule.fix.map { CompiledTemplate($0, compiler) }
        fixEn = rule.fixEn.map { CompiledTemplate($0, compiler) }
    }

    func inForce(on date: CivilDate) -> Bool { Rule.inForce(from: from, until: until, on: date) }

    func outOfForce(on date: CivilDate) -> (endedBy: String?, startsOn: CivilDate?) {
        Rule.outOfForce(from: from, until: until, endedBy: endedBy, on: date)
    }

    /// `Interpreter.evaluate`, compiled: the `for` and `let`s first; a rule whose `for` is unknown
    /// still counts when it would pass anyway, and is pending when it would fire.
    /// A pending rule's missing facts go to `waits`, so that a `Run` stays plain data.
    func run(_ f: Frame, waits: inout Set<String>) -> Run {
        func pending(_ m: Set<String>) -> Run {
            waits = m
            return Run(finding: .pending)
        }
        var missing: Set<String> = []
        if let applies {
            switch applies(f) {
            case .value(.bool(false)): return Run(finding: .notApplicable)
            case .missing(let m): missing = m
            case .failed: return Run(finding: .failed)
            default: break
            }
        }
        let appliesUnknown = !missing.isEmpty
        var letMissing: Set<String> = []
        for l in lets {
            switch l.code(f) {
            case .value(let v):
                f.locals[l.slot] = v
            case .missing(let m): letMissing.formUnion(m)
            case .failed: return Run(finding: .failed)
            }
        }
        if !letMissing.isEmpty { return pending(missing.union(letMissing)) }

        var run = Run(finding: .passed)
        var fires = false
        switch kind {
        case .refuseWhen, .require, .reviewWhen:
            switch main(f) {
            case .value(.bool(let b)): fires = kind == .require ? !b : b
            case .missing(let m): return pending(missing.union(m))
            case .failed: return Run(finding: .failed)
            default: break
            }
        case .needs:
            var needed: Set<String> = []
            for n in needs {
                switch n(f) {
                case .missing(let m): needed.formUnion(m)
                case .failed: return Run(finding: .failed)
                case .value: break
                }
            }
            if !needed.isEmpty { return pending(missing.union(needed)) }
        case .award:
            let amount = main(f)
            let limit = cap.map { $0(f) }
            if case .failed = amount { return Run(finding: .failed) }
            if case .failed? = limit { return Run(finding: .failed) }
            switch (amount, limit) {
            case (.value(.money(let m)), .value(.money(let l))?):
                run.amount = min(m, l)
                if l < m { run.capped = true; run.uncapped = m }
            case (.value(.money(let m)), .missing(let c)?):
                // Nothing to pay stays nothing, whatever the cap turns out to be.
                guard m.fen <= 0 else { return pending(missing.union(c)) }
                run.amount = m
            case (.value(.money(let m)), nil):
                run.amount = m
            case (.missing, .value(.money(let l))?) where l.fen <= 0:
                run.amount = l
                run.capped = true
            case (.missing(let a), .missing(let c)?): return pending(missing.union(a).union(c))
            case (.missing(let a), _): return pending(missing.union(a))
            default: return Run(finding: .failed)
            }
            fires = true
        }
        if appliesUnknown {
            // The award's amount stays on the trace, as the interpreter leaves it.
            if fires { run.finding = .pending; waits = missing }
            return run
        }
        run.finding = fires ? .fired : .passed
        return run
    }
}

/// A message template whose holes are compiled code.
struct CompiledTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case value(Code, ValueType)
    }
    let parts: [Part]
    /// Room for the fixed text and a few values: a message grown part by part was reallocated
    /// at almost every part.
    private let capacity: Int

    init(_ t: MessageTemplate, _ compiler: ExpressionCompiler) {
        parts = t.parts.map { part in
            switch part {
            case .text(let s): .text(s)
            case .value(let e): .value(compiler.compile(e), e.type)
            }
        }
        capacity = parts.reduce(0) { n, part in
            switch part {
            case .text(let s): n + s.utf8.count
            case .value: n + 24
            }
        }
    }

    /// As `MessageRenderer.render`: an unknown value reads （未知）, a failed one `?`.
    func render(_ f: Frame, _ text: ValueText) -> String {
        var out = ""
        out.reserveCapacity(capacity)
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .value(let code, let type):
                switch code(f) {
                case .value(let v): out += text.format(v, type)
                case .missing: out += text.lang == .zh ? "（未知）" : "(unknown)"
                case .failed: out += "?"
                }
            }
        }
        return out
    }
}

extension Interpreter {
    /// A decision without a trace: the compiled policy decides, and the tracing interpreter only
    /// when it cannot (a pending rule names its missing facts, a failure its cause).
    public static func decide(_ c: CaseFile, compiled: CompiledPolicy, asOf: CivilDate?) -> Result<Decision, EvaluationFailure> {
        if let d = compiled.decide(c, asOf: asOf) { return .success(d) }
        return decide(c, policy: compiled.policy, asOf: asOf, tracing: false)
    }
}
