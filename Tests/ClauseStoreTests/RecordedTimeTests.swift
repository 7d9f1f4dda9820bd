@testable import ClauseStore
import Foundation
import Testing

/// The time a row is recorded is written by hand from the clock; it must be spelled as
/// `ISO8601DateFormatter` with fractional seconds spells it, which the first stores were written with.
@Suite struct RecordedTimeTests {
    @Test func itIsSpelledAsTheFormatterSpellsIt() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // The epoch, a leap day, the last millisecond of a year, a date past 2038, today.
        let instants: [(seconds: Int, milliseconds: Int)] = [
            (0, 0), (951_782_400, 7), (1_767_225_599, 999), (2_240_524_800, 500), (1_796_554_580, 123), (1_709_164_800, 40),
        ]
        for i in instants {
            let date = Date(timeIntervalSince1970: Double(i.seconds) + Double(i.milliseconds) / 1000 + 0.0001)
            #expect(RecordedTime.text(seconds: i.seconds, milliseconds: i.milliseconds) == formatter.string(from: date), "\(i)")
        }
    }

    @Test func nowIsTodayInUTC() {
        let text = RecordedTime.now()
        #expect(text.count == 24 && text.hasSuffix("Z"), "\(text)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let read = formatter.date(from: text) else {
            Issue.record("\(text) is not an ISO 8601 time")
            return
        }
        #expect(abs(read.timeIntervalSinceNow) < 60)
    }
}
