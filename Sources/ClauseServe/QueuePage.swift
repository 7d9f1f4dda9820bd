import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import ClauseWorkflows
import Foundation
import Hummingbird

/// A district's cases by workflow state, with what a role may do next: each case replayed over
/// its recorded events as `clause workflow next --store` replays it, and judged by the same
/// `NextActions`, so the page never offers what the workflow would refuse.
extension Site {
    static let pageSize = 50

    struct QueueEntry: Sendable {
        var row: CaseIndex.Row
        var result: Result<(state: String, stateLabel: String, json: String, html: HTMLBox), PageError>
    }

    final class HTMLBox: @unchecked Sendable {
        let value: [String: Any]
        init(_ value: [String: Any]) { self.value = value }
    }

    func queue(_ request: Request, json: Bool) async throws -> Response {
        let q = request.uri.queryParameters
        let district = q.get("district").flatMap { $0.isEmpty ? nil : $0 }
        let role = q.get("as").flatMap { $0.isEmpty ? nil : $0 } ?? "district_bureau"
        let page = max(1, q.get("page", as: Int.self) ?? 1)
        let lang = self.lang(request)
        let index = self.index
        let title = "待办 Queue\(district.map { " · \($0)" } ?? "")"
        let api = "/api/queue?" + (district.map { "district=\(TextForPage.link($0))&" } ?? "") + "as=\(TextForPage.link(role))"
        let fingerprint = try await workers.run { try index.current($0.store).fingerprint }
        let listKey = "\(request.uri.path)?\(request.uri.query ?? "")\u{0}\(fingerprint)"
        if !json, let kept = lists.get(listKey) { return Pages.html(title, body: kept, lang: lang, api: api) }
        let (all, entries, total) = try await workers.run { state -> (CaseIndex, [QueueEntry], Int) in
            let all = try index.current(state.store)
            let rows = all.rows.filter { district == nil || $0.district == district }
            let slice = rows.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
            return (all, try slice.map { try Self.judge($0, role: role, district: district, lang: lang, state: state) }, rows.count)
        }
        if json {
            return Pages.json(entries.compactMap { e -> String? in
                if case .success(let s) = e.result { return s.json }
                return nil
            }.joined(separator: "\n"))
        }
        var order: [String] = []
        var groups: [String: (label: String, cases: [[String: Any]])] = [:]
        var problems: [[String: Any]] = []
        for e in entries {
            switch e.result {
            case .success(let s):
                if groups[s.state] == nil { order.append(s.state); groups[s.state] = (s.stateLabel, []) }
                var row = s.html.value
                row["enterprise"] = TextForPage.plain(e.row.enterprise)
                groups[s.state]!.cases.append(row)
            case .failure(let p):
                problems.append(["caseID": TextForPage.plain(e.row.caseID), "message": TextForPage.plain(p.message)])
            }
        }
        var states: [[String: Any]] = order.map { ["name": $0, "label": TextForPage.plain(groups[$0]!.label), "count": groups[$0]!.cases.count, "cases": groups[$0]!.cases] }
        if !problems.isEmpty { states.append(["name": "", "label": "无法重放 cannot be replayed", "count": problems.count, "cases": [Any](), "problems": problems]) }
        var next: String?
        if page * Self.pageSize < total {
            var parts = ["as=\(TextForPage.link(role))", "page=\(page + 1)"]
            if let district { parts.insert("district=\(TextForPage.link(district))", at: 0) }
            next = "/queue?" + parts.joined(separator: "&")
        }
        let roles = [("district_bureau", "区县工信局 district bureau"), ("city_bureau", "市工信局 city bureau"), ("third_party", "第三方机构 third party"),
                     ("enterprise", "企业 enterprise")]
        let body = Templates.render("queue", [
            "districts": all.districts.map { ["name": TextForPage.plain($0), "selected": $0 == district] as [String: Any] },
            "roles": roles.map { ["name": $0.0, "label": $0.1, "selected": $0.0 == role] as [String: Any] },
            "count": total, "page": page, "next": next ?? false, "states": states,
        ])
        lists.put(listKey, body)
        return Pages.html(title, body: body, lang: lang, api: api)
    }

