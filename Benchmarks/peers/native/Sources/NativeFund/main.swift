// native-fund: the Shenyang fund's reading (Tests/oracle/README.md, ported from oracle.py)
// hand-written in Swift, as the "= 1" of the peer comparison (Benchmarks/peers/README.md).
//
//     native-fund CASES.jsonl      (or "-" for standard input)
//
// One JSON line out per case: case, outcome, amount, reasons, clawback, blacklisted_until,
// missing. No justification, no remedies, no record store: each case is decided alone.
// Money is Int64 fen, dates are days since 1970-01-01; never Double.
import Foundation

// MARK: - Values

/// A yuan amount as integer fen. Cases write amounts as "x.yy" strings or JSON numbers; a
/// number is read through Decimal (exact) and then the same text parser, so no float is ever
/// involved.
struct Money: Decodable {
    let fen: Int64

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text: String
        if let s = try? c.decode(String.self) { text = s } else { text = try c.decode(Decimal.self).description }
        guard let fen = Money.parse(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an amount: \(text)")
        }
        self.fen = fen
    }

    /// "123", "123.4", "123.45" -> fen; anything else (sign, exponent, 3 decimals) -> nil.
    static func parse(_ s: String) -> Int64? {
        var whole: Int64 = 0, cents: Int64 = 0, decimals = -1, digits = 0
        for b in s.utf8 {
            if b == UInt8(ascii: ".") {
                if decimals >= 0 { return nil }
                decimals = 0
            } else if b >= 48 && b <= 57 {
                let d = Int64(b - 48)
                if decimals >= 0 {
                    decimals += 1
                    if decimals > 2 { return nil }
                    cents = cents * 10 + d
                } else {
                    digits += 1
                    if digits > 13 { return nil }  // 1万亿元 is the largest amount a case may hold
                    whole = whole * 10 + d
                }
            } else {
                return nil
            }
        }
        if digits == 0 { return nil }
        return whole * 100 + (decimals == 1 ? cents * 10 : cents)
    }

    static func text(_ fen: Int64) -> String {
        let a = fen.magnitude
        let cents = a % 100
        return (fen < 0 ? "-" : "") + "\(a / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }
}

/// A calendar day as days since 1970-01-01 (proleptic Gregorian), read from "YYYY-MM-DD".
struct Day: Decodable, Comparable {
    let days: Int

