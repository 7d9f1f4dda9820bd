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
        let schema = policy.caseSchema
        func slot(_ facts: [Value?], _ s: RecordSchema, _ name: String) -> Value? {
            guard let i = s.index[name] else { fatalError("no fact \(name)") }
            return facts[i] ?? nil
        }
        func record(_ facts: [Value?], _ s: RecordSchema, _ name: String) -> ([Value?], RecordSchema) {
            guard let i = s.index[name], case .record(let r) = s.fields[i].type.unwrapped else { fatalError("no record \(name)") }
            if case .record(let f)? = facts[i] { return (f, policy.records[r]) }
            return ([Value?](repeating: nil, count: policy.records[r].fields.count), policy.records[r])
        }
        func enumName(_ v: Value?) -> String? {
            guard case .enumCase(let t, let k)? = v else { return nil }
            return policy.enums[t].cases[k].name
        }
        func listSchema(_ s: RecordSchema, _ name: String) -> RecordSchema {
            guard let i = s.index[name], case .list(.record(let r)) = s.fields[i].type.unwrapped else { fatalError("no list \(name)") }
            return policy.records[r]
        }
        let facts = c.facts
        guard enumName(slot(facts, schema, "item")) == "transformation", let applied = slot(facts, schema, "applied_on")?.asDate
        else { return nil }
        self.init(appliedOn: applied.days)
        let (a, aS) = record(facts, schema, "applicant")
        isSME = slot(a, aS, "is_sme")?.asBool ?? false
        inPilotLibrary = slot(a, aS, "in_pilot_library")?.asBool ?? false
        littleGiant = slot(a, aS, "little_giant")?.asBool ?? false
        centralFunds = slot(a, aS, "central_sme_fund_received")?.asBool ?? false
        in2022Pilot = slot(a, aS, "in_2022_pilot")?.asBool ?? false
        blacklistedUntil = slot(a, aS, "blacklisted_until")?.asDate?.days
        fraudFoundOn = slot(facts, schema, "fraud_found_on")?.asDate?.days
        disbursed = slot(facts, schema, "disbursed")?.asMoney?.fen ?? 0
        let (p, pS) = record(facts, schema, "project")
        if case .int(let l)? = slot(p, pS, "digital_level") { digitalLevel = l }
        acceptedOn = slot(p, pS, "accepted_on")?.asDate?.days
        previouslyGranted = slot(p, pS, "previously_granted")?.asMoney?.fen ?? 0
        let eS = listSchema(pS, "expenses"), cS = listSchema(pS, "changes")
        for case .record(let e) in slot(p, pS, "expenses")?.asList ?? [] {
            let category: Category = switch enumName(slot(e, eS, "category")) {
            case "software": .software
            case "cloud": .cloud
            case "gateway": .gateway
            case "router": .router
            case "data_acquisition": .dataAcquisition
            default: .other
            }
            expenses.append(Expense(category: category, amount: slot(e, eS, "amount")?.asMoney?.fen ?? 0,
                                    paidOn: slot(e, eS, "paid_on")?.asDate?.days ?? 0))
        }
        for case .record(let ch) in slot(p, pS, "changes")?.asList ?? [] {
            let kind: ChangeKind = switch enumName(slot(ch, cS, "kind")) {
            case "subject": .subject
            case "content": .content
            case "nature": .nature
            default: .other
            }
            changes.append(Change(kind: kind, approved: slot(ch, cS, "approved")?.asBool ?? false))
        }
    }
}
