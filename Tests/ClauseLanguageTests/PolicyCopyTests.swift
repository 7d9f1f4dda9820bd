@testable import ClauseLanguage
import ClauseTestSupport
import Testing

/// A policy's parts live in one box its copies share: a copy costs one retain, and a change to a
/// copy must still leave every other copy as it was, and keep every part it did not change.
@Suite struct PolicyCopyTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = Repo.shenyang
        let rules = original.rules.count, title = original.title
        var changed = original
        #expect(changed.box === original.box, "a copy shares the box until it is changed")
        changed.rules.removeLast()
        changed.title = "改"
        changed.id = "other"
        #expect(changed.box !== original.box)
        #expect(original.rules.count == rules && original.title == title && original.id == "shenyang-sme-dx-fund")
        #expect(changed.rules.count == rules - 1 && changed.title == "改" && changed.id == "other")
        // The parts not changed came along.
        #expect(changed.digest == original.digest && changed.clauses.count == original.clauses.count)
        #expect(changed.notice?.issuer == original.notice?.issuer && changed.indicators.count == original.indicators.count)
        #expect(changed.funding != nil && changed.itemSlot == original.itemSlot && changed.ledger.count == original.ledger.count)
    }

    /// A box copied for a change holds every part of the one it was copied from.
    @Test func theBoxsCopyHoldsEveryPart() {
        let box = Repo.shenyang.box
        let copy = box.copy()
        #expect(copy !== box)
        let mine = Mirror(reflecting: box.parts).children.map { ($0.label ?? "?", String(reflecting: $0.value)) }
        let theirs = Mirror(reflecting: copy.parts).children.map { ($0.label ?? "?", String(reflecting: $0.value)) }
        #expect(mine.count == 27, "every part of a policy is in the box")
        #expect(mine.map(\.0) == theirs.map(\.0))
        for ((label, a), (_, b)) in zip(mine, theirs) { #expect(a == b, "\(label) differs in the copy") }
    }
}
