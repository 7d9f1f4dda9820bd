import ClauseLanguage
import Testing

@Suite struct MoneyTests {
    @Test func halfUpRoundsHalfAFenAway() {
        let r = Money(fen: 101).multiplied(by: Percent(millionths: 500_000), rounding: .halfUp)
        #expect(r?.0 == Money(fen: 51))
        #expect(r?.exact == false)
        #expect(Money(fen: 100).multiplied(by: Percent(millionths: 500_000), rounding: .halfUp)?.exact == true)
    }

    @Test func halfEvenAndDown() {
        #expect(Money(fen: 101).multiplied(by: Percent(millionths: 500_000), rounding: .halfEven)?.0 == Money(fen: 50))
        #expect(Money(fen: 103).multiplied(by: Percent(millionths: 500_000), rounding: .halfEven)?.0 == Money(fen: 52))
        #expect(Money(fen: 199).multiplied(by: Percent(millionths: 500_000), rounding: .down)?.0 == Money(fen: 99))
    }

    @Test func overflowIsReportedNotWrapped() {
        #expect(Money(fen: .max).adding(Money(fen: 1)) == nil)
        #expect(Money(fen: .max).multiplied(by: 2) == nil)
    }

    @Test func displayUsesYuanSignAndThousands() {
        #expect(Money(fen: 19_000_000).display == "¥190,000.00")
        #expect(Money(fen: 5).display == "¥0.05")
        #expect(Money(fen: 19_000_000).plain == "190000.00")
        #expect(Money(fen: -150).plain == "-1.50")
        #expect(Money(fen: 0).display == "¥0.00" && Money(fen: 0).plain == "0.00")
        #expect(Money(fen: 100_000).display == "¥1,000.00")
        #expect(Money(fen: 99_999).display == "¥999.99")
        #expect(Money(fen: -123_456_789).display == "-¥1,234,567.89")
        #expect(Money(fen: .max).display == "¥92,233,720,368,547,758.07")
        #expect(Money(fen: .min).plain == "-92233720368547758.08")
        #expect(Money(fen: .min).display == "-¥92,233,720,368,547,758.08")
    }

    @Test func decimalTextIsExact() throws {
        #expect(try DecimalText.scaled("0.7", scale: 6).get() == 700_000)
        #expect(try DecimalText.scaled("300000.00", scale: 2).get() == 30_000_000)
        #expect(DecimalText.scaled("1.005", scale: 2) == .failure(.tooManyDecimals(allowed: 2)))
        #expect(DecimalText.scaled(Substring(String(repeating: "9", count: 400)), scale: 2) == .failure(.tooLarge))
        #expect(DecimalText.scaled("1e5", scale: 2) == .failure(.notANumber))
        #expect(DecimalText.scaled("1.", scale: 2) == .failure(.notANumber))
    }

    @Test func percentDisplay() {
        #expect(Percent(millionths: 500_000).display == "50%")
        #expect(Percent(millionths: 125_000).display == "12.5%")
    }
}

@Suite struct CivilDateTests {
    /// A ban's three years are counted as the Civil Code counts: the corresponding day three years
    /// on, or the month's last day when that month has no such day.
    @Test func banThroughTheCorrespondingDayThreeYearsOn() throws {
        let found = try #require(CivilDate(iso: "2024-09-01"))
        #expect(found.adding(CalendarDuration(years: 3))?.iso == "2027-09-01")
        let leapDay = try #require(CivilDate(iso: "2024-02-29"))
        #expect(leapDay.adding(CalendarDuration(years: 3))?.iso == "2027-02-28")
        #expect(leapDay.adding(CalendarDuration(years: 4))?.iso == "2028-02-29")
        let endOfMonth = try #require(CivilDate(iso: "2024-08-31"))
        #expect(endOfMonth.adding(CalendarDuration(months: 1))?.iso == "2024-09-30")
    }

    @Test func leapDayClampsToTheMonthEnd() throws {
        let leap = try #require(CivilDate(iso: "2024-02-29"))
        #expect(leap.adding(CalendarDuration(years: 1))?.iso == "2025-02-28")
        #expect(leap.adding(CalendarDuration(years: 4))?.iso == "2028-02-29")
        #expect(try #require(CivilDate(iso: "2024-01-31")).adding(CalendarDuration(months: 1))?.iso == "2024-02-29")
    }

    @Test func strictParsing() {
        #expect(CivilDate(iso: "2025-02-29") == nil)
        #expect(CivilDate(iso: "2024-1-05") == nil)
        #expect(CivilDate(iso: "2024-13-01") == nil)
        #expect(CivilDate(iso: "2024-02-29")?.iso == "2024-02-29")
        #expect(CivilDate(iso: "1970-01-01")?.days == 0)
    }

    @Test func roundTripsEveryDayOfAFewYears() throws {
        var d = try #require(CivilDate(iso: "2023-12-25"))
        for _ in 0..<800 {
            let (y, m, day) = d.components
            #expect(CivilDate(year: y, month: m, day: day) == d)
            d = CivilDate(days: d.days + 1)
        }
    }
}
