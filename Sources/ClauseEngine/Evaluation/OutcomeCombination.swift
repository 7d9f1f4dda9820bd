import ClauseLanguage

extension Decision.Outcome {
    /// How the rules' findings make one outcome, the same for every package and for both
    /// interpreters:
    /// - any rule that certainly refuses (a `refuse_when` that holds, a `require` that fails, an
    ///   award of nothing that may not be zero) makes the case `refused`;
    /// - otherwise, any rule that could not be decided for missing facts makes it `incomplete`;
    /// - otherwise, a `review_when` that holds makes it `review`;
    /// - otherwise award parts that may be zero and all are: nothing to pay refuses, under their
    ///   clauses, as one award of nothing would (`nothingToPay`);
    /// - otherwise the awards make it `granted`; with no award at all, a person reviews it.
    ///
    /// - Parameter awardsAllNothing: every award that fired came to nothing (true when none did).
    @inline(__always)
    package static func combining(refusing: Bool, pending: Bool, reviewing: Bool, awarding: Bool, awardsAllNothing: Bool)
        -> (outcome: Decision.Outcome, nothingToPay: Bool)
    {
        if refusing { return (.refused, false) }
        if pending { return (.incomplete, false) }
        if reviewing { return (.review, false) }
        if awarding { return awardsAllNothing ? (.refused, true) : (.granted, false) }
        return (.review, false)
    }

    /// What a granted case is paid: every award part's amount, a part below zero adding nothing.
    @inline(__always)
    package static func granted(_ total: Money, adding part: Money?) -> Money {
        total.adding(max(part ?? .zero, .zero)) ?? total
    }
}
