import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseWorkflows

/// The JSON line of `clause workflow next --format json`: what a role may do next in a case, what
/// depends on facts still to come and what it may not do, each with its clause. The queue page's
/// JSON twin is the same line with the state's standing violations, so the page never says
/// otherwise than the command. Kept here because the CLI links the workbench and not the other
/// way round.
package enum NextActionsLine {
    package static func write(_ r: CaseReplay, role: String, options: [NextActions.Option], zh: Bool, violations: [String]? = nil) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("case", r.caseID)
        w.field("state", r.state.name)
        w.field("role", role)
        w.field("next", strings: options.filter { $0.status != .mayNot }.map(\.event.name))
        for (key, status) in [("depends", NextActions.Option.Status.depends), ("may_not", .mayNot)] {
            w.key(name: key)
            w.beginArray()
            for o in options where o.status == status {
                for reason in o.reasons {
                    w.beginObject()
                    w.field("event", o.event.name)
                    w.field("clause", reason.clause)
                    w.field("message", zh ? reason.message : reason.messageEn)
                    w.endObject()
                }
            }
            w.endArray()
        }
        if let violations { w.field("violations", strings: violations) }
        w.endObject()
        return w.output
    }
}
