#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a row is recorded, as the store spells it: UTC, ISO 8601 with milliseconds
/// (`2026-12-06T13:16:20.123Z`), the form `ISO8601DateFormatter` gives with fractional seconds.
/// Written from the clock by hand: the formatter cost more per decision than inserting its keys.
enum RecordedTime {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return text(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    /// The text of an instant given as seconds since 1970 (UTC) and milliseconds.
    static func text(seconds: Int, milliseconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ n: Int, _ width: Int) {
            var rest = n, place = 1
            for _ in 1..<width { place *= 10 }
            for _ in 0..<width {
                out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (rest / place) % 10))
                rest %= place
                place /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(milliseconds, 3); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
