/// A calendar date with no time and no zone: what the measures mean by 2025年12月31日.
///
/// Stored as days since 1970-01-01 so comparisons and day arithmetic are integer operations.
public struct CivilDate: Sendable, Hashable, Comparable {
    package var days: Int32

    package init(days: Int32) { self.days = days }

    /// nil when the triple is not a real date (2025-02-29) or outside years 1900..2999.
    package init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysIn(year: year, month: month)).contains(day)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        days = Int32(era * 146097 + doe - 719468)
    }

    package var components: (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.days < b.days }

    package static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    package static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Strict `YYYY-MM-DD`; anything else (2024-1-5, 2024/01/05, times) is nil.
    public init?(iso text: Substring) {
        // One pass over the bytes, no array: cases are full of dates.
        var parts = (0, 0, 0)
        var i = 0
        for b in text.utf8 {
            if i == 4 || i == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
            } else {
                guard i < 10, b >= 48, b <= 57 else { return nil }
                let digit = Int(b - 48)
                if i < 4 { parts.0 = parts.0 * 10 + digit } else if i < 7 { parts.1 = parts.1 * 10 + digit } else { parts.2 = parts.2 * 10 + digit }
            }
            i += 1
        }
        guard i == 10 else { return nil }
        self.init(year: parts.0, month: parts.1, day: parts.2)
    }

    /// Why `text`, shaped like a date, is not one: a real date whose year is outside the range
    /// clause computes in, or a day the calendar does not have (2025-02-29).
    package static func notADate(_ text: Substring) -> String {
        let u = Array(text.utf8)
        let year = u.count == 10 && u[0..<4].allSatisfy { $0 >= 48 && $0 <= 57 } ? Int(String(decoding: u[0..<4], as: UTF8.self)) : nil
        if let year, !(1900...2999).contains(year), CivilDate(iso: "2000" + text.dropFirst(4)) != nil {
            return "'\(text)' is outside the supported range 1900–2999"
        }
        // Say which part the calendar lacks, so `2025-02-30` is not answered with "write YYYY-MM-DD".
        if let year, u.count == 10, let month = Int(String(decoding: u[5..<7], as: UTF8.self)),
           let day = Int(String(decoding: u[8..<10], as: UTF8.self)) {
            if !(1...12).contains(month) { return "'\(text)' is not a date in the calendar: there is no month \(month)" }
            let days = daysIn(year: year, month: month)
            if day < 1 || day > days {
                let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                             "November", "December"]
                return "'\(text)' is not a date in the calendar: \(names[month - 1]) \(year) has \(days) days"
            }
        }
        return "'\(text)' is not a date in the calendar"
    }

    /// Why `text` is not a date, for any place that reads one: the calendar's reason for a
    /// text shaped like a date (`2025-02-30`), else the format to write.
    package static func problem(_ text: String) -> String {
        looksLikeDate(Substring(text)) ? notADate(Substring(text)) : "'\(text)' is not a date: write YYYY-MM-DD"
    }

    /// Whether `text` looks like a date but is not a real one, for a better message.
    package static func looksLikeDate(_ text: Substring) -> Bool {
        let u = Array(text.utf8)
        return u.count == 10 && u[4] == UInt8(ascii: "-") && u[7] == UInt8(ascii: "-")
    }

    /// `2024-06-10`: written byte by byte (a trace prints thousands of dates; ten bytes fit in
    /// a small string, so this allocates nothing).
    package var iso: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)" }
        return String(unsafeUninitializedCapacity: 10) { b in
            let zero = UInt8(ascii: "0")
            b[0] = zero + UInt8(y / 1000); b[1] = zero + UInt8(y / 100 % 10); b[2] = zero + UInt8(y / 10 % 10); b[3] = zero + UInt8(y % 10)
            b[4] = UInt8(ascii: "-"); b[5] = zero + UInt8(m / 10); b[6] = zero + UInt8(m % 10)
            b[7] = UInt8(ascii: "-"); b[8] = zero + UInt8(d / 10); b[9] = zero + UInt8(d % 10)
            return 10
        }
    }

    /// Calendar addition: years and months first, clamping to the month's last day (2024-02-29 +
    /// 1 year is 2025-02-28), then days. nil when the result leaves years 1900..2999.
    package func adding(_ d: CalendarDuration, sign: Int = 1) -> CivilDate? {
        var (y, m, day) = components
        let totalMonths = (y * 12 + (m - 1)) + sign * (d.years * 12 + d.months)
        y = totalMonths >= 0 ? totalMonths / 12 : (totalMonths - 11) / 12
        m = totalMonths - y * 12 + 1
        day = min(day, CivilDate.daysIn(year: max(1900, min(2999, y)), month: m))
        guard let base = CivilDate(year: y, month: m, day: day) else { return nil }
        let result = Int(base.days) + sign * d.days
        let out = CivilDate(days: Int32(clamping: result))
        guard (1900...2999).contains(out.components.year) else { return nil }
        return out
    }
}

/// An inclusive span of dates such as the pilot period `2024-01-01..2025-12-31`.
@usableFromInline package struct Period: Sendable, Hashable {
    package var start: CivilDate
    package var end: CivilDate
    package init(start: CivilDate, end: CivilDate) {
        self.start = start
        self.end = end
    }
    package func contains(_ d: CivilDate) -> Bool { start <= d && d <= end }
    package var iso: String { "\(start.iso)..\(end.iso)" }
}

/// A calendar duration such as `3 years` or `1 day`: years, months and days kept apart, because a
/// year is not a fixed number of days.
package struct CalendarDuration: Sendable, Hashable {
    package var years: Int
    package var months: Int
    package var days: Int
    package init(years: Int = 0, months: Int = 0, days: Int = 0) {
        self.years = years
        self.months = months
        self.days = days
    }

    package static func + (a: CalendarDuration, b: CalendarDuration) -> CalendarDuration {
        CalendarDuration(years: a.years + b.years, months: a.months + b.months, days: a.days + b.days)
    }

    package var display: String {
        var parts: [String] = []
        if years != 0 { parts.append("\(years) year\(years == 1 ? "" : "s")") }
        if months != 0 { parts.append("\(months) month\(months == 1 ? "" : "s")") }
        if days != 0 || parts.isEmpty { parts.append("\(days) day\(days == 1 ? "" : "s")") }
        return parts.joined(separator: " ")
    }

    package var displayZh: String {
        var s = ""
        if years != 0 { s += "\(years)年" }
        if months != 0 { s += "\(months)个月" }
        if days != 0 || s.isEmpty { s += "\(days)天" }
        return s
    }
}
