import ClauseSyntax

/// One row of a programme's indicator table (the Shenyang 指标体系表): what the city set out to
/// achieve by year, and how the achievement is known.
///
/// The targets are the table's own cells; the measure says where the achieved figure comes from:
/// the fund's record (an aggregate over decisions or workflow events, with a filter and a date
/// written in the policy language), or a figure the city reports with its source, because the
/// record cannot know it (activities held, products listed). A row whose figure can be known
/// neither way says why, and the report prints that instead of a number.
@usableFromInline package struct Indicator: Sendable {
    package var name: String
    package var label: String
    package var labelEn: String?
    /// The row's clause (`indicator.N`), whose text quotes the row verbatim.
    package var clause: String
    /// `count` (家, 个, 次) or `share` (a percentage of a reported whole).
    package var unit: String?
    /// The type of a target and of an achieved figure: int, or percent for a share.
    package var type: ValueType
    /// Targets by calendar year (the year's own addition), and the total over the programme.
    package var targets: [(year: Int, value: Value)]
    package var total: Value
    package var measure: IndicatorMeasure
    package var range: SourceRange
    /// An enum fact the row is counted per value of (`per: applicant.sector`: row 15 is 「占该
    /// 试点行业…比例」, a share per pilot sector), with its enum; a share's whole is then reported
    /// per value too (`part:`). Nil: the row is one figure.
    package var per: (path: String, enumType: Int)? = nil
}

/// How an indicator's achieved figure is known.
package enum IndicatorMeasure: Sendable {
    /// Counted from the fund's record.
    case record(RecordAggregate)
    /// A count from the record divided by a whole the city reports (the share of 规上 SMEs of
    /// the pilot sectors at level 2 or more): the numerator is counted, the whole is reported.
    case share(RecordAggregate, whole: String, wholeLabel: String)
    /// Reported by the city in a dated input with its source (`clause report --reported`).
    case reported
    /// Neither: the reason is printed in place of a figure.
    case unmeasured(why: String)

    package var aggregate: RecordAggregate? {
        switch self {
        case .record(let a), .share(let a, _, _): a
        case .reported, .unmeasured: nil
        }
    }
}

/// An aggregate over the fund's record: the latest decision of each case (not revoked), or the
/// workflow events of one name, filtered and dated by expressions over the case's facts.
package struct RecordAggregate: Sendable {
    package enum Source: Sendable, Equatable {
        /// Latest decisions that granted (and are not revoked).
        case grants
        /// Latest decisions of any outcome.
        case decisions
        /// Recorded workflow events of this name (`accept`, `pay`), dated by their `on`.
        case event(String)
    }

    package enum Kind: Sendable, Equatable {
        /// How many records (cases, or events).
        case count
        /// How many distinct values of a fact among them.
        case countDistinct(path: String)
        /// The amounts: granted amounts of decisions, or the `amount` of events.
        case sumAmount
    }

    package var source: Source
    package var kind: Kind
    /// Which records count: a bool over the case's facts (`item == transformation and
    /// project.digital_level >= 2`); nil counts every record.
    package var filter: CheckedExpr?
    /// Which date puts a decision in a year (`project.accepted_on`); events use their `on`.
    package var date: CheckedExpr?
    /// The locals the expressions use (none today; kept for the evaluator's slot count).
    package var slotCount: Int

    package var type: ValueType { kind == .sumAmount ? .money : .int }
}

/// The programme's funding plan: where money comes from, and the matching the plan sets
/// (工作方案 三（四）: local funds at 1:1.25 of the central funds).
@usableFromInline package struct FundingPlan: Sendable {
    package var clause: String
    /// The enum a payment's `source` takes (declared under `enums`, used by the workflow).
    package var sourceEnum: Int
    /// Values of that enum that are central funds, and those that are local.
    package var central: [Int]
    package var local: [Int]
    /// Local funds per unit of central funds (125% for 1:1.25).
    package var localPerCentral: Percent
    /// The workflow event that pays money out, with its `amount` and optional `source`.
    package var paymentEvent: String
    /// The ceilings of the support items (`ceilings:`), in the order written.
    package var ceilings: [Ceiling] = []
    package var range: SourceRange
}

/// The most the programme may spend on one support item: the item's cap per award times the
/// number of awards its indicator row targets (50万元 × 667 enterprises), or the cap itself when
/// the clause sets one sum for the whole programme (activities: 300万元).
package struct Ceiling: Sendable {
    package enum Cap: Sendable {
        /// A money parameter (its clause is the citation), read as in force on the report date.
        case parameter(Int)
        /// A literal amount, with the clause that sets it.
        case amount(Money, clause: String)
    }
    package enum Times: Sendable {
        /// An indicator row (its name): the cap times each year's target and times the total.
        case indicator(String)
        /// An int parameter (its index): the cap times its value, for the programme only.
        case parameter(Int)
    }
    /// The support item (a case of the enum of the fact with role `item`).
    package var item: String
    package var cap: Cap
    /// Nil: the cap is the ceiling of the whole programme.
    package var times: Times?
    package var range: SourceRange
}
