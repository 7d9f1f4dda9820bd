import ClauseEngine
import ClauseLanguage

/// Reads and sets the case facts that the ban registry is about.
///
/// The registry speaks in two facts of the case schema, by name: `applicant.credit_code` (whose
/// ban) and `applicant.blacklisted_until` (the ban the rules see). A package whose schema lacks
/// them simply has no registry: nothing is looked up and nothing is set.
package enum BanRegistry {
    package static let creditCodeFact = "applicant.credit_code"
    package static let banFact = "applicant.blacklisted_until"
    /// The day false material was found: a ban registered by a decision starts then.
    package static let fraudFoundFact = "fraud_found_on"

    /// The value of a dotted fact path in a case (nil when unknown or not in the schema).
    package static func fact(_ path: String, in c: CaseFile, policy: Policy) -> Value? {
        FactPath.value(path, in: c, policy: policy)
    }

    /// The case's credit code, when the schema has one and the case gives it.
    package static func creditCode(_ c: CaseFile, policy: Policy) -> String? {
        if case .text(let t)? = fact(creditCodeFact, in: c, policy: policy), !t.isEmpty { return t }
        return nil
    }

    /// Sets `applicant.blacklisted_until` to the ban's last day, so the rules see it as if the
    /// case had said so. Returns false when the schema has no such fact.
    package static func apply(_ ban: RegistryBan, to c: inout CaseFile, policy: Policy) -> Bool {
        guard let ai = policy.caseSchema.index["applicant"], ai < c.facts.count,
              case .record(let r) = policy.caseSchema.fields[ai].type.unwrapped,
              let bi = policy.records[r].index["blacklisted_until"],
              case .record(var applicant)? = c.facts[ai], bi < applicant.count else { return false }
        applicant[bi] = .date(ban.through)
        c.facts[ai] = .record(applicant)
        return true
    }

    /// The evaluation date a case will be decided on: `--as-of`, else its `applied_on`.
    package static func evaluationDate(_ c: CaseFile, policy: Policy, override: CivilDate?) -> CivilDate? {
        if let override { return override }
        if case .date(let d)? = fact("applied_on", in: c, policy: policy) { return d }
        return nil
    }

    /// The ban a refused decision registers, if it imposes one: whose, from when, through when,
    /// under which clause. Nil when the decision bans nobody or the case has no credit code.
    package static func registration(of d: Decision, case c: CaseFile, policy: Policy) -> (code: String, from: CivilDate, through: CivilDate, clause: String)? {
        guard let through = d.consequences.blacklistedUntil, let code = creditCode(c, policy: policy) else { return nil }
        var from = d.asOf
        if case .date(let f)? = fact(fraudFoundFact, in: c, policy: policy) { from = f }
        let banning = d.rules.first { rt in
            rt.status == .fired && policy.rules.first(where: { $0.id == rt.rule })?.banUntil != nil
        }
        let clause = banning?.clauses.last ?? "art13"
        return (code, from, through, clause)
    }
}