    /// One case replayed and judged for the role (kept per case until it has a new decision or event).
    static func judge(_ row: CaseIndex.Row, role: String, district: String?, lang: Lang, state: WorkerState) throws -> QueueEntry {
        let key = "\(row.caseID)\u{0}\(row.decisionID):\(row.outcome)\u{0}\(role)\u{0}\(district ?? "")\u{0}\(lang.rawValue)"
        if let kept = state.queueEntries[key] { return kept }
        let entry = try judgeAgain(row, role: role, district: district, lang: lang, state: state)
        if state.queueEntries.count > 20_000 { state.queueEntries = [:] }
        state.queueEntries[key] = entry
        return entry
    }

    static func judgeAgain(_ row: CaseIndex.Row, role: String, district: String?, lang: Lang, state: WorkerState) throws -> QueueEntry {
        let replay = try caseReplay(row, state: state, lang: lang)
        switch replay {
        case .failure(let e):
            return QueueEntry(row: row, result: .failure(PageError(status: .ok, message: DiagnosticRenderer().render(e.diagnostics))))
        case .success(let r):
            guard let entry = r.next.first(where: { $0.role.name == role }) else {
                return QueueEntry(row: row, result: .failure(PageError(status: .badRequest, message: "unknown role '\(role)'")))
            }
            var attributes: [String: Value] = [:]
            if let district, let a = entry.role.attributes.first(where: { $0.name == "district" }),
               case .enumeration(let t) = a.type.unwrapped, let i = r.policy.enums[t].index[district] {
                attributes["district"] = .enumCase(type: t, index: i)
            }
            let options = NextActions.judge(r, actor: Actor(role: role, name: nil, attributes: attributes), on: nil)
            let zh = lang == .zh
            func cite(_ id: String) -> String { r.policy.cite(id) ?? id }
            func label(_ e: WorkflowEvent) -> String { zh ? e.label : (e.labelEn ?? e.label) }
            func option(_ o: NextActions.Option) -> [String: Any] {
                ["event": o.event.name, "label": TextForPage.plain(label(o.event)), "cite": cite(o.event.clause),
                 "reasons": o.reasons.map { ["cite": cite($0.clause), "message": TextForPage.plain(zh ? $0.message : $0.messageEn)] }]
            }
            let html: [String: Any] = [
                "caseID": TextForPage.plain(r.caseID), "link": TextForPage.link(r.caseID),
                "violations": r.standing.map { ["cite": cite($0.clause), "message": TextForPage.plain(zh ? $0.message : $0.messageEn)] },
                "may": options.filter { $0.status != .mayNot }.map(option),
                "mayNot": options.filter { $0.status == .mayNot }.map(option),
            ]
            // The line `clause workflow next --format json` prints, with the state's violations.
            let line = NextActionsLine.write(r, role: role, options: options, zh: zh, violations: r.standing.map(\.clause))
            let stateLabel = zh ? r.state.label : (r.state.labelEn ?? r.state.name)
            return QueueEntry(row: row, result: .success((r.state.name, stateLabel, line, HTMLBox(html))))
        }
    }

    /// The case rebuilt from its latest recorded text and every recorded event, replayed over the
    /// workflows, judged against the decision on record (revoked: a refusal), as the CLI does.
    /// Kept until the case has a new latest decision or is revoked: events are recorded only with
    /// a decision (`clause record`), so a new event comes with a new latest decision.
    static func caseReplay(_ row: CaseIndex.Row, state: WorkerState, lang: Lang) throws -> Result<CaseReplay, DiagnosticsError> {
        let store = state.store
        let caseID = row.caseID
        let key = "\(row.decisionID):\(row.outcome):\(lang.rawValue)"
        if let kept = state.caseReplays[caseID], kept.key == key { return kept.replay }
        let latest = try store.decisions(caseID: caseID).last
        guard let recorded = try WorkflowEvents.recordedCase(caseID, in: store) else {
            return .failure(DiagnosticsError([]))
        }
        let result: Result<CaseReplay, DiagnosticsError>
        switch recorded {
        case .failure(let e): result = .failure(e)
        case .success(let (root, path)):
            var onRecord = latest.flatMap { d in Decision.Outcome(rawValue: d.outcome).map { ($0, Money(fen: d.amountFen)) } }
            if let latest, try store.revocation(decisionID: latest.id) != nil { onRecord = (.refused, .zero) }
            result = state.workflows().replay(root: root, path: path, asOf: nil, lang: lang, onRecord: onRecord)
        }
        if state.caseReplays.count > 20_000 { state.caseReplays = [:] }
        state.caseReplays[caseID] = (key, result)
        return result
    }
}