    init(year: Int, month: Int, day: Int) { days = Day.daysFromCivil(year, month, day) }

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        let u = Array(s.utf8)
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r { guard u[i] >= 48 && u[i] <= 57 else { return nil }; n = n * 10 + Int(u[i] - 48) }
            return n
        }
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = num(0..<4), let m = num(5..<7), let d = num(8..<10),
              (1...12).contains(m), d >= 1, d <= Day.daysInMonth(y, m) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date: \(s)")
        }
        days = Day.daysFromCivil(y, m, d)
    }

    static func < (a: Day, b: Day) -> Bool { a.days < b.days }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    var civil: (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    var iso: String {
        let (y, m, d) = civil
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    /// Last day of an art13 ban: the same day three years on (the Civil Code's count), or the
    /// month's last day when it has none (2024-02-29 -> 2027-02-28).
    var banEnd: Day {
        let (y, m, d) = civil
        return Day(year: y + 3, month: m, day: min(d, Day.daysInMonth(y + 3, m)))
    }
}

// MARK: - Case file (docs/reference/cases.md); only the keys the reading uses

struct Case: Decodable {
    let id: String
    let item: String
    let appliedOn: Day
    let applicant: Applicant?
    let project: Project?
    let selection: Selection?
    let requested: Money?
    let alreadyAwarded: Bool?
    let fraudFoundOn: Day?
    let disbursed: Money?

    enum CodingKeys: String, CodingKey {
        case id = "case", item, appliedOn = "applied_on", applicant, project, selection, requested
        case alreadyAwarded = "already_awarded", fraudFoundOn = "fraud_found_on", disbursed
    }
}

struct Applicant: Decodable {
    let kind: String?
    let isSME, inPilotLibrary, littleGiant, centralFundReceived, in2022Pilot: Bool?
    let blacklistedUntil: Day?

    enum CodingKeys: String, CodingKey {
        case kind, isSME = "is_sme", inPilotLibrary = "in_pilot_library", littleGiant = "little_giant"
        case centralFundReceived = "central_sme_fund_received", in2022Pilot = "in_2022_pilot"
        case blacklistedUntil = "blacklisted_until"
    }
}

struct Project: Decodable {
    let digitalLevel: Int?
    let acceptedOn: Day?
    let previouslyGranted: Money?
    let expenses: [Expense]?
    let changes: [Change]?
    let platform: String?
    let assessedEnterprise: String?

    enum CodingKeys: String, CodingKey {
        case digitalLevel = "digital_level", acceptedOn = "accepted_on"
        case previouslyGranted = "previously_granted", expenses, changes, platform
        case assessedEnterprise = "assessed_enterprise"
    }
}

struct Expense: Decodable {
    let category: String
    let amount: Money
    let paidOn: Day
    enum CodingKeys: String, CodingKey { case category, amount, paidOn = "paid_on" }
}

struct Change: Decodable {
    let kind: String?
    let approved: Bool?
}

struct Selection: Decodable {
    let on: Day?
    let subject: String?
}

// MARK: - The reading

let measuresStart = Day(year: 2024, month: 1, day: 1)  // art16 start, and the pilot period
let measuresEnd = Day(year: 2025, month: 12, day: 31)
let transformationCap: Int64 = 500_000_00
let eligibleCategories: Set<String> = ["software", "cloud", "gateway", "router", "data_acquisition"]
let cappedItems: [String: (clause: String, cap: Int64)] = [
    "chain_case_award": ("art4.2", 500_000_00), "product_award": ("art4.2", 500_000_00),
    "public_platform": ("art4.3", 5_000_000_00), "sector_platform": ("art4.3", 1_500_000_00),
    "diagnosis": ("art4.4", 7_000_00), "acceptance_monitoring": ("art4.5", 10_000_00),
    "activities": ("art4.6", 3_000_000_00),
]
let awardKinds: [String: Set<String>] = [
    "chain_case_award": ["enterprise", "service_provider"], "product_award": ["service_provider"],
]

struct Decision: Encodable {
    let id, outcome, amount: String
    let reasons: [String]
    let clawback: String
    let blacklistedUntil: String?
    let missing: [String]

    enum CodingKeys: String, CodingKey {
        case id = "case", outcome, amount, reasons, clawback, blacklistedUntil = "blacklisted_until", missing
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(amount, forKey: .amount)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(clawback, forKey: .clawback)
        try c.encode(blacklistedUntil, forKey: .blacklistedUntil)  // null, not left out
        try c.encode(missing, forKey: .missing)
    }
}

struct UnknownItem: Error { let item: String }

func decide(_ c: Case) throws -> Decision {
    let a = c.applicant, p = c.project
    var refusals = Set<String>()
    var missing = Set<String>()

    if c.appliedOn < measuresStart || c.appliedOn > measuresEnd { refusals.insert("art16") }
    if a?.littleGiant == true && a?.centralFundReceived == true { refusals.insert("art6.1") }
    if a?.in2022Pilot == true { refusals.insert("art6.2") }
    if let ban = a?.blacklistedUntil, ban >= c.appliedOn { refusals.formUnion(["art6.3", "art13"]) }

    var clawback: Int64 = 0
    var banEnd: String? = nil
    if let found = c.fraudFoundOn {
        refusals.insert("art13")
        clawback = c.disbursed?.fen ?? 0
        banEnd = found.banEnd.iso
    }

    for change in p?.changes ?? [] where change.approved != true {
        refusals.insert("art9")
        switch change.kind {
        case "subject": refusals.insert("art9.1")
        case "content", "nature": refusals.insert("art9.2")
        default: refusals.insert("art9.3")
        }
    }

    let clause: String
    var amount: Int64 = 0
    if c.item == "transformation" {
        clause = "art4.1"
        if !(a?.isSME == true && a?.inPilotLibrary == true) { refusals.insert(clause) }
        if let level = p?.digitalLevel {
            if level < 2 { refusals.insert(clause) }
        } else {
            missing.insert("project.digital_level")
        }
        if p?.acceptedOn == nil { missing.insert("project.accepted_on") }
        var eligible: Int64 = 0
        for e in p?.expenses ?? [] where eligibleCategories.contains(e.category)
            && e.paidOn >= measuresStart && e.paidOn <= measuresEnd {
            eligible += e.amount.fen
        }
        let half = (eligible + 1) / 2  // 50%, half a fen rounded up
        amount = min(half, transformationCap - (p?.previouslyGranted?.fen ?? 0))
        if amount <= 0 { refusals.insert(clause) }
    } else if let (itemClause, cap) = cappedItems[c.item] {
        clause = itemClause
        let onceOnly = awardKinds[c.item]
        if onceOnly != nil && c.alreadyAwarded == true { refusals.insert(clause) }
        if c.item == "sector_platform" && (p?.platform ?? "").isEmpty { refusals.insert(clause) }
        if c.item == "diagnosis" || c.item == "acceptance_monitoring" {
            if a?.kind == "enterprise" { refusals.insert(clause) }  // not for its own
            if (p?.assessedEnterprise ?? "").isEmpty { missing.insert("project.assessed_enterprise") }
        }
        if let kinds = onceOnly {
            // An award rests on a selection made on or before the application, within the measures.
            if let s = c.selection, let subject = s.subject, !subject.isEmpty {
                if let on = s.on, on <= c.appliedOn, on >= measuresStart, on <= measuresEnd {
                } else {
                    refusals.insert(clause)
                }
            } else {
                refusals.insert(clause)
            }
            if !kinds.contains(a?.kind ?? "") { refusals.insert(clause) }
        }
        let requested = c.requested?.fen ?? 0
        if requested <= 0 { refusals.insert(clause) }
        amount = min(requested, cap)
    } else if c.item == "other" {
        clause = "art4.7"
    } else {
        throw UnknownItem(item: c.item)
    }

    let zero = "0.00", claw = Money.text(clawback)
    if !refusals.isEmpty {
        return Decision(id: c.id, outcome: "refused", amount: zero, reasons: refusals.sorted(),
                        clawback: claw, blacklistedUntil: banEnd, missing: [])
    }
    if !missing.isEmpty {
        return Decision(id: c.id, outcome: "incomplete", amount: zero, reasons: [clause],
                        clawback: claw, blacklistedUntil: banEnd, missing: missing.sorted())
    }
    if c.item == "other" {
        return Decision(id: c.id, outcome: "review", amount: zero, reasons: [clause],
                        clawback: claw, blacklistedUntil: banEnd, missing: [])
    }
    return Decision(id: c.id, outcome: "granted", amount: Money.text(amount), reasons: [clause],
                    clawback: claw, blacklistedUntil: banEnd, missing: [])
}

// MARK: - Command line

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// Decides every line of `input`, writing decisions to standard output; returns the failures.
/// (A function, not top-level code: loops over main.swift's globals pay exclusivity checks.)
func run(_ input: Data, name: String) -> Int {
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // the same bytes for the same cases, run after run
    let stdout = FileHandle.standardOutput
    var out = Data()
    out.reserveCapacity(1 << 20)
    var failures = 0
    // Line boundaries found over the raw bytes: Data's per-byte subscript goes through its
    // class storage (an exclusivity check per byte), which cost more than all the decoding.
    var lines: [Range<Int>] = []
    input.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
        var start = 0
        while start < buf.count {
            let end = buf[start...].firstIndex(of: 0x0A) ?? buf.count
            if buf[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                lines.append(start..<end)
            } else {
                lines.append(start..<start)  // blank: keeps line numbers right
            }
            start = end + 1
        }
    }
    let base = input.startIndex
    for (index, range) in lines.enumerated() where !range.isEmpty {
        let lineNumber = index + 1
        let line = input[(base + range.lowerBound)..<(base + range.upperBound)]
        do {
            out.append(try encoder.encode(try decide(try decoder.decode(Case.self, from: line))))
            out.append(0x0A)
        } catch {
            failures += 1
            FileHandle.standardError.write(Data("\(name):\(lineNumber): error: \(error)\n".utf8))
        }
        if out.count >= 1 << 20 {
            stdout.write(out)
            out.removeAll(keepingCapacity: true)
        }
    }
    stdout.write(out)
    return failures
}

let args = CommandLine.arguments
guard args.count == 2 else { fail("usage: native-fund CASES.jsonl|-") }
do {
    let input = args[1] == "-" ? FileHandle.standardInput.readDataToEndOfFile()
        : try Data(contentsOf: URL(fileURLWithPath: args[1]), options: .alwaysMapped)
    exit(run(input, name: args[1]) == 0 ? 0 : 1)
} catch {
    fail("\(args[1]): \(error.localizedDescription)")
}
