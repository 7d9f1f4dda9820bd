import ClauseLanguage
import Testing

/// The room left under a ledger figure's limit stays between zero and the limit, whatever the
/// figure: a figure a hand-altered record made extreme must not overflow the subtraction.
@Suite struct LedgerRoomTests {
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
}
