import ClauseEngine
import ClauseLanguage
import GRDB

/// The facts of a decision that the fund's figures and the one-application rule match on, kept
/// with the decision in their canonical spelling (the case reader made them canonical), so that
/// a figure is counted from the record itself and never by reading a case text again.
package enum DecisionKeys {
    /// The paths kept for decisions of `policy`: every fact a ledger figure reads, the item, and
    /// the applicant's credit code (the fact with role `credit_code`).
    static func paths(_ policy: Policy) -> [String] {
        var paths = Set(policy.ledger.flatMap(\.paths))
        if let applicant = policy.banFacts?.creditCode { paths.insert(applicant) }
        if let item = policy.itemSlot { paths.insert(policy.caseSchema.fields[item].name) }
        return paths.sorted()
    }

    /// The keys of case `c`, as a case file would write each value; nil for a fact the case does
    /// not give (or gives as none), so a stored path always means it was looked at.
    ///
    /// `award.PART` is not a fact of the case: it is the amount the decision granted under that
    /// award part (`parts`, from `Decision.partAmounts`), kept so a figure that sums one part
    /// (`sum: award.base`) counts from the record like any other. `paths` is `paths(policy)`,
    /// which the caller keeps.
    static func of(_ c: CaseFile, policy: Policy, paths: [String], parts: [String: Money] = [:]) -> [(path: String, value: String?)] {
        paths.map { path in
            if let part = partName(path) { return (path, parts[part]?.plain) }
            return (path, FactPath.value(path, in: c, policy: policy).flatMap { caseText($0, policy: policy) })
        }
    }

    /// The award part a stored path names (`award.base` → `base`), if it is one.
    static func partName(_ path: String) -> String? {
        let prefix = LedgerMeasure.partPath("")
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// A value written as a case file writes it; nil for none and for values no key holds.
    static func caseText(_ v: Value, policy: Policy) -> String? {
        switch v {
        case .text(let t): t
        case .enumCase(let e, let k): policy.enums[e].cases[k].name
        case .int(let n): String(n)
        case .money(let m): m.plain
        case .bool(let b): b ? "true" : "false"
        case .date(let d): d.iso
        default: nil
        }
    }

    /// The value of a stored key under `policy`'s schema (nil when the schema no longer reads it).
    static func value(_ text: String, path: String, policy: Policy) -> Value? {
        if partName(path) != nil {
            if case .success(let m) = ScalarValue.money(text) { return .money(m) }
            return nil
        }
        guard let field = policy.fields(along: path).last, policy.fields(along: path).count == path.split(separator: ".").count else { return nil }
        if case .success(let v) = ScalarValue.read(text: text, style: .plain, as: field.type.unwrapped, policy: policy) { return v }
        return nil
    }

    /// Stores the keys of decision `id` of `policyID`, and keeps `key_paths` true: a path kept from
    /// now on starts at this decision; a path kept before but not now is complete only after it.
    ///
    /// - Parameter known: the paths `key_paths` holds for the policy, when the caller knows them
    ///   (a recorder within its batch, where nobody else writes); kept up to date here. A decision
    ///   with exactly those paths, as nearly every one is, changes nothing there and reads nothing.
    static func insert(_ keys: [(path: String, value: String?)], decisionID id: Int64, policyID: String, known: inout Set<String>?,
                       _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO decision_keys (decision_id, path, value) VALUES (?, ?, ?)")
        for k in keys { try insert.run(id.databaseValue, k.path.databaseValue, k.value?.databaseValue ?? .null) }
        let paths = Set(keys.map(\.path))
        if known == paths { return }
        let kept = try String.fetchAll(db.cachedStatement(sql: "SELECT path FROM key_paths WHERE policy_id = ?"), arguments: [policyID])
        known = paths.union(kept)
        for path in paths where !kept.contains(path) {
            try db.cachedStatement(sql: "INSERT INTO key_paths (policy_id, path, since) VALUES (?, ?, ?)").execute(arguments: [policyID, path, id])
        }
        for path in kept where !paths.contains(path) {
            try db.cachedStatement(sql: "UPDATE key_paths SET since = ? WHERE policy_id = ? AND path = ?").execute(arguments: [id + 1, policyID, path])
        }
    }
}
