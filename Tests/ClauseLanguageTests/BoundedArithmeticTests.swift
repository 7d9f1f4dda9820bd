import ClauseLanguage
import Testing

/// Figures shown to a reader from amounts a record holds (the room under a ledger limit, a diff's
/// change) stay in range whatever those amounts are: the room between zero and the limit, a
/// change held at the bounds. Amounts a hand-altered record made extreme must not trap.
@Suite struct BoundedArithmeticTests {
    @Test func roomIsTheLimitLessTheFigureWithinZeroAndTheLimit() {
        let cap = Value.money(Money(fen: 50_000_000))
        #expect(Policy.room(limit: cap, figure: .money(Money(fen: 19_000_000))) == .money(Money(fen: 31_000_000)))
        #expect(Policy.room(limit: cap, figure: .money(Money(fen: 90_000_000))) == .money(Money(fen: 0)))
        #expect(Policy.room(limit: .int(3), figure: .int(1)) == .int(2))
        #expect(Policy.room(limit: nil, figure: .int(1)) == nil)
    }

    @Test func anExtremeFigureNeitherOverflowsNorGrowsTheRoom() {
        let cap = Value.money(Money(fen: 50_000_000))
        #expect(Policy.room(limit: cap, figure: .money(Money(fen: .min))) == cap)
        #expect(Policy.room(limit: cap, figure: .money(Money(fen: .max))) == .money(Money(fen: 0)))
        #expect(Policy.room(limit: .int(.max), figure: .int(.min)) == .int(.max))
        #expect(Policy.room(limit: .money(Money(fen: .min)), figure: .money(Money(fen: .max))) == .money(Money(fen: 0)))
    }

    /// A diff's change of money is exact within range and held at the bounds beyond it.
    @Test func aChangeOfMoneyIsHeldAtTheBoundsInsteadOfTrapping() {
        #expect(Money(fen: 500).change(from: Money(fen: 200)) == Money(fen: 300))
        #expect(Money(fen: 200).change(from: Money(fen: 500)) == Money(fen: -300))
        #expect(Money(fen: .max).change(from: Money(fen: -1)) == Money(fen: .max))
        #expect(Money(fen: .min).change(from: Money(fen: 1)) == Money(fen: .min))
    }
}
