import ClauseEngine
import ClauseLanguage

/// A 第十三条 ban as payments see it: 「三年内不得享受政府财政专项资金」 stops money, not only
/// applications, so a payment on a day within a ban of the applicant is a violation.
package struct PaymentBan: Sendable {
    /// The first day money may not go out (the day the false material was found); nil: the ban
    /// was stated without its start (`applicant.blacklisted_until`), so every day up to its end.
    package var from: CivilDate?
    package var through: CivilDate
    package var clause: String
    /// Where the ban comes from, in words (zh, en).
    package var source: String
    package var sourceEn: String

    package func contains(_ day: CivilDate) -> Bool { (from.map { day >= $0 } ?? true) && day <= through }

    /// The bans a payment of case `c` must respect: the one its own finding of fraud imposes (as
    /// decided, the history's `fraud_found` included), the one the case states, and those of the
    /// ban registry under its credit code that another case registered.
    package static func of(_ c: CaseFile, decision: Decision?, policy: Policy, registry: [RegistryBan]) -> [PaymentBan] {
        var out: [PaymentBan] = []
        // Bans come from the rule with `ban_until` and are about the facts with the ban roles: a
        // package without them imposes none.
        guard let banning = policy.banningRule, let facts = policy.banFacts, let clause = banning.clauses.first else { return [] }
        if let through = decision?.consequences.blacklistedUntil {
            var from: CivilDate?
            if case .date(let f)? = FactPath.value(facts.fraudFoundOn, in: c, policy: policy) { from = f }
            out.append(PaymentBan(from: from, through: through, clause: clause,
                                  source: from.map { "本案于 \($0.iso) 查实弄虚作假" } ?? "本案决定",
                                  sourceEn: from.map { "false material found in this case on \($0.iso)" } ?? "this case's decision"))
        }
        if case .date(let through)? = FactPath.value(facts.bannedUntil, in: c, policy: policy) {
            out.append(PaymentBan(from: nil, through: through, clause: clause, source: "案卷所载黑名单", sourceEn: "the ban the case states"))
        }
        let code = BanRegistryKey.creditCode(c, policy: policy)
        for b in registry where b.creditCode == code && b.caseID != c.id {
            out.append(PaymentBan(from: b.from, through: b.through, clause: b.clause,
                                  source: "黑名单登记（案件 \(b.caseID)）", sourceEn: "the ban registry (case \(b.caseID))"))
        }
        return out
    }
}

/// The applicant's credit code, the key of the ban registry.
package enum BanRegistryKey {
    package static func creditCode(_ c: CaseFile, policy: Policy) -> String? {
        guard let path = policy.banFacts?.creditCode else { return nil }
        if case .text(let t)? = FactPath.value(path, in: c, policy: policy), !t.isEmpty { return t }
        return nil
    }
}
