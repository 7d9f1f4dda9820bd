/// Exact reading of decimal numerals such as `300000.00`, `0.7` or `12.5`, never through Double.
package enum DecimalText {
    package enum Failure: Error, Equatable {
        case notANumber
        case tooManyDecimals(allowed: Int)
        case tooLarge
    }

    /// Reads `text` as a decimal and scales it by 10^`scale`, so `"0.7"` at scale 6 is 700000.
    ///
    /// At most `maxDigits` digits before the point; a fraction longer than `scale` digits is an
    /// error (never silently rounded).
    package static func scaled(_ text: Substring, scale: Int, maxDigits: Int = 15) -> Result<Int64, Failure> {
        var s = text
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !intPart.isEmpty || !fracPart.isEmpty,
            intPart.allSatisfy(\.isASCIIDigitChar), fracPart.allSatisfy(\.isASCIIDigitChar),
            !(parts.count > 1 && fracPart.isEmpty)
        else { return .failure(.notANumber) }
        let significant = intPart.drop { $0 == "0" }
        if significant.count > maxDigits { return .failure(.tooLarge) }
        let trimmedFrac = fracPart.reversed().drop { $0 == "0" }.reversed()
        if trimmedFrac.count > scale { return .failure(.tooManyDecimals(allowed: scale)) }
        var value: Int64 = 0
        for c in significant { value = value * 10 + Int64(c.asciiValue! - 48) }
        for i in 0..<scale {
            let digit: Int64 = i < trimmedFrac.count ? Int64(trimmedFrac[trimmedFrac.index(trimmedFrac.startIndex, offsetBy: i)].asciiValue! - 48) : 0
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 { return .failure(.tooLarge) }
            value = a
        }
        return .success(negative ? -value : value)
    }
}

extension Character {
    package var isASCIIDigitChar: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
