import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax
import Foundation
import Hummingbird
import NIOCore

/// Text from a package, a case or the store, made safe to show as text before the template
/// escapes it for HTML: control characters and bidirectional overrides are written out as
/// `\u{…}`, as on a terminal, so a case named with U+202E cannot turn a line around.
enum TextForPage {
    static func plain(_ s: String) -> String { TerminalText.escape(s) }

    /// A case id as one path segment of a link.
    static func link(_ s: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// How pages are answered: HTML in the layout, JSON, or an error page.
enum Pages {
    /// The store's tables whose guards against hand edits were removed or altered, for the
    /// request being answered (`GuardWarning`): every page says so above its content.
    @TaskLocal static var unguardedTables: [String] = []

    static func html(_ title: String, body: String, lang: Lang = .zh, api: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let unguarded = unguardedTables.isEmpty ? false : unguardedTables.joined(separator: ", ") as Any
        let page = Templates.render("layout", ["title": TextForPage.plain(title), "body": body, "lang": lang == .zh ? "zh-CN" : "en",
                                               "version": ClauseVersion.current, "api": api ?? false, "unguarded": unguarded])
        return raw(page, type: "text/html; charset=utf-8", status: status)
    }

    static func json(_ s: String, status: HTTPResponse.Status = .ok) -> Response {
        raw(s.hasSuffix("\n") ? s : s + "\n", type: "application/json; charset=utf-8", status: status)
    }

    /// A page this module did not lay out (the notice, the programme report): it carries its own
    /// `<style>` element, so styles, and only styles, may be inline; still no script.
    static func document(_ s: String) -> Response {
        var r = raw(s, type: "text/html; charset=utf-8", status: .ok)
        r.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
        return r
    }

    static func raw(_ s: String, type: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: s)))
    }

    static func errorPage(_ status: HTTPResponse.Status, _ message: String) -> Response {
        html("\(status.code) \(status.reasonPhrase)", body: Templates.render("error", ["message": TextForPage.plain(message)]), status: status)
    }
}

/// The workbench's pages over one store.
struct Site: Sendable {
    let workers: StoreWorkers
    let programs: WorkbenchPrograms
    let configuration: WorkbenchConfiguration
    let index = CaseIndexHolder()
    let lists = ListPages()

