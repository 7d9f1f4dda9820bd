import ClauseLanguage
import ClauseSyntax

/// One entry of a case's `history:` (docs/reference/workflows.md): what happened, when, and who did it.
package struct HistoryEvent: Sendable {
    /// Position in the history, 0-based, as violations cite it.
    package var index: Int
    package var event: String
    package var on: CivilDate
    package var actor: Actor
    /// The event's declared payload (`amount`, `digital_level`, `kind`), typed.
    package var payload: [String: Value]
    package var range: SourceRange
}

/// Who acted: a role, and the attributes the role declares (a district bureau's `district`).
package struct Actor: Sendable {
    package var role: String
    package var name: String?
    package var attributes: [String: Value]

    package init(role: String, name: String?, attributes: [String: Value]) {
        self.role = role
        self.name = name
        self.attributes = attributes
    }
}
