import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import Foundation
import Hummingbird

/// `/playground`: a pasted case decided as `clause explain --store` decides it (the record's
/// bans and ledger count), never recorded.
extension Site {
    static let maxCaseBytes = 1 << 20

    func playgroundForm(_ lang: Lang) -> Response {
        Pages.html("试算 Playground", body: Templates.render("playground", ["text": "", "en": lang == .en]), lang: lang)
    }

    func playground(_ request: Request, json: Bool) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maxCaseBytes + 4096)
        let raw = String(buffer: body)
        var text = raw
        var lang = self.lang(request)
        if !json {
            let form = Self.form(raw)
            text = form["case"] ?? ""
            if form["lang"] == "en" { lang = .en }
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PageError(status: .badRequest, message: "没有案件内容 paste a case (YAML or JSON)")
        }
        let pasted = text
        let chosen = lang
        let decided = try await workers.run { state -> (json: String, view: CaseView.Box?, problems: String) in
            let session = RecordingSession(store: state.store, policy: nil, records: false)
            switch try session.decide(.line(path: "playground", text: pasted, lineOffset: 0), asOf: nil) {
            case .failure(let e):
                var w = JSONWriter()
                w.beginArray()
                for d in e.diagnostics { DiagnosticJSON.write(d, into: &w) }
                w.endArray()
                return (w.output, nil, DiagnosticRenderer().render(e.diagnostics))
            case .success(let (d, policy)):
                return (JSONDecisionRenderer.render(d, policy: policy, lang: chosen), CaseView.Box(CaseView.decision(d, policy: policy, lang: chosen)), "")
            }
        }
        if json { return Pages.json(decided.json, status: decided.view == nil ? .unprocessableContent : .ok) }
        let decision = decided.view.map { Templates.render("case", $0.value) } ?? ""
        let page = Templates.render("playground", ["text": text, "en": lang == .en, "problems": decided.problems.isEmpty ? false : TextForPage.plainLines(decided.problems),
                                                   "decision": decision])
        return Pages.html("试算 Playground", body: page, lang: lang, status: decided.view == nil ? .unprocessableContent : .ok)
    }

    /// An `application/x-www-form-urlencoded` body as its fields.
    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
