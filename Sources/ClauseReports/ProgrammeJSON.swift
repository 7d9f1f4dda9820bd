import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage

/// `clause report --format json`: one object. Counts are numbers, money is a string in yuan with
/// two decimals (as `amount` in a decision), a percentage a string such as `"54%"`.
package enum ProgrammeJSON {
    package static func render(_ r: ProgrammeReport) -> String {
        var w = JSONWriter()
        func value(_ v: Value?) {
            switch v {
            case .int(let i)?: w.int(i)
            case .money(let m)?: w.string(m.plain)
            case .percent(let p)?: w.string(p.display)
            default: w.null()
            }
        }
        w.beginObject()
        w.field("policy", r.policy.id)
        w.field("version", r.policy.version)
        w.field("as_of", r.asOf.iso)
        w.key("years"); w.beginArray(); r.years.forEach { w.int($0) }; w.endArray()
        w.key("totals"); w.beginObject()
        w.field("cases", r.cases); w.field("grants", r.grants); w.field("payments", r.payments); w.field("paid", r.paid.plain)
        w.endObject()
        w.key("indicators"); w.beginArray()
        for row in r.rows {
            w.beginObject()
            w.field("id", row.indicator.name)
            w.field("clause", row.indicator.clause)
            w.field("cite", row.cite)
            w.field("label", row.indicator.label)
            w.field("label_en", row.indicator.labelEn)
            w.field("unit", row.indicator.unit)
            switch row.status {
            case .counted: w.field("status", "counted"); w.key("why"); w.null()
            case .reported: w.field("status", "reported"); w.key("why"); w.null()
            case .unknown(let why): w.field("status", "unknown"); w.field("why", why)
            }
            w.key("years"); w.beginArray()
            for y in row.years {
                w.beginObject()
                w.field("year", y.year)
                w.key("target"); value(y.target)
                w.key("achieved"); value(y.achieved)
                w.endObject()
            }
            w.endArray()
            w.key("target"); value(row.indicator.total)
            w.key("achieved"); value(row.achieved)
            w.field("sources", strings: row.sources)
            w.field("undetermined", row.undetermined)
            w.field("missing_facts", strings: row.missingFacts)
            if let per = row.indicator.per {
                // Counted per value of a fact (row 15: per pilot sector), each over its own whole.
                w.field("per", per.path)
                w.key("parts"); w.beginArray()
                for part in row.parts {
                    w.beginObject()
                    w.field("key", part.key); w.field("label", part.label)
                    w.key("count"); value(part.count)
                    w.key("whole"); value(part.whole)
                    w.key("achieved"); value(part.achieved)
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }
        w.endArray()
        w.key("funding")
        if let plan = r.policy.funding {
            let e = r.policy.enums[plan.sourceEnum]
            w.beginObject()
            w.field("clause", plan.clause)
            w.field("local_per_central", plan.localPerCentral.display)
            w.field("central", strings: plan.central.map { e.cases[$0].name })
            w.field("local", strings: plan.local.map { e.cases[$0].name })
            w.key("years"); w.beginArray()
            for y in r.funding {
                w.beginObject()
                w.field("year", y.year)
                w.key("by_source"); w.beginObject()
                for (c, m) in zip(e.cases, y.bySource) { w.field(name: c.name, m.plain) }
                w.endObject()
                w.field("unattributed", y.unattributed.plain)
                w.field("central", y.central.plain)
                w.field("local", y.local.plain)
                w.field("ratio", y.ratio?.display)
                w.field("local_required", y.localRequired.plain)
                w.field("shortfall", y.shortfall.plain)
                w.endObject()
            }
            w.endArray()
            w.key("monthly"); w.beginArray()
            for m in r.monthly {
                w.beginObject()
                w.field("month", m.month)
                w.key("by_source"); w.beginObject()
                for (c, x) in zip(e.cases, m.bySource) { w.field(name: c.name, x.plain) }
                w.endObject()
                w.field("unattributed", m.unattributed.plain)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.key("budget"); w.beginObject()
        for (name, list) in [("by_item", r.byItem), ("by_district", r.byDistrict)] {
            w.key(name: name); w.beginArray()
            for x in list {
                w.beginObject()
                w.field("key", x.key); w.field("label", x.label); w.field("cases", x.cases)
                w.field("granted", x.granted.plain); w.field("paid", x.paid.plain)
                if name == "by_item" {
                    // A ceiling the measures set, or a projection (cap per award × an indicator's
                    // minimum target), never both: a projection is no ceiling and nothing exceeds it.
                    let key = x.projection ? "projection" : "ceiling"
                    w.field("ceiling", x.projection ? nil : x.ceiling?.plain); w.field("ceiling_basis", x.projection ? nil : x.ceilingBasis)
                    if x.projection { w.field("projection", x.ceiling?.plain); w.field("projection_basis", x.ceilingBasis) }
                    w.field("over_ceiling", x.overCeiling)
                    w.field("granted_share", x.grantedShare?.display); w.field("paid_share", x.paidShare?.display)
                    w.key("years"); w.beginArray()
                    for y in x.years {
                        w.beginObject()
                        w.field("year", y.year); w.field(name: key, y.ceiling?.plain)
                        w.field("granted", y.granted.plain); w.field("paid", y.paid.plain)
                        w.field("granted_share", y.grantedShare?.display); w.field("paid_share", y.paidShare?.display)
                        w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.field("notes", strings: r.notes)
        w.endObject()
        return w.output + "\n"
    }
}
