import ClauseEngine
import ClauseLanguage

/// Reads and sets the case facts that the ban registry is about.
///
/// The registry speaks in the facts the package declares with the ban roles (`BanFacts`): the
/// one with role `credit_code` (whose ban), `banned_until` (the ban the rules see) and
/// `fraud_found_on` (the day a registered ban starts). A package that declares none simply has
/// no registry: nothing is looked up and nothing is set.
package enum BanRegistry {
    /// The value of a dotted fact path in a case (nil when unknown or not in the schema).
    package static func fact(_ path: String, in c: CaseFile, policy: Policy) -> Value? {
        FactPath.value(path, in: c, policy: policy)
    }

    /// The case's credit code, when the package declares the role and the case gives it.
    package static func creditCode(_ c: CaseFile, policy: Policy) -> String? {
        guard let path = policy.banFacts?.creditCode else { return nil }
        if case .text(let t)? = fact(path, in: c, policy: policy), !t.isEmpty { return t }
        return nil
    }

    /// The last day of the ban the case itself states, if it states one.
    package static func statedBan(_ c: CaseFile, policy: Policy) -> CivilDate? {
        guard let path = policy.banFacts?.bannedUntil, case .date(let d)? = fact(path, in: c, policy: policy) else { return nil }
        return d
    }

    /// Sets the fact with role `banned_until` to the ban's last day, so the rules see it as if
    /// the case had said so. Returns false when the package declares no such fact.
    package static func apply(_ ban: RegistryBan, to c: inout CaseFile, policy: Policy) -> Bool {
        guard let path = policy.banFacts?.bannedUntil else { return false }
        return FactPath.set(path, .date(ban.through), in: &c, policy: policy)
    }

    /// The ban a refused decision registers, if it imposes one: whose, from when, through when,
    /// under which clause (the last the banning rule cites). Nil when the decision bans nobody or
    /// the case has no credit code.
    package static func registration(of d: Decision, case c: CaseFile, policy: Policy) -> (code: String, from: CivilDate, through: CivilDate, clause: String)? {
        guard let through = d.consequences.blacklistedUntil, let code = creditCode(c, policy: policy) else { return nil }
        var from = d.asOf
        if let path = policy.banFacts?.fraudFoundOn, case .date(let f)? = fact(path, in: c, policy: policy) { from = f }
        let banning = d.rules.first { rt in
            rt.status == .fired && policy.rules.first(where: { $0.id == rt.rule })?.banUntil != nil
        }
        // A ban comes only from a rule with `ban_until` that fired; its clauses are the ban's.
        guard let clause = banning?.clauses.last ?? policy.banningRule?.clauses.last else { return nil }
        return (code, from, through, clause)
    }
}
