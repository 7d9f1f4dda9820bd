import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseWorkflows

/// The JSON of docs/reference/json.md, a line per case; `kind`, `cites`, `findings`, `states` and `effects` are additions.
package enum WorkflowJSON {
    package static func render(_ r: CaseReplay, lang: Lang) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("case", r.caseID)
        w.field("state", r.state.name)
        for (key, list) in [("violations", r.violations), ("findings", r.findings)] {
            w.key(name: key)
            w.beginArray()
            for v in list {
                w.beginObject()
                w.field("clause", v.clause)
                w.key("event")
                if let i = v.event { w.int(i) } else { w.null() }
                w.field("message", lang == .zh ? v.message : v.messageEn)
                w.field("kind", v.kind.rawValue)
                if !v.cites.isEmpty { w.field("cites", strings: v.cites) }
                if let c = v.correctedBy {
                    w.key("corrected_by")
                    w.int(c)
                    w.field("correction", v.correctionReason)
                }
                w.endObject()
            }
            w.endArray()
        }
        w.key("next")
        w.beginObject()
        for (role, events) in r.next { w.field(name: role.name, strings: events.map(\.name)) }
        w.endObject()
        w.key("states")
        w.beginObject()
        for (m, s) in r.states { w.field(name: m, s.name) }
        w.endObject()
        w.key("effects")
        w.beginObject()
        w.field("paid", r.paid.plain)
        w.field("clawback", r.clawback.plain)
        w.field("blacklisted_until", r.banUntil?.iso)
        w.endObject()
        w.endObject()
        return w.output
    }
}
