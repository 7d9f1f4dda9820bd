/// The facts a ban is about, by declared role (`role: credit_code`, `role: banned_until`,
/// `role: fraud_found_on` in facts.yaml), as dotted paths from the case: whose ban it is, the
/// ban's last day as the case states it (the fact the rules read and the registry sets), and the
/// day false material was found (when a ban a decision registers starts).
///
/// A package whose rules impose a ban (`ban_until:`) must declare all three: the registry, the
/// payments and the history's `fraud_found` event find the facts here, never by a name.
@usableFromInline package struct BanFacts: Sendable, Hashable {
    package var creditCode: String
    package var bannedUntil: String
    package var fraudFoundOn: String

    package init(creditCode: String, bannedUntil: String, fraudFoundOn: String) {
        self.creditCode = creditCode
        self.bannedUntil = bannedUntil
        self.fraudFoundOn = fraudFoundOn
    }

    /// The roles, each with what the fact must be, for the words of a missing declaration.
    package static let roles: [(name: String, meaning: String)] = [
        ("credit_code", "whose ban it is, a text fact"),
        ("banned_until", "the ban's last day as the case states it, a date fact"),
        ("fraud_found_on", "the day false material was found, a date fact"),
    ]
}

extension Policy {
    /// The rule whose `ban_until` imposes a ban, if any: its clauses are the ban's.
    package var banningRule: Rule? { rules.first { $0.banUntil != nil } }
}
