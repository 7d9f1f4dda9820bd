import ClauseEngine
import ClauseLanguage

/// Baseline (a): the Shenyang transformation item (第四条第（一）项) hand-written in Swift, money in
/// Int64 fen, over structs read once before measuring. It decides what the interpreter decides for a
/// transformation case: every refusal of 第十六条, 第六条, 第十三条 (with its clawback and ban), 第九条 and
/// 第四条第（一）项, then incomplete for missing facts, then the capped amount. Independent of the
/// engine's evaluation code: only the setup (`init(_:policy:)`) reads the engine's typed case.
struct NativeCase: Sendable {
    enum Category: UInt8, Sendable { case software, cloud, gateway, router, dataAcquisition, other }
    enum ChangeKind: UInt8, Sendable { case subject, content, nature, other }
    struct Expense: Sendable {
        var category: Category
        var amount: Int64
        var paidOn: Int32
    }
    struct Change: Sendable {
        var kind: ChangeKind
        var approved: Bool
    }

    var appliedOn: Int32
    var isSME = false, inPilotLibrary = false, littleGiant = false, centralFunds = false, in2022Pilot = false
    var blacklistedUntil: Int32?
    var fraudFoundOn: Int32?
    var disbursed: Int64 = 0
    var digitalLevel: Int64?
    var acceptedOn: Int32?
    var previouslyGranted: Int64 = 0
    var expenses: [Expense] = []
    var changes: [Change] = []
}

struct NativeDecision: Sendable, Equatable {
    enum Outcome: String, Sendable { case granted, refused, incomplete }
    var outcome: Outcome
    var amount: Int64
    var reasons: [StaticString]
    var missing: [StaticString]
    var clawback: Int64
    var bannedUntil: Int32?

    static func == (a: NativeDecision, b: NativeDecision) -> Bool {
        a.outcome == b.outcome && a.amount == b.amount && a.clawback == b.clawback && a.bannedUntil == b.bannedUntil
            && a.reasons.map(\.description) == b.reasons.map(\.description)
    }
}

enum NativeShenyang {
    static let measuresEnd = days(2025, 12, 31)
    static let pilotStart = days(2024, 1, 1)
    static let pilotEnd = days(2025, 12, 31)
    static let capFen: Int64 = 500_000_00
    static let rateMillionths: Int64 = 500_000 // 50%
    static let minimumLevel: Int64 = 2

    @inline(never)
    static func decide(_ c: NativeCase) -> NativeDecision {
        // Refusal bits, in clause-id order: art13 art16 art4.1 art6.1 art6.2 art6.3 art9 art9.1 art9.2 art9.3.
        var refusals: UInt16 = 0
        let art13: UInt16 = 1 << 0, art16: UInt16 = 1 << 1, art41: UInt16 = 1 << 2, art61: UInt16 = 1 << 3
        let art62: UInt16 = 1 << 4, art63: UInt16 = 1 << 5, art9: UInt16 = 1 << 6, art91: UInt16 = 1 << 7
        let art92: UInt16 = 1 << 8, art93: UInt16 = 1 << 9
        var clawback: Int64 = 0
        var bannedUntil: Int32?

        if c.appliedOn > measuresEnd { refusals |= art16 }
        if c.littleGiant && c.centralFunds { refusals |= art61 }
        if c.in2022Pilot { refusals |= art62 }
        if let b = c.blacklistedUntil, b >= c.appliedOn { refusals |= art63 | art13 }
        if let f = c.fraudFoundOn {
            refusals |= art13
            clawback = c.disbursed
            bannedUntil = addYears(f, 3) - 1
        }
        for ch in c.changes where !ch.approved {
            switch ch.kind {
            case .subject: refusals |= art9 | art91
            case .content, .nature: refusals |= art9 | art92
            case .other: refusals |= art9 | art93
            }
        }
        if !(c.isSME && c.inPilotLibrary) { refusals |= art41 }
        if let level = c.digitalLevel, level < minimumLevel { refusals |= art41 }

        var eligible: Int64 = 0
        for e in c.expenses where e.category != .other && e.paidOn >= pilotStart && e.paidOn <= pilotEnd {
            let (s, o) = eligible.addingReportingOverflow(e.amount)
            precondition(!o, "eligible spending overflows")
            eligible = s
        }
        let product = Int128(eligible) * Int128(rateMillionths)
        var award = Int64(product / 1_000_000)
        if (product % 1_000_000) * 2 >= 1_000_000 { award += 1 } // half up (eligible ≥ 0)
        let room = capFen - c.previouslyGranted
        let amount = min(award, room)
        if amount <= 0 { refusals |= art41 }

        if refusals != 0 {
            let names: [StaticString] = ["art13", "art16", "art4.1", "art6.1", "art6.2", "art6.3", "art9", "art9.1", "art9.2", "art9.3"]
            var reasons: [StaticString] = []
            reasons.reserveCapacity(refusals.nonzeroBitCount)
            for i in 0..<names.count where refusals & (1 << i) != 0 { reasons.append(names[i]) }
            return NativeDecision(outcome: .refused, amount: 0, reasons: reasons, missing: [], clawback: clawback, bannedUntil: bannedUntil)
        }
        if c.acceptedOn == nil || c.digitalLevel == nil {
            var missing: [StaticString] = []
            if c.acceptedOn == nil { missing.append("project.accepted_on") }
            if c.digitalLevel == nil { missing.append("project.digital_level") }
            return NativeDecision(outcome: .incomplete, amount: 0, reasons: ["art4.1"], missing: missing, clawback: 0, bannedUntil: nil)
        }
        return NativeDecision(outcome: .granted, amount: amount, reasons: ["art4.1"], missing: [], clawback: 0, bannedUntil: nil)
    }

