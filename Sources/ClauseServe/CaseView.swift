import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import ClauseWorkflows
import Foundation

/// One decision as the case page shows it: what `clause why` and `clause explain` say, from
/// the same `Justification`, remedies, ledger lines and record, laid out for the template.
struct CaseView: Sendable {
    /// The template's values (made safe as text; the template escapes them for HTML).
    var dataBox: Box
    /// The recorded JSON line, as `clause why --format json` prints it.
    var json: String
    var data: [String: Any] { dataBox.value }

    final class Box: @unchecked Sendable {
        let value: [String: Any]
        init(_ value: [String: Any]) { self.value = value }
    }

    static func missing(_ id: String) -> PageError {
        PageError(status: .notFound, message: "没有案件 \(id) 的决定记录 no decision is recorded for case '\(id)'")
    }

    /// The latest recorded decision of a case, decided again on its recorded rules, with the
    /// grants it counted that were revoked since marked, as `clause why` shows it, and the
    /// remedies of a refusal as `clause explain` searches them (the letter says what can be done).
    static func decided(_ id: String, state: WorkerState) throws -> (Decision, Policy) {
        guard let last = try state.store.decisions(caseID: id).last else { throw missing(id) }
        switch try state.replay(last) {
        case .success(let again):
            var d = again.decision
            d.markRevoked(try state.store.revokedDecisionIDs())
            if d.outcome == .refused || d.outcome == .incomplete { d.remedies = try remedies(last, d, policy: again.policy, state: state) }
            return (d, again.policy)
        case .failure(let p):
            throw PageError(status: .internalServerError, message: "决定 #\(last.id) 无法重新作出 decision #\(last.id) cannot be decided again: \(p.message)")
        }
    }

    /// What would change a refusal or an incomplete decision, searched as `clause explain` does,
    /// on the recorded case with the recorded ban and ledger figures (the record keeps none).
    static func remedies(_ r: RecordedDecision, _ d: Decision, policy: Policy, state: WorkerState) throws -> RemedySearch? {
        guard let c = try RecordedCase.asDecided(r, counted: d.ledger, policy: policy, store: state.store) else { return nil }
        return RemedyFinder.search(c, compiled: state.compiled(policy), asOf: r.asOf)
    }

    static func recorded(_ id: String, state: WorkerState, lang: Lang) throws -> CaseView {
        let store = state.store
        let records = try store.decisions(caseID: id)
        guard let last = records.last else { throw missing(id) }
        let zh = lang == .zh
        var data: [String: Any]
        var replays: [String: String]
        switch try state.replay(last) {
        case .success(let again):
            var d = again.decision
            d.markRevoked(try store.revokedDecisionIDs())
            if d.outcome == .refused || d.outcome == .incomplete { d.remedies = try remedies(last, d, policy: again.policy, state: state) }
            data = decision(d, policy: again.policy, lang: lang)
            replays = again.reproduces
                ? ["class": "ok", "text": zh ? "✓ 按记录的规则重新作出，与记录逐字相同" : "✓ decided again on its recorded rules: the same, byte for byte"]
                : ["class": "warning", "text": zh ? "✗ 按记录的规则重新作出的结果与记录不同（clause replay）" : "✗ decided again on its recorded rules, it differs from the record (clause replay)"]
        case .failure(let p):
            data = ["outcome": last.outcome, "outcomeLabel": last.outcome, "checks": [Any]()]
            replays = ["class": "warning", "text": TextForPage.plain(p.message)]
        }
        data["replays"] = replays
        data["noticeLink"] = "/cases/\(TextForPage.link(id))/notice"
        data["record"] = ["id": last.id, "at": TextForPage.plain(last.recordedAt), "by": TextForPage.plain(last.recordedBy),
                          "clauseVersion": TextForPage.plain(last.clauseVersion)] as [String: Any]
        if let r = try store.revocation(decisionID: last.id) {
            data["revoked"] = ["at": TextForPage.plain(r.at), "by": TextForPage.plain(r.by), "reason": TextForPage.plain(r.reason)]
        }
        let revoked = try store.revokedDecisionIDs()
        data["decisions"] = records.map { r -> [String: Any] in
            ["id": r.id, "at": TextForPage.plain(r.recordedAt), "outcome": revoked.contains(r.id) ? "\(r.outcome)（已撤销 revoked）" : r.outcome,
             "amount": Money(fen: r.amountFen).display, "asOf": r.asOf.iso]
        }
        let events = try store.workflowEvents(caseID: id)
        data["events"] = events.map { e -> [String: Any] in
            ["seq": e.seq, "event": TextForPage.plain(e.event), "on": TextForPage.plain(e.on ?? ""), "role": TextForPage.plain(e.role ?? ""),
             "district": TextForPage.plain(e.district ?? ""), "name": TextForPage.plain(e.name ?? "")]
        }
        data["hasEvents"] = !events.isEmpty
        data["hasHistory"] = true
        return CaseView(dataBox: Box(data), json: last.json)
    }

