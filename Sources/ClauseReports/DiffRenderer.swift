import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// `clause diff` output: JSON lines (stable keys, then added ones: docs/reference/diff.md), a text table a person reads,
/// or a Markdown memo (DiffRenderer+Table.swift). docs/reference/diff.md describes every field.
package enum DiffRenderer {
    /// The two packages compared, with the folders they were named by.
    package struct Compared: Sendable {
        package var base: Policy
        package var baseFolder: String
        package var proposed: Policy
        package var proposedFolder: String

        package init(base: Policy, baseFolder: String, proposed: Policy, proposedFolder: String) {
            self.base = base
            self.baseFolder = baseFolder
            self.proposed = proposed
            self.proposedFolder = proposedFolder
        }
    }

    // MARK: - JSON

    /// One changed case: the stable keys `case`, `base`, `proposed`, `causes`, and `change`, `item`,
    /// `district`, `delta`; causes name a rule, a definition or a parameter, with both values.
    package static func jsonLine(_ e: ImpactDiff.Entry, _ compared: Compared) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("case", e.caseID)
        w.field("change", e.change?.rawValue)
        w.field("item", e.item)
        w.field("district", e.district)
        w.field("delta", signed(e.delta))
        for (key, side) in [("base", e.base), ("proposed", e.proposed)] {
            w.key(name: key)
            w.beginObject()
            w.field("outcome", side.outcome.rawValue)
            w.field("amount", side.amount.plain)
            w.field("reasons", strings: side.reasons)
            w.endObject()
        }
        w.key("causes")
        w.beginArray()
        for c in e.causes {
            w.beginObject()
            w.field(name: c.kind.rawValue, c.name)
            w.field("clause", c.clause)
            w.key("base")
            write(c.base, c.kind, compared.base, &w)
            w.key("proposed")
            write(c.proposed, c.kind, compared.proposed, &w)
            if c.kind == .rule { w.field("clauses", strings: c.clauses) }
            if let label = c.label { w.field("label", label) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.output
    }

    /// A value as the decision JSON writes it (money `"500000.00"`, percent `"50%"`, enums by
    /// name); a rule as `{"status","amount"}`; null when the package has none or it is unknown.
    private static func write(_ shown: ImpactDiff.Shown?, _ kind: ImpactDiff.Cause.Kind, _ policy: Policy, _ w: inout JSONWriter) {
        switch shown {
        case .value(let v, let t)?:
            JSONDecisionRenderer.Context(policy: policy, lang: .zh).writeValue(v, t, &w)
        case .rule(let status, let amount)?:
            w.beginObject()
            w.field("status", status.rawValue)
            if let amount { w.field("amount", amount.plain) }
            w.endObject()
        case .missing?, nil:
            w.null()
        }
    }

    /// Signed yuan with two decimals: `+100000.00`, `-5000.00`, `0.00`.
    package static func signed(_ m: Money) -> String {
        m.fen > 0 ? "+" + m.plain : m.plain
    }

    /// The last line: totals overall, by item and by district, then the counts of each kind of
    /// change, the money difference and both packages (added after the stable keys).
    package static func jsonSummary(_ s: DiffSummary, _ compared: Compared) -> String {
        var w = JSONWriter()
        func tally(_ t: DiffSummary.Tally, extended: Bool) {
            w.field("cases", t.cases)
            w.field("changed", t.changed)
            w.key("granted")
            w.beginObject()
            w.field("base", t.grantedBase)
            w.field("proposed", t.grantedProposed)
            w.endObject()
            w.key("money")
            w.beginObject()
            w.field("base", t.moneyBase.plain)
            w.field("proposed", t.moneyProposed.plain)
            w.endObject()
            if extended { changes(t) }
        }
        func changes(_ t: DiffSummary.Tally) {
            w.key("changes")
            w.beginObject()
            for c in ImpactDiff.Change.allCases { w.field(name: c.rawValue, t.count(c)) }
            w.endObject()
            w.field("delta", signed(t.delta))
        }
        w.beginObject()
        w.key("summary")
        w.beginObject()
        tally(s.total, extended: false)
        w.field("failed", s.failed)
        for (key, groups) in [("by_item", s.byItem), ("by_district", s.byDistrict)] {
            w.key(name: key)
            w.beginObject()
            for g in groups {
                w.key(name: g.key)
                w.beginObject()
                tally(g.tally, extended: true)
                w.endObject()
            }
            w.endObject()
        }
        changes(s.total)
        w.key("packages")
        w.beginObject()
        for (key, policy, folder) in [("base", compared.base, compared.baseFolder), ("proposed", compared.proposed, compared.proposedFolder)] {
            w.key(name: key)
            w.beginObject()
            w.field("folder", folder)
            w.field("id", policy.id)
            w.field("version", policy.version)
            w.field("digest", policy.digest)
            w.key("packages")
            w.beginArray()
            for p in policy.packages {
                w.beginObject()
                w.field("id", p.id)
                w.field("version", p.version)
                w.field("digest", p.digest)
                w.field("folder", p.directory)
                if let amends = p.amends { w.field("amends", amends) }
                if let effective = p.effective { w.field("effective", effective.iso) }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endObject()
        w.endObject()
        w.endObject()
        return w.output
    }
}
