import ClauseLanguage

/// A 第十三条 ban that a decision did not read from its case file but from the ban registry of
/// the decision record store, because the case left `applicant.blacklisted_until` unstated.
///
/// It travels with the decision so the justification can say where the ban came from and which
/// earlier case caused it; a reviewer must never have to guess why an application that says
/// nothing about a ban was refused under one.
public struct RegistryBan: Sendable, Hashable {
    /// The applicant's 统一社会信用代码 that the ban is registered under.
    package var creditCode: String
    /// The first day of the ban (the day the false material was found).
    package var from: CivilDate
    /// The last day of the ban: the value the rules saw as `applicant.blacklisted_until`.
    package var through: CivilDate
    /// The clause that imposed the ban (`art13`).
    package var clause: String
    /// The case whose recorded decision registered the ban.
    package var caseID: String
    /// That decision's record number in the store.
    package var decisionID: Int64
    /// The correction of the ban's dates in force when it was read (`clause bans correct`), if
    /// any: its record number, so a replay re-applies the dates the decision saw.
    package var correction: Int64?

    package init(creditCode: String, from: CivilDate, through: CivilDate, clause: String, caseID: String, decisionID: Int64,
                 correction: Int64? = nil) {
        self.creditCode = creditCode
        self.from = from
        self.through = through
        self.clause = clause
        self.caseID = caseID
        self.decisionID = decisionID
        self.correction = correction
    }
}