    /// The parts of a decision the page shows, in the order `clause explain` prints them.
    static func decision(_ d: Decision, policy: Policy, lang: Lang) -> [String: Any] {
        let j = Justification(d, policy: policy, lang: lang)
        let p = TextForPage.plain
        var data: [String: Any] = [
            "outcome": d.outcome.rawValue, "outcomeLabel": p(j.outcome), "amount": j.amount ?? false,
            "policyTitle": p(j.title), "version": p(j.version), "digest": j.digest, "asOf": j.asOf, "item": j.item.map(p) ?? false,
        ]
        data["reasons"] = j.reasons.map { r -> [String: Any] in
            ["cite": p(r.cite), "clause": p(r.clause), "rule": p(r.rule), "effect": r.effect.rawValue, "message": p(r.message),
             "capped": r.effect == .cap || r.capped, "fix": r.fix.map(p) ?? false,
             "quotes": r.quotes.map { ["cite": p($0.cite), "text": p($0.text)] }]
        }
        data["hasReasons"] = !j.reasons.isEmpty
        let remedies = RemedyText.lines(d, policy: policy, lang: lang)
        data["remedyTitle"] = RemedyText.title(lang)
        data["remedies"] = remedies.map(p)
        data["hasRemedies"] = !remedies.isEmpty
        data["consequences"] = j.consequences.map(p)
        data["hasConsequences"] = !j.consequences.isEmpty
        if let ban = d.registryBan {
            data["ban"] = ["title": RegistryBanText.title(lang), "text": p(RegistryBanText.sentence(ban, lang: lang))]
        }
        let ledger = LedgerText.lines(d, policy: policy, lang: lang)
        data["ledgerTitle"] = LedgerText.title(lang)
        data["ledger"] = ledger.map(p)
        data["hasLedger"] = !ledger.isEmpty
        var grants: [[String: Any]] = []
        for f in d.ledger?.figures ?? [] {
            for e in f.counted {
                grants.append(["figure": p(lang == .zh ? f.label : (f.labelEn ?? f.label)), "caseID": p(e.caseID), "link": TextForPage.link(e.caseID),
                               "decision": e.decisionID.map { "#\($0)" } ?? "", "asOf": e.asOf.iso, "amount": e.amount.display, "revoked": e.revoked])
            }
        }
        data["grants"] = grants
        data["hasGrants"] = !grants.isEmpty
        data["missing"] = j.missing.map(p)
        data["hasMissing"] = !j.missing.isEmpty
        data["calculation"] = j.calculation.map { ["depth": min($0.depth, 6), "text": p($0.text)] as [String: Any] }
        data["hasCalculation"] = !j.calculation.isEmpty
        data["checks"] = j.checks(onlyDeciding: false).map { c -> [String: Any] in
            ["symbol": c.symbol, "cite": p(c.cite), "rule": p(c.rule), "message": p(c.message), "details": c.details.map(p), "deciding": c.deciding]
        }
        return data
    }
}