    // Howard Hinnant's civil calendar (days since 1970-01-01), as the engine counts days.
    static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int32 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    static func civil(_ days: Int32) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Calendar years later; 29 February becomes 28 February in a common year.
    static func addYears(_ day: Int32, _ n: Int) -> Int32 {
        let (y, m, d) = civil(day)
        let ny = y + n
        let leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0
        return days(ny, m, (m == 2 && d == 29 && !leap) ? 28 : d)
    }
}

extension NativeCase {
    /// Setup only: the native structs from a case the engine has read (nil for other items).
    init?(_ c: CaseFile, policy: Policy) {
        let facts = CaseFacts(c, policy: policy)
        func bool(_ f: CaseFacts.Fact?) -> Bool? { if case .bool(let b)? = f { b } else { nil } }
        func date(_ f: CaseFacts.Fact?) -> Int32? { if case .date(let d)? = f { d } else { nil } }
        func fen(_ f: CaseFacts.Fact?) -> Int64? { if case .money(let m)? = f { m } else { nil } }
        func choice(_ f: CaseFacts.Fact?) -> String? { if case .choice(let n)? = f { n } else { nil } }
        func records(_ f: CaseFacts.Fact?) -> [CaseFacts] {
            guard case .list(let items)? = f else { return [] }
            return items.compactMap { if case .record(let r) = $0 { r } else { nil } }
        }
        guard choice(facts["item"]) == "transformation", let applied = date(facts["applied_on"]) else { return nil }
        self.init(appliedOn: applied)
        let a = facts.record("applicant")
        isSME = bool(a["is_sme"]) ?? false
        inPilotLibrary = bool(a["in_pilot_library"]) ?? false
        littleGiant = bool(a["little_giant"]) ?? false
        centralFunds = bool(a["central_sme_fund_received"]) ?? false
        in2022Pilot = bool(a["in_2022_pilot"]) ?? false
        blacklistedUntil = date(a["blacklisted_until"])
        fraudFoundOn = date(facts["fraud_found_on"])
        disbursed = fen(facts["disbursed"]) ?? 0
        let p = facts.record("project")
        if case .int(let l)? = p["digital_level"] { digitalLevel = l }
        acceptedOn = date(p["accepted_on"])
        previouslyGranted = fen(p["previously_granted"]) ?? 0
        for e in records(p["expenses"]) {
            let category: Category = switch choice(e["category"]) {
            case "software": .software
            case "cloud": .cloud
            case "gateway": .gateway
            case "router": .router
            case "data_acquisition": .dataAcquisition
            default: .other
            }
            expenses.append(Expense(category: category, amount: fen(e["amount"]) ?? 0, paidOn: date(e["paid_on"]) ?? 0))
        }
        for ch in records(p["changes"]) {
            let kind: ChangeKind = switch choice(ch["kind"]) {
            case "subject": .subject
            case "content": .content
            case "nature": .nature
            default: .other
            }
            changes.append(Change(kind: kind, approved: bool(ch["approved"]) ?? false))
        }
    }
}
