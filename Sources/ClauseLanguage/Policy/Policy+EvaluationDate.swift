/// The evaluation date of a case: the date its rules are read on, its parameters chosen for and
/// its amendments found in force on.
extension Policy {
    /// The slot of the application date (`applied_on`) in the case record, if the schema has one.
    package var applicationDateSlot: Int? { caseSchema.index[PolicyLoader.applicationDateFact] }

    /// `--as-of` when given, else the case's application date; nil when neither is known.
    ///
    /// The one place this reading is written: the interpreters, the ledger, the ban registry,
    /// scenarios and workflows all ask here.
    package func evaluationDate(of facts: [Value?], asOf override: CivilDate? = nil) -> CivilDate? {
        Policy.evaluationDate(of: facts, applicationDateSlot: applicationDateSlot, asOf: override)
    }

    /// The same, for a caller that has looked the slot up once (compiled code, per case).
    @inline(__always)
    package static func evaluationDate(of facts: [Value?], applicationDateSlot slot: Int?, asOf override: CivilDate?) -> CivilDate? {
        if let override { return override }
        guard let slot, slot < facts.count, case .date(let d)? = facts[slot] else { return nil }
        return d
    }
}
