import ClauseLanguage
import ClauseEngine
import ClauseStore
import ClauseSyntax
import Foundation

/// The latest decision of every recorded case, with the applicant's name and district read from
/// the recorded case text: what the case list searches. Built from the store when first asked
/// and again whenever the store holds more decisions or revocations than when it was built
/// (the CLI may record while the workbench runs).
struct CaseIndex: Sendable {
    struct Row: Sendable {
        var decisionID: Int64
        var caseID: String
        var policyID: String
        var enterprise: String
        var district: String
        /// `granted`, `refused`, `incomplete`, `review`, or `revoked`.
        var outcome: String
        var amount: Money
        var asOf: String
        /// The case id and the enterprise's name in lower case, as UTF-8, for the search.
        var searchText: [UInt8]
    }

    var rows: [Row]
    var fingerprint: String
    var districts: [String]

    static func fingerprint(_ store: RecordStore) throws -> String {
        "\(try store.decisionCount()):\(try store.revokedDecisionIDs().count)"
    }

    static func build(_ store: RecordStore) throws -> CaseIndex {
        let print = try fingerprint(store)
        var rows: [Row] = []
        for policyID in try store.recordedPolicyIDs() {
            for d in try store.latestDecisions(policyID: policyID) {
                let (name, district) = applicant(d.caseText)
                rows.append(Row(decisionID: d.id, caseID: d.caseID, policyID: policyID, enterprise: name, district: district,
                                outcome: d.outcome, amount: Money(fen: d.amountFen), asOf: d.asOf,
                                searchText: Array((d.caseID.lowercased() + "\u{0}" + name.lowercased()).utf8)))
            }
        }
        rows.sort { $0.caseID < $1.caseID }
        return CaseIndex(rows: rows, fingerprint: print, districts: Array(Set(rows.map(\.district)).filter { !$0.isEmpty }).sorted())
    }

    /// `applicant.name` and `applicant.district` of a case text ("" where it gives none).
    static func applicant(_ text: String) -> (String, String) {
        var bag = DiagnosticBag()
        guard case .mapping(let root)? = YAMLReader.read(SourceFile(path: "<case>", text: text), into: &bag),
              case .mapping(let a)? = root["applicant"] else { return ("", "") }
        func scalar(_ key: String) -> String {
            if case .scalar(let s)? = a[key], !s.isNull { return s.text }
            return ""
        }
        return (scalar("name"), scalar("district"))
    }

    /// Whether `needle` occurs in `hay`, byte for byte (both UTF-8, so a match is a match of
    /// whole characters): Foundation's `contains` cost 2 µs a row, too much for 10,000 rows a page.
    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// The rows matching a search: `text` in the case id or the enterprise's name, and the
    /// district and outcome when given.
    func search(text: String?, district: String?, outcome: String?) -> [Row] {
        let needle = Array((text?.trimmingCharacters(in: .whitespaces).lowercased() ?? "").utf8)
        return rows.filter { r in
            (needle.isEmpty || Self.contains(r.searchText, needle))
                && (district.map { $0.isEmpty || r.district == $0 } ?? true)
                && (outcome.map { $0.isEmpty || r.outcome == $0 } ?? true)
        }
    }

}

/// The index shared by the workers, rebuilt by whichever worker first sees the store change.
/// Whether it changed is asked of the store at most once a second (counting 10,000 decisions
/// costs more than a page), so a decision recorded meanwhile shows within a second.
final class CaseIndexHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var index: CaseIndex?
    private var checked = Date.distantPast

    func current(_ store: RecordStore) throws -> CaseIndex {
        lock.lock()
        if let i = index, Date().timeIntervalSince(checked) < 1 {
            lock.unlock()
            return i
        }
        lock.unlock()
        let print = try CaseIndex.fingerprint(store)
        lock.lock()
        if let i = index, i.fingerprint == print {
            checked = Date()
            lock.unlock()
            return i
        }
        lock.unlock()
        let built = try CaseIndex.build(store)
        lock.lock()
        index = built
        checked = Date()
        lock.unlock()
        return built
    }
}