    func routes(_ router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Response.redirect(to: "/cases") }
        router.get("/healthz") { _, _ in
            let n = try await workers.run { try $0.store.decisionCount() }
            // A store opened up for hand edits is served, but not called sound.
            let unguarded = Pages.unguardedTables
            var w = JSONWriter()
            w.beginObject()
            w.field("status", unguarded.isEmpty ? "ok" : "unguarded")
            w.field("decisions", n)
            if !unguarded.isEmpty { w.field("unguarded_tables", strings: unguarded) }
            w.endObject()
            return Pages.json(w.output)
        }
        router.get("/static/workbench.css") { _, _ in
            Pages.raw(Stylesheet.text, type: "text/css; charset=utf-8", status: .ok)
        }
        // Each page and its JSON twin come from one function: the twin is what the CLI prints.
        router.get("/cases") { request, _ in try await cases(request, json: false) }
        router.get("/api/cases") { request, _ in try await cases(request, json: true) }
        router.get("/cases/:id") { request, context in try await casePage(request, context, json: false) }
        router.get("/api/cases/:id") { request, context in try await casePage(request, context, json: true) }
        router.get("/cases/:id/notice") { request, context in try await notice(request, context, json: false) }
        router.get("/api/cases/:id/notice") { request, context in try await notice(request, context, json: true) }
        router.get("/queue") { request, _ in try await queue(request, json: false) }
        router.get("/api/queue") { request, _ in try await queue(request, json: true) }
        router.get("/policies") { _, _ in try await policies(json: false) }
        router.get("/api/policies") { _, _ in try await policies(json: true) }
        router.get("/policies/:id") { _, context in try await policy(context, json: false) }
        router.get("/api/policies/:id") { _, context in try await policy(context, json: true) }
        router.get("/check") { _, _ in try await check(json: false) }
        router.get("/api/check") { _, _ in try await check(json: true) }
        router.get("/tests") { _, _ in try await tests(json: false) }
        router.get("/api/tests") { _, _ in try await tests(json: true) }
        router.get("/impact") { request, _ in try await impact(request, json: false) }
        router.get("/api/impact") { request, _ in try await impact(request, json: true) }
        router.get("/report") { _, _ in try await report(json: false) }
        router.get("/api/report") { _, _ in try await report(json: true) }
        router.get("/ledger") { request, _ in try await ledger(request, json: false) }
        router.get("/api/ledger") { request, _ in try await ledger(request, json: true) }
        router.get("/playground") { request, _ in playgroundForm(lang(request)) }
        router.post("/playground") { request, _ in try await playground(request, json: false) }
        router.post("/api/playground") { request, _ in try await playground(request, json: true) }
    }

    func lang(_ request: Request) -> Lang {
        request.uri.queryParameters.get("lang") == "en" ? .en : .zh
    }

    func caseID(_ context: BasicRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw PageError(status: .badRequest, message: "no case id") }
        return id.removingPercentEncoding ?? id
    }

    // MARK: cases

    static let outcomes: [(String, String)] = [("granted", "予以支持 granted"), ("refused", "不予支持 refused"), ("incomplete", "材料不全 incomplete"),
                                               ("review", "转人工 review"), ("revoked", "已撤销 revoked")]

    func cases(_ request: Request, json: Bool) async throws -> Response {
        let q = request.uri.queryParameters
        let text = q.get("q"), district = q.get("district"), outcome = q.get("outcome")
        let index = self.index
        let all = try await workers.run { try index.current($0.store) }
        let listKey = "\(request.uri.path)?\(request.uri.query ?? "")\u{0}\(all.fingerprint)"
        if !json, let kept = lists.get(listKey) { return Pages.html("案件 Cases", body: kept, api: "/api/cases") }
        let rows = all.search(text: text, district: district, outcome: outcome)
        if json {
            var w = JSONWriter()
            w.beginArray()
            for r in rows {
                w.beginObject()
                w.field("case", r.caseID)
                w.field("decision", Int(r.decisionID))
                w.field("policy", r.policyID)
                w.field("enterprise", r.enterprise)
                w.field("district", r.district)
                w.field("outcome", r.outcome)
                w.field("amount", r.amount.plain)
                w.field("as_of", r.asOf)
                w.endObject()
            }
            w.endArray()
            return Pages.json(w.output)
        }
        let page = max(1, q.get("page", as: Int.self) ?? 1)
        let shown = rows.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
        var next: String?
        if page * Self.pageSize < rows.count {
            var parts = [("q", text), ("district", district), ("outcome", outcome)].compactMap { k, v in v.map { "\(k)=\(TextForPage.link($0))" } }
            parts.append("page=\(page + 1)")
            next = "/cases?" + parts.joined(separator: "&")
        }
        let body = Templates.render("cases", [
            "q": text ?? "", "page": page, "next": next ?? false,
            "districts": all.districts.map { ["name": TextForPage.plain($0), "selected": $0 == district] as [String: Any] },
            "outcomes": Self.outcomes.map { ["name": $0.0, "label": $0.1, "selected": $0.0 == outcome] as [String: Any] },
            "count": rows.count,
            "rows": shown.map { r -> [String: Any] in
                ["caseID": TextForPage.plain(r.caseID), "link": TextForPage.link(r.caseID), "enterprise": TextForPage.plain(r.enterprise),
                 "district": TextForPage.plain(r.district), "outcome": r.outcome,
                 "outcomeLabel": Self.outcomes.first { $0.0 == r.outcome }?.1 ?? r.outcome,
                 "amount": r.outcome == "granted" ? r.amount.display : "", "asOf": r.asOf]
            },
        ])
        lists.put(listKey, body)
        return Pages.html("案件 Cases", body: body, api: "/api/cases")
    }

    func casePage(_ request: Request, _ context: BasicRequestContext, json: Bool) async throws -> Response {
        let id = try caseID(context)
        let lang = self.lang(request)
        let index = self.index
        // A page is kept per latest decision and state of the record (revocations reach other
        // cases' pages through the grants they counted), and laid out on the worker.
        let page = try await workers.run { state -> (body: String, json: String) in
            let all = try index.current(state.store)
            let key = "\(id)\u{0}\(all.fingerprint)\u{0}\(lang.rawValue)"
            if let kept = state.casePages[key] { return kept }
            let view = try CaseView.recorded(id, state: state, lang: lang)
            let made = (Templates.render("case", view.data), view.json)
            if state.casePages.count > 2048 { state.casePages = [:] }
            state.casePages[key] = made
            return made
        }
        if json { return Pages.json(page.json) }
        return Pages.html("案件 Case \(id)", body: page.body, lang: lang, api: "/api/cases/\(TextForPage.link(id))")
    }

    func notice(_ request: Request, _ context: BasicRequestContext, json: Bool) async throws -> Response {
        let id = try caseID(context)
        let lang = self.lang(request)
        let letter = try await workers.run { state -> (html: String, text: String) in
            let (d, policy) = try CaseView.decided(id, state: state)
            return (NoticeRenderer.html(d, policy: policy, lang: lang), NoticeRenderer.text(d, policy: policy, lang: lang))
        }
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("case", id)
            w.field("lang", lang.rawValue)
            w.field("text", letter.text)
            w.endObject()
            return Pages.json(w.output)
        }
        return Pages.document(letter.html)
    }

    // MARK: programme

    func report(json: Bool) async throws -> Response {
        let programs = self.programs
        let r = try await workers.run { try programs.report($0.store, json) }
        return json ? Pages.json(r) : Pages.document(r)
    }

    func ledger(_ request: Request, json: Bool) async throws -> Response {
        let programs = self.programs
        let lang = self.lang(request)
        let r = try await workers.run { try programs.ledger($0.store, json ? .json : .text(lang)) }
        if json { return Pages.json(r) }
        return Pages.html("基金记录 Ledger", body: Templates.render("ledger", ["text": TextForPage.plainLines(r)]), lang: lang, api: "/api/ledger")
    }
}

extension TextForPage {
    /// Several lines, each made safe; the line breaks kept.
    static func plainLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { plain(String($0)) }.joined(separator: "\n")
    }
}

/// List pages laid out (the case list, the queue), by address and the record's state: kept until
/// the store holds more decisions or revocations, so the same list asked again is not laid out
/// again (at most 512 kept).
final class ListPages: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [String: String] = [:]

    func get(_ key: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return pages[key]
    }

    func put(_ key: String, _ body: String) {
        lock.lock()
        defer { lock.unlock() }
        if pages.count >= 512 { pages = [:] }
        pages[key] = body
    }
}
