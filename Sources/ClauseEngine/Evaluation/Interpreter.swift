import ClauseLanguage

/// Decides one case under one policy: evaluates every rule (never stopping at the first
/// refusal), then combines what they found into an outcome.
///
/// The combination is the language's semantics, the same for every package and written once
/// (`Decision.Outcome.combining`); a refusal cites every refusing rule's clauses.
public enum Interpreter {
    /// - Parameter english: whether rules are worded in English too (beside the Chinese, which
    ///   every reader falls back on); a caller that shows only Chinese leaves it off.
    public static func decide(_ c: CaseFile, policy: Policy, asOf override: CivilDate? = nil, tracing: Bool = true, english: Bool = true)
        -> Result<Decision, EvaluationFailure>
    {
        decide(c, policy: policy, asOf: override, tracing: tracing, english: english, compiled: nil)
    }

    /// Traced, under a compiled policy: the parameters' values on the case's date are those the
    /// compiled policy worked out once, where each case copied every parameter to choose them
    /// again (a dozen retains of texts both cores share, for each parameter).
    package static func decideTraced(_ c: CaseFile, compiled: CompiledPolicy, asOf override: CivilDate?, english: Bool)
        -> Result<Decision, EvaluationFailure>
    {
        decide(c, policy: compiled.policy, asOf: override, tracing: true, english: english, compiled: compiled)
    }

