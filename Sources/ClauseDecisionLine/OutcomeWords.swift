import ClauseEngine

/// The words every renderer uses for an outcome, a rule's status and the fixed headings.
package enum OutcomeWords {
    /// 予以支持 / granted.
    package static func outcome(_ o: Decision.Outcome, _ lang: Lang) -> String {
        switch (o, lang) {
        case (.granted, .zh): "予以支持"
        case (.refused, .zh): "不予支持"
        case (.incomplete, .zh): "材料不全"
        case (.review, .zh): "需人工审核"
        case (.granted, .en): "granted"
        case (.refused, .en): "refused"
        case (.incomplete, .en): "incomplete"
        case (.review, .en): "needs review"
        }
    }

    /// The symbol a rule check is listed with: ✗ refused, ✓ passed or awarded, ? pending,
    /// ! sent to review, – not applicable.
    package static func symbol(_ rt: RuleTrace) -> String {
        switch rt.status {
        case .notApplicable: "–"
        case .notInForce: "⊘"
        case .passed: "✓"
        case .pending: "?"
        case .fired:
            switch rt.kind {
            case .refuseWhen, .require: "✗"
            // A part that may be zero and is: not a refusal by itself.
            case .award: (rt.amount?.fen ?? 1) <= 0 ? (rt.mayBeZero ? "○" : "✗") : "✓"
            case .reviewWhen: "!"
            case .needs: "✓"
            }
        }
    }

    /// Whether a rule's finding refuses the case (an award of nothing refuses).
    package static func refuses(_ rt: RuleTrace) -> Bool {
        guard rt.status == .fired else { return false }
        switch rt.kind {
        case .refuseWhen, .require: return true
        case .award: return !rt.mayBeZero && (rt.amount?.fen ?? 1) <= 0
        default: return false
        }
    }

    /// A fixed phrase in the reviewer's language.
    package static func word(_ w: Word, _ lang: Lang) -> String {
        lang == .zh ? w.zh : w.en
    }

    package enum Word {
        case caseWord, outcome, evaluatedOn, version, digest, reasons, consequences, missing, calculation, checks
        case clawback, blacklistedUntil, missingPrefix, capApplied, notApplicable, counted, notCounted
        case doesNotHold, holds, mustChange, notTriggered, unknown, withinCap, overCap, granted, pendingOn, fix, award, cap
        case satisfied, known, notPaid, notInForce, wouldFire, wouldNotFire, startsOn, endedBy, packages, amendedValues

        var zh: String {
            switch self {
            case .caseWord: "案件"
            case .outcome: "结论"
            case .evaluatedOn: "评估日期"
            case .version: "版本"
            case .digest: "摘要"
            case .reasons: "依据"
            case .consequences: "后果"
            case .missing: "缺少的事实"
            case .calculation: "计算过程"
            case .checks: "规则检查"
            case .clawback: "追回已拨付资金"
            case .blacklistedUntil: "纳入黑名单至"
            case .missingPrefix: "缺少："
            case .capApplied: "超过上限，按上限核定"
            case .notApplicable: "不适用"
            case .counted: "计入"
            case .notCounted: "不计入"
            case .doesNotHold: "不成立"
            case .holds: "成立"
            case .mustChange: "需改变："
            case .notTriggered: "未触发："
            case .unknown: "未知"
            case .withinCap: "不超过上限"
            case .overCap: "超过上限，按上限"
            case .granted: "核定"
            case .pendingOn: "待定"
            case .fix: "如何改变："
            case .award: "补贴金额"
            case .cap: "上限"
            case .satisfied: "满足："
            case .known: "已具备："
            case .notPaid: "结论不是予以支持，上述金额不予拨付"
            case .notInForce: "评估日不在施行期内"
            case .wouldFire: "若仍施行，本条会作出决定"
            case .wouldNotFire: "若仍施行，本条也不会作出决定"
            case .startsOn: "起施行"
            case .endedBy: "已被替换或废止："
            case .packages: "适用文件"
            case .amendedValues: "采用的修订值"
            }
        }

        var en: String {
            switch self {
            case .caseWord: "Case"
            case .outcome: "Outcome"
            case .evaluatedOn: "evaluated on"
            case .version: "version"
            case .digest: "digest"
            case .reasons: "Reasons"
            case .consequences: "Consequences"
            case .missing: "Missing facts"
            case .calculation: "Calculation"
            case .checks: "Rule checks"
            case .clawback: "claw back disbursed funds"
            case .blacklistedUntil: "blacklisted until"
            case .missingPrefix: "missing: "
            case .capApplied: "over the cap, assessed at the cap"
            case .notApplicable: "not applicable"
            case .counted: "counted"
            case .notCounted: "not counted"
            case .doesNotHold: "does not hold"
            case .holds: "holds"
            case .mustChange: "would have to change: "
            case .notTriggered: "not triggered: "
            case .unknown: "unknown"
            case .withinCap: "within the cap"
            case .overCap: "over the cap, assessed at the cap of"
            case .granted: "assessed at"
            case .pendingOn: "pending"
            case .fix: "to change: "
            case .award: "award"
            case .cap: "cap"
            case .satisfied: "satisfied: "
            case .known: "known: "
            case .notPaid: "the case is not granted, so this amount is not paid"
            case .notInForce: "not in force on the evaluation date"
            case .wouldFire: "had it been in force, it would have decided"
            case .wouldNotFire: "had it been in force, it would not have decided either"
            case .startsOn: "is when it starts"
            case .endedBy: "replaced or retired by "
            case .packages: "Packages"
            case .amendedValues: "Amended values used"
            }
        }
    }
}
