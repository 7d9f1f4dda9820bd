import ArgumentParser
import ClauseStore
import Foundation

/// What every correction of the record (`revoke`, `bans lift`) carries: a reason in words, who
/// made it (`CLAUSE_USER`, else the login) and when, so the record says why it changed.
struct Correction: ParsableArguments {
    @Option(help: "Why (kept with who and when).")
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason needs words: say why") }
    }

    var who: String { DecisionRecorder.user() }
    var when: String { ISO8601DateFormatter().string(from: Date()) }
}
