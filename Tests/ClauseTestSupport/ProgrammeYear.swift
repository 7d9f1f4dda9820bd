import ClauseLanguage
import Foundation

/// A seeded year of the Shenyang programme: transformation projects (some enterprises with two,
/// some refused for level 1, some capped by the 50万元 per enterprise), diagnosis services,
/// chain-case awards (some subjects twice), histories with acceptance and payment by source, a
/// revocation. The expected figures are computed here from the generated facts alone, never
/// through the engine, and compared with `clause report --format json`.
package struct ProgrammeYear {
    package struct Transformation {
        package var id: String, code: String, district: String, applied: String, accepted: String, level: Int
        package var spending: Int64, aboveScale: Bool, innovative: Bool, paidOn: String?, source: String?
        package var grant: Int64 = 0
    }
    package struct Diagnosis { package var id: String, code: String, assessed: String?, applied: String, requested: Int64, paidOn: String, source: String? }
    package struct Award { package var id: String, subject: String, applied: String, selectedOn: String, granted: Bool = false }

    package var transformations: [Transformation] = []
    package var diagnoses: [Diagnosis] = []
    package var awards: [Award] = []
    package var revoked: String?
    package static let districts = ["和平区", "沈河区", "铁西区", "浑南区", "皇姑区", "于洪区"]
    package static let sources: [String?] = ["central", "central", "provincial", "city", "district", nil]

    /// SplitMix64: the same year on every machine.
    package struct Random {
        package var state: UInt64
        package mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        package mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    package static func date(_ dayOfYear: Int, year: Int = 2024) -> String {
        let d = CivilDate(days: CivilDate(iso: "\(year)-01-01")!.days + Int32(dayOfYear))
        return d.iso
    }

    /// A valid 统一社会信用代码: 17 characters, then the GB 32100-2015 check character.
    package static func code(_ prefix: String, _ n: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let body = "9121\(prefix)" + String(format: "%09d", n)
        let sum = zip(body, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return body + String(alphabet[(31 - sum % 31) % 31])
    }

    package init(seed: UInt64) {
        var r = Random(state: seed)
        var granted: [String: Int64] = [:]
        for i in 0..<120 {
            let day = r.int(9...270)
            let level = r.int(0...9) == 0 ? 1 : r.int(2...4)
            var t = Transformation(id: String(format: "T-%04d", i), code: Self.code("06MA", r.int(1...90)),
                                   district: Self.districts[r.int(0...5)], applied: Self.date(day), accepted: Self.date(day + r.int(30...150)),
                                   level: level, spending: Int64(r.int(100_000...600_000)) * 2 * 100, aboveScale: r.int(0...2) > 0,
                                   innovative: r.int(0...3) == 0, paidOn: nil, source: Self.sources[r.int(0...5)])
            if level >= 2 {
                let room = max(50_000_000 - granted[t.code, default: 0], 0)
                t.grant = min(t.spending / 2, room)
                granted[t.code, default: 0] += t.grant
                if t.grant > 0 { t.paidOn = Self.date(day + r.int(30...150) + 20) }
            }
            transformations.append(t)
        }
        // Pay on a day after acceptance: recompute from the accepted date.
        for i in transformations.indices where transformations[i].paidOn != nil {
            let acc = CivilDate(iso: Substring(transformations[i].accepted))!
            transformations[i].paidOn = CivilDate(days: acc.days + Int32(r.int(5...40))).iso
        }
        for i in 0..<40 {
            // Each diagnosis serves an enterprise of its own (the cap is per enterprise served, and
            // a diagnosis without one is incomplete); the draw keeps the rest of the year as it was.
            if i % 13 != 5 { _ = r.int(1...30) }
            diagnoses.append(Diagnosis(id: String(format: "D-%04d", i), code: Self.code("12TT", i),
                                       assessed: Self.code("06MA", 200 + i), applied: Self.date(r.int(9...330)),
                                       requested: r.int(0...1) == 0 ? 700_000 : 500_000, paidOn: Self.date(r.int(335...364)),
                                       source: Self.sources[r.int(0...5)]))
        }
        var subjects = Set<String>()
        for i in 0..<12 {
            let sel = r.int(30...300)
            var a = Award(id: String(format: "A-%04d", i), subject: "链式案例\(r.int(1...8))号", applied: Self.date(sel + 10), selectedOn: Self.date(sel))
            a.granted = subjects.insert(a.subject).inserted
            awards.append(a)
        }
        // Revoke one granted case whose enterprise has no other project (its grant stops counting).
        revoked = transformations.first { t in t.grant > 0 && transformations.filter { $0.code == t.code }.count == 1 }?.id
    }

    // MARK: - Case files

    package func transformationYAML(_ t: Transformation) -> String {
        var h = """
            history:
              - { event: submit, on: \(t.applied), by: { role: enterprise } }
              - { event: district_pass, on: \(t.applied), by: { role: district_bureau, district: \(t.district) } }
              - { event: city_pass, on: \(t.applied), by: { role: city_bureau } }
              - { event: accept, on: \(t.accepted), by: { role: third_party }, digital_level: \(t.level) }

            """
        if let paid = t.paidOn {
            h += "  - { event: pay, on: \(paid), by: { role: city_bureau }, amount: \(Money(fen: t.grant).plain)"
                + (t.source.map { ", source: \($0)" } ?? "") + " }\n"
        }
        return """
            case: \(t.id)
            policy: shenyang-sme-dx-fund
            item: transformation
            applied_on: \(t.applied)
            applicant:
              name: 企业\(t.code)
              credit_code: \(t.code)
              kind: enterprise
              district: \(t.district)
              sector: machine_tools
              is_sme: true
              in_pilot_library: true
              little_giant: false
              central_sme_fund_received: false
              in_2022_pilot: false
              above_scale: \(t.aboveScale)
              innovative: \(t.innovative)
            project:
              digital_level: \(t.level)
              accepted_on: \(t.accepted)
              expenses:
                - { name: 软件, category: software, amount: \(Money(fen: t.spending).plain), paid_on: 2024-02-01 }
            requested: 0
            already_awarded: false

            """ + h
    }

    package func diagnosisYAML(_ d: Diagnosis) -> String {
        """
        case: \(d.id)
        policy: shenyang-sme-dx-fund
        item: diagnosis
        applied_on: \(d.applied)
        applicant: { name: 智库\(d.code), credit_code: \(d.code), kind: think_tank, district: 浑南区, sector: other, is_sme: true,
                     in_pilot_library: false, little_giant: false, central_sme_fund_received: false, in_2022_pilot: false }
        project: { assessed_enterprise: \(d.assessed ?? "null") }
        requested: \(Money(fen: d.requested).plain)
        already_awarded: false
        history:
          - { event: submit, on: \(d.applied), by: { role: enterprise } }
          - { event: pay, on: \(d.paidOn), by: { role: city_bureau }, amount: \(Money(fen: d.requested).plain)\(d.source.map { ", source: \($0)" } ?? "") }

        """
    }

    package func awardYAML(_ a: Award) -> String {
        """
        case: \(a.id)
        policy: shenyang-sme-dx-fund
        item: chain_case_award
        applied_on: \(a.applied)
        applicant: { name: 服务商\(a.id), credit_code: \(Self.code("02FW", Int(a.id.dropFirst(2))!)), kind: service_provider, district: 和平区,
                     sector: air_cooling, is_sme: true, in_pilot_library: false, little_giant: false, central_sme_fund_received: false,
                     in_2022_pilot: false }
        selection: { list: 2024年典型案例名单, on: \(a.selectedOn), subject: \(a.subject) }
        requested: 300000.00
        already_awarded: false

        """
    }

    /// Writes every case under `folder` in the order they are to be recorded.
    package func write(into scratch: StoreScratch, folder: String) throws {
        var n = 0
        func put(_ text: String) throws {
            try scratch.write("\(folder)/\(String(format: "%04d", n)).yaml", text)
            n += 1
        }
        for t in transformations { try put(transformationYAML(t)) }
        for d in diagnoses { try put(diagnosisYAML(d)) }
        for a in awards { try put(awardYAML(a)) }
    }

    // MARK: - Expected figures, from the generated facts alone

    package func grantedTransformations(asOf: String) -> [Transformation] {
        transformations.filter { $0.grant > 0 && $0.id != revoked && $0.accepted <= asOf }
    }

    /// Every transformation accepted by `asOf`, granted or not (rows 1, 15, 16 count the
    /// enterprises transformed, not the ones subsidised).
    package func acceptedTransformations(asOf: String) -> [Transformation] {
        transformations.filter { $0.accepted <= asOf }
    }

    /// Distinct enterprises by the year of their first counted acceptance.
    package func distinctByYear(_ list: [Transformation]) -> [Int: Int] {
        var first: [String: String] = [:]
        for t in list.sorted(by: { $0.accepted < $1.accepted }) where first[t.code] == nil { first[t.code] = t.accepted }
        var out: [Int: Int] = [:]
        for d in first.values { out[Int(d.prefix(4))!, default: 0] += 1 }
        return out
    }

    /// Every payment on or before `asOf`: (date, amount, source, item, district).
    package func payments(asOf: String) -> [(on: String, fen: Int64, source: String?, item: String, district: String)] {
        transformations.compactMap { t in t.paidOn.flatMap { $0 <= asOf ? ($0, t.grant, t.source, "transformation", t.district) : nil } }
            + diagnoses.compactMap { d in d.paidOn <= asOf ? (d.paidOn, d.requested, d.source, "diagnosis", "浑南区") : nil }
    }
}