    /// `compiled`, when given, is `policy` compiled: its parameters' values by date are read from it.
    private static func decide(_ c: CaseFile, policy: Policy, asOf override: CivilDate?, tracing: Bool, english: Bool,
                               compiled: CompiledPolicy?) -> Result<Decision, EvaluationFailure>
    {
        guard let asOf = policy.evaluationDate(of: c.facts, asOf: override) else {
            return .failure(EvaluationFailure(message: "the case gives no 'applied_on' date and no --as-of was given"))
        }
        var ev = compiled.map { Evaluator(policy: policy, facts: c.facts, asOf: asOf, parameterValues: $0.datedParameters(on: asOf), tracing: tracing) }
            ?? Evaluator(policy: policy, facts: c.facts, asOf: asOf, tracing: tracing)
        let text = MessageRenderer(policy: policy)
        var traces: [RuleTrace] = []
        /// Where in `traces` the rules that refused, wait for facts, send to review and award lie.
        var refusing: [Int] = [], pending: [Int] = [], reviewing: [Int] = [], awarding: [Int] = []
        var consequences = Decision.Consequences()
        var missingFacts: Set<String> = []

        /// Everything a rule's trace holds once the rule is evaluated, filled where the trace lies.
        func fill(_ rt: inout RuleTrace, _ rule: UnsafePointer<Rule>, _ steps: inout [TraceNode]?,
                  sharedApplies: Evaluator.Outcome?) -> EvaluationFailure? {
            let finding: Finding
            switch evaluate(rule, &ev, &steps, &rt, sharedApplies: sharedApplies) {
            case .success(let f): finding = f
            case .failure(let f): return f
            }
            if !Rule.inForce(from: rule.pointee.from, until: rule.pointee.until, on: asOf) {
                // Shown in the justification as not in force, with whether it would have decided.
                if case .fired = finding { rt.wouldFire = true } else { rt.wouldFire = false }
                rt.status = .notInForce
                (rt.endedBy, rt.startsOn) = Rule.outOfForce(from: rule.pointee.from, until: rule.pointee.until, endedBy: rule.pointee.endedBy, on: asOf)
                rt.steps = steps ?? []
                return nil
            }
            switch finding {
            case .notApplicable: rt.status = .notApplicable
            case .passed: rt.status = .passed
            case .pending(let m):
                rt.status = .pending
                rt.missing = m.sorted()
                missingFacts.formUnion(m)
            case .fired:
                rt.status = .fired
                if Rule.refuses(rule.pointee.kind, amount: rt.amount, mayBeZero: rule.pointee.mayBeZero) {
                    if let cb = rule.pointee.clawback {
                        switch ev.eval(cb, &steps, role: .clawback) {
                        case .value(.money(let m)): consequences.clawback = consequences.clawback.adding(m) ?? consequences.clawback
                        case .missing(let m): missingFacts.formUnion(m)
                        case .failed(let f): return EvaluationFailure(f, rule: rule.pointee.id)
                        default: break
                        }
                    }
                    if let b = rule.pointee.banUntil {
                        switch ev.eval(b, &steps, role: .banUntil) {
                        case .value(.date(let d)): consequences.blacklistedUntil = max(consequences.blacklistedUntil ?? d, d)
                        case .missing(let m): missingFacts.formUnion(m)
                        case .failed(let f): return EvaluationFailure(f, rule: rule.pointee.id)
                        default: break
                        }
                    }
                }
            }
            rt.steps = steps ?? []
            // A message says what a rule found against (or for) the case; a rule that passed has none.
            if rt.status == .fired {
                // An award of nothing refuses: its words describe the award, so say so first.
                let nothing = Rule.awardsNothing(rule.pointee.kind, rt.amount)
                rt.message = RuleWords.fired(nothing: nothing, lang: .zh) + text.render(rule.pointee.say, &ev, lang: .zh)
                if english { rt.messageEn = rule.pointee.sayEn.map { RuleWords.fired(nothing: nothing, lang: .en) + text.render($0, &ev, lang: .en) } }
                rt.fix = rule.pointee.fix.map { text.render($0, &ev, lang: .zh) }
                if english { rt.fixEn = rule.pointee.fixEn.map { text.render($0, &ev, lang: .en) } }
                // The branch that applied adds its clauses; an unknown condition adds none, and so
                // does one that cannot be computed (the compiled policy reads them alike).
                for c in rule.pointee.citeWhen {
                    if case .value(.bool(true)) = ev.eval(c.when, &steps, role: .cite) {
                        rt.clauses += c.clauses.filter { !rt.clauses.contains($0) }
                    }
                }
                if !rule.pointee.citeWhen.isEmpty { rt.steps = steps ?? [] }
            } else if rt.status == .pending {
                rt.message = RuleWords.pending(rt.missing, policy, lang: .zh)
                if english { rt.messageEn = RuleWords.pending(rt.missing, policy, lang: .en) }
            }
            return nil
        }

        // Each rule is read where it lies in the policy: taking it out of the array copies the
        // whole rule (its texts, expressions and templates), once a rule a case.
        // A rule whose `for` an earlier rule shares takes that rule's step (see `Policy.sharedFor`).
        let sharedFor = policy.sharedFor
        traces.reserveCapacity(policy.rules.count)
        let failure: EvaluationFailure? = policy.rules.withUnsafeBufferPointer { rules in
            for k in rules.indices {
                let rule = rules.baseAddress! + k
                var steps: [TraceNode]? = tracing ? [] : nil
                // The earlier rule's step goes in as this rule's own, copied once from where it lies.
                var sharedApplies: Evaluator.Outcome?
                var appliesAsIn: Int?
                if tracing, k < sharedFor.count, let j = sharedFor[k] {
                    appliesAsIn = j
                    traces[j].steps.withUnsafeBufferPointer { earlier in
                        steps?.append(earlier[0])
                        sharedApplies = Interpreter.outcome(of: earlier[0].result)
                    }
                }
                // The trace is made where it stays (rule k's at `traces[k]`) and filled there: made
                // aside and appended, each rule's trace was copied and the copy released, a score
                // of atomic retains and releases a rule, on texts both cores share.
                traces.append(RuleTrace(rule: rule.pointee.id, kind: rule.pointee.kind, clauses: rule.pointee.clauses, status: .passed,
                                        part: rule.pointee.part, mayBeZero: rule.pointee.mayBeZero, steps: [], appliesAsIn: appliesAsIn))
                if let f = fill(&traces[k], rule, &steps, sharedApplies: sharedApplies) { return f }
                switch traces[k].status {
                case .fired where Rule.refuses(rule.pointee.kind, amount: traces[k].amount, mayBeZero: rule.pointee.mayBeZero): refusing.append(k)
                case .fired where rule.pointee.kind == .reviewWhen: reviewing.append(k)
                case .fired: awarding.append(k)
                case .pending: pending.append(k)
                default: break
                }
            }
            return nil
        }
        if let failure { return .failure(failure) }

        var reasons: [Decision.Reason] = []
        var amount = Money.zero
        func reasonsOf(_ list: [Int], _ effect: Decision.Reason.Effect) -> [Decision.Reason] {
            list.flatMap { k in
                let rt = traces[k]
                return rt.clauses.map { id in
                    Decision.Reason(clause: id, cite: policy.cite(id) ?? id, rule: rt.rule, effect: effect,
                                    message: rt.message ?? "", messageEn: rt.messageEn)
                }
            }
        }
        let (outcome, nothingToPay) = Decision.Outcome.combining(
            refusing: !refusing.isEmpty, pending: !pending.isEmpty, reviewing: !reviewing.isEmpty, awarding: !awarding.isEmpty,
            awardsAllNothing: awarding.allSatisfy { (traces[$0].amount?.fen ?? 0) <= 0 })
        switch outcome {
        case .refused: reasons = nothingToPay ? reasonsOf(awarding, .refuse) : reasonsOf(refusing, .refuse)
        case .incomplete: reasons = reasonsOf(pending, .needs)
        case .review: reasons = reasonsOf(reviewing, .review)
        case .granted:
            for a in awarding {
                amount = Decision.Outcome.granted(amount, adding: traces[a].amount)
                reasons += reasonsOf([a], .award)
                if traces[a].capped { reasons += reasonsOf([a], .cap) }
            }
        }
        if outcome != .refused { consequences = Decision.Consequences() }
        let missing = (outcome == .incomplete ? missingFacts : [])
            .map { Decision.MissingFact(fact: $0, label: label(of: $0, policy) ?? $0) }.sorted()
        let definitions = ev.definitionTraces.sorted { $0.key < $1.key }.map { i, node in
            DefinitionTrace(name: policy.definitions[i].name, label: policy.definitions[i].label, clause: policy.definitions[i].clause,
                            clauses: policy.definitions[i].clauses, node: node)
        }
        let item = policy.item(of: c.facts)
        return .success(Decision(
            caseID: c.id, casePath: c.path, policyID: policy.id, policyTitle: policy.title, policyVersion: policy.version,
            policyDigest: policy.digest, item: item, asOf: asOf, outcome: outcome, amount: outcome == .granted ? amount : .zero,
            reasons: reasons, consequences: consequences, missing: missing, rules: traces, definitions: definitions,
            packages: policy.packages(on: asOf)))
    }

