import ClauseLanguage
import Testing

@Suite struct ParserTests {
    private func parse(_ s: String) -> Expr? { try? Parser.parse(s).get() }

    private func failure(_ s: String) -> Parser.Failure? {
        if case .failure(let f) = Parser.parse(s) { return f }
        return nil
    }

    @Test func literalsAsThePolicyTextWritesThem() {
        func value(_ s: String) -> Value? {
            if case .literal(.value(let v))? = parse(s)?.kind { return v }
            return nil
        }
        #expect(value("50万元") == .money(Money(fen: 50_000_000)))
        #expect(value("0.7万元") == .money(Money(fen: 700_000)))
        #expect(value("500000元") == .money(Money(fen: 50_000_000)))
        #expect(value("¥1,000") == nil)
        #expect(value("50%") == .percent(Percent(millionths: 500_000)))
        #expect(value("3 years") == .duration(CalendarDuration(years: 3)))
        #expect(value("3年") == .duration(CalendarDuration(years: 3)))
        #expect(value("1 day") == .duration(CalendarDuration(days: 1)))
        #expect(value("2024-01-01..2025-12-31") == .period(Period(start: CivilDate(iso: "2024-01-01")!, end: CivilDate(iso: "2025-12-31")!)))
        #expect(value("\"铁西区\"") == .text("铁西区"))
    }

    @Test func precedenceMultipliesBeforeSubtractingAndAndsBeforeOrs() {
        guard case .binary(.subtract, _, let right)? = parse("a - b * c")?.kind else {
            Issue.record("expected a subtraction at the top")
            return
        }
        if case .binary(.multiply, _, _) = right.kind {} else { Issue.record("expected b * c under it") }
        guard case .binary(.or, _, let r2)? = parse("a or b and c")?.kind, case .binary(.and, _, _) = r2.kind else {
            Issue.record("expected or at the top, and below")
            return
        }
    }

    @Test func chineseIdentifiersAndOperators() {
        guard case .binary(.multiply, let l, _)? = parse("合规投入 × 补贴比例")?.kind, case .name("合规投入") = l.kind else {
            Issue.record("expected 合规投入 × 补贴比例")
            return
        }
        #expect(parse("a ≤ b") != nil)
        #expect(parse("a − b") != nil)
    }

    @Test func aggregationWithFilter() {
        guard case .aggregate(.sum, _, let v, _, let f)? = parse("sum(e.amount for e in project.expenses if e.paid_on in pilot)")?.kind else {
            Issue.record("expected an aggregation")
            return
        }
        #expect(v == "e")
        #expect(f != nil)
    }

    @Test func errorsSayWhereAndWhat() {
        #expect(failure("a = b") == Parser.Failure(message: "'=' is not an operator here: write '==' to compare", offset: 2))
        #expect(failure("a && b") == Parser.Failure(message: "'&' is not an operator: write 'and'", offset: 2))
        #expect(failure("(a + b") == Parser.Failure(message: "expected ')', found the end of the expression", offset: 6))
        #expect(failure("0.5") == Parser.Failure(message: "a bare decimal '0.5' has no unit: write it as money ('0.5万元', '0.5元') or a percentage", offset: 0))
        #expect(failure("1.005元") == Parser.Failure(message: "an amount has at most two decimals of yuan (fen)", offset: 0))
        #expect(failure("2025-02-29") == Parser.Failure(message: "'2025-02-29' is not a date in the calendar: February 2025 has 28 days", offset: 0))
        #expect(failure("a < b < c")?.message == "comparisons do not chain: write 'a < b and b < c'")
        #expect(failure(String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000))?.message == "expression nested too deeply")
    }

    /// `t[key]` reads a row; a `[` that starts an operand is still a list.
    @Test func indexingReadsATableRowAndListsStillParse() {
        guard case .member(let base, "x")? = parse("caps[project.level].x")?.kind,
              case .index(let table, let key) = base.kind, case .name("caps") = table.kind,
              case .member(_, "level") = key.kind else {
            Issue.record("expected (caps[project.level]).x")
            return
        }
        #expect(base.start == 0 && base.end == 19)
        guard case .binary(.in, _, let list)? = parse("a in [b, c]")?.kind, case .list(let items) = list.kind else {
            Issue.record("expected a list after 'in'")
            return
        }
        #expect(items.count == 2)
        guard case .binary(.divide, _, let divisor)? = parse("amount ÷ (100% + vat)")?.kind, case .binary(.add, _, _) = divisor.kind else {
            Issue.record("expected amount ÷ (100% + vat)")
            return
        }
        #expect(failure("caps[level")?.message == "expected ']', found the end of the expression")
        #expect(failure("caps[]")?.offset == 5)
    }
}

@Suite struct SuggestionTests {
    @Test func swapsOfNeighboursAreOneEdit() {
        #expect(Suggestion.closest(to: "city_bureua", in: ["city_bureau", "district_bureau"]) == "city_bureau")
        #expect(Suggestion.closest(to: "litle_giant", in: ["little_giant", "is_sme"]) == "little_giant")
        #expect(Suggestion.closest(to: "sofware", in: ["software", "cloud"]) == "software")
        #expect(Suggestion.closest(to: "zzz", in: ["software", "cloud"]) == nil)
    }

    @Test func tiesGoToTheAlphabeticallyFirst() {
        #expect(Suggestion.closest(to: "art3", in: ["art2", "art1"]) == "art1")
    }
}
