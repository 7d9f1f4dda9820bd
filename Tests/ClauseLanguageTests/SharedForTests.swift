@testable import ClauseLanguage
import ClauseTestSupport
import Testing

/// A policy knows which rules share a `for` (the same expression text), so that a traced case
/// evaluates and writes each such step once; what it knows must follow every change to its rules.
@Suite struct SharedForTests {
    /// Each rule's entry names the first earlier rule with the same `for` text, and no rule
    /// with such an earlier rule is left without it.
    static func expectFollowsTheRules(_ p: Policy, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(p.sharedFor.count == p.rules.count, sourceLocation: sourceLocation)
        var first: [String: Int] = [:]
        for (k, r) in p.rules.enumerated() {
            let earlier = r.applies.flatMap { first[$0.text] }
            #expect(p.sharedFor.indices.contains(k) && p.sharedFor[k] == earlier, "rule \(r.id)", sourceLocation: sourceLocation)
            if let a = r.applies, first[a.text] == nil { first[a.text] = k }
        }
    }

    @Test func theShenyangRulesThatShareAFor() {
        let p = Repo.shenyang
        Self.expectFollowsTheRules(p)
        // Most of its rules say which item they concern (`item == transformation` and the like).
        #expect(p.sharedFor.compactMap { $0 }.count >= 5)
    }

    @Test func aChangeToTheRulesIsFollowed() throws {
        let original = Repo.shenyang
        let k = try #require(original.sharedFor.firstIndex { $0 != nil })
        let j = try #require(original.sharedFor[k])
        var p = original
        p.rules.remove(at: j)
        Self.expectFollowsTheRules(p)
        p.rules[k - 1].applies = nil
        #expect(p.sharedFor[k - 1] == nil)
        Self.expectFollowsTheRules(p)
        p.rules.removeAll()
        #expect(p.sharedFor.isEmpty)
        // The policy it was copied from keeps its own.
        #expect(original.sharedFor[k] == j)
        Self.expectFollowsTheRules(original)
    }
}