    /// What one rule found, before the outcomes are combined.
    enum Finding {
        case notApplicable, passed, fired
        case pending(Set<String>)
    }

    /// Evaluates one rule. Its `for` and `let`s first; a rule whose `for` is unknown still counts
    /// when it would pass anyway, and is pending when it would fire.
    /// `sharedApplies` is what the `for` found when an earlier rule's step stands for it (already in `steps`).
    private static func evaluate(_ rule: UnsafePointer<Rule>, _ ev: inout Evaluator, _ steps: inout [TraceNode]?, _ rt: inout RuleTrace,
                                 sharedApplies: Evaluator.Outcome?) -> Result<Finding, EvaluationFailure>
    {
        func fail(_ f: EvaluationFault) -> Result<Finding, EvaluationFailure> { .failure(EvaluationFailure(f, rule: rule.pointee.id)) }
        ev.prepareLocals(rule.pointee.slotCount)
        var missing: Set<String> = []
        if let a = rule.pointee.applies {
            switch sharedApplies ?? ev.eval(a, &steps, role: .applies) {
            case .value(.bool(false)): return .success(.notApplicable)
            case .missing(let m): missing = m
            case .failed(let f): return fail(f)
            default: break
            }
        }
        let appliesUnknown = !missing.isEmpty
        var letMissing: Set<String> = []
        for l in rule.pointee.lets {
            switch ev.eval(l.expr, &steps, role: .binding(l.name)) {
            case .value(let v): ev.setLocal(l.slot, v)
            case .missing(let m): letMissing.formUnion(m)
            case .failed(let f): return fail(f)
            }
        }
        if !letMissing.isEmpty { return .success(.pending(missing.union(letMissing))) }

        var fires = false
        switch rule.pointee.kind {
        case .refuseWhen, .require, .reviewWhen:
            switch ev.eval(rule.pointee.main, &steps, role: .main(rule.pointee.kind)) {
            case .value(.bool(let b)): fires = rule.pointee.kind == .require ? !b : b
            case .missing(let m): return .success(.pending(missing.union(m)))
            case .failed(let f): return fail(f)
            default: break
            }
        case .needs:
            var needed: Set<String> = []
            for n in rule.pointee.needs {
                switch ev.eval(n, &steps, role: .main(.needs)) {
                case .missing(let m): needed.formUnion(m)
                case .failed(let f): return fail(f)
                case .value: break
                }
            }
            if !needed.isEmpty { return .success(.pending(missing.union(needed))) }
        case .award:
            let amount = ev.eval(rule.pointee.main, &steps, role: .main(.award))
            let cap = rule.pointee.cap.map { ev.eval($0, &steps, role: .cap) }
            if case .failed(let f) = amount { return fail(f) }
            if case .failed(let f)? = cap { return fail(f) }
            switch (amount, cap) {
            case (.value(.money(let m)), .value(.money(let limit))?):
                rt.amount = min(m, limit)
                if limit < m { rt.capped = true; rt.uncapped = m }
            case (.value(.money(let m)), .missing(let c)?):
                // Nothing to pay stays nothing, whatever the cap turns out to be.
                guard m.fen <= 0 else { return .success(.pending(missing.union(c))) }
                rt.amount = m
            case (.value(.money(let m)), nil):
                rt.amount = m
            case (.missing(let a), .value(.money(let limit))?) where limit.fen <= 0:
                _ = a
                rt.amount = limit
                rt.capped = true
            case (.missing(let a), .missing(let c)?): return .success(.pending(missing.union(a).union(c)))
            case (.missing(let a), _): return .success(.pending(missing.union(a)))
            default: return fail(.brokenInvariant("award is not an amount"))
            }
            fires = true
        }
        if appliesUnknown { return .success(fires ? .pending(missing) : .passed) }
        return .success(fires ? .fired : .passed)
    }

    /// What a step found, as the evaluator said it. A step kept in a decision never failed: a
    /// failure ends the decision.
    private static func outcome(of result: TraceNode.Result) -> Evaluator.Outcome {
        switch result {
        case .value(let v): .value(v)
        case .missing(let m): .missing(Set(m))
        }
    }

    /// The Chinese label of a dotted fact path, list indices and all (`project.expenses[2].paid_on`).
    static func label(of path: String, _ policy: Policy) -> String? {
        labels(along: path, policy, english: false)
    }

    /// The labels of the fields along a dotted path (`project.expenses[2].paid_on`) joined, as
    /// `policy.fields(along:)` finds them, read in place: copying each `Field` out retained a
    /// dozen strings for the one label wanted. `english` takes each English label, else the
    /// Chinese one. nil when the path names no field.
    static func labels(along path: String, _ policy: Policy, english: Bool) -> String? {
        var record = 0
        var out = ""
        var any = false
        for part in path.split(separator: ".") {
            let name = part.split(separator: "[").first.map(String.init) ?? String(part)
            guard let i = policy.records[record].index[name] else { break }
            if any { out += " · " }
            any = true
            out += english ? (policy.records[record].fields[i].labelEn ?? policy.records[record].fields[i].label) : policy.records[record].fields[i].label
            switch policy.records[record].fields[i].type.unwrapped {
            case .record(let r), .list(.record(let r)), .list(.optional(.record(let r))): record = r
            default: break
            }
        }
        return any ? out : nil
    }
}

extension Rule {
    /// Whether this rule, having fired, refuses the case (an award of nothing refuses).
    func refuses(amount: Money?) -> Bool { Rule.refuses(kind, amount: amount, mayBeZero: mayBeZero) }

    /// An award that came to nothing: it refuses, and its words say so first.
    func awardsNothing(_ amount: Money?) -> Bool { Rule.awardsNothing(kind, amount) }

    /// For a rule not in force on `date`: the amendment that ended it, or the date it starts.
    func outOfForce(on date: CivilDate) -> (endedBy: String?, startsOn: CivilDate?) {
        Rule.outOfForce(from: from, until: until, endedBy: endedBy, on: date)
    }

    // Static forms, for compiled rules: they keep these fields, not the whole rule, since
    // reading a large struct out of a class copies every string in it.

    static func refuses(_ kind: Kind, amount: Money?, mayBeZero: Bool = false) -> Bool {
        switch kind {
        case .refuseWhen, .require: true
        case .award: !mayBeZero && awardsNothing(kind, amount)
        default: false
        }
    }

    static func awardsNothing(_ kind: Kind, _ amount: Money?) -> Bool { kind == .award && (amount?.fen ?? 1) <= 0 }

    static func outOfForce(from: CivilDate?, until: CivilDate?, endedBy: String?, on date: CivilDate)
        -> (endedBy: String?, startsOn: CivilDate?)
    {
        (until.flatMap { $0 <= date ? endedBy : nil }, from.flatMap { $0 > date ? $0 : nil })
    }
}

extension Evaluator.Outcome {
    var isValue: Bool {
        if case .value = self { return true }
        return false
    }
}

/// Words the interpreters put on a rule's part, the same for the tracing and the compiled one.
enum RuleWords {
    /// Before the words of an award of nothing, which refuses: they describe the award.
    static func fired(nothing: Bool, lang: Lang) -> String {
        guard nothing else { return "" }
        return lang == .zh ? "无可支持金额：" : "nothing to pay: "
    }

    /// A pending rule's own words would need the missing values: say what is missing instead.
    static func pending(_ missing: [String], _ policy: Policy, lang: Lang) -> String {
        guard lang == .en else {
            return "缺少" + missing.map { "\(Interpreter.label(of: $0, policy) ?? $0)（\($0)）" }.joined(separator: "、") + "，无法判断"
        }
        // The English names the facts by their English labels too, never by the path alone.
        let facts = missing.map { path in
            Interpreter.labels(along: path, policy, english: true).map { "\($0) (\(path))" } ?? path
        }
        return "cannot decide without " + facts.joined(separator: ", ")
    }
}
