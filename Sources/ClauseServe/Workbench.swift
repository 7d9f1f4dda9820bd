import ClauseSyntax
import ClauseLanguage
import ClauseEngine
import ClauseReports
import ClauseStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where and over what the workbench runs.
package struct WorkbenchConfiguration: Sendable {
    package var host: String
    package var port: Int
    package var storePath: String
    /// The `clause` executable run for the pages that show a whole command's answer (check,
    /// tests, impact): the same binary as the server, so the page says what the command says.
    package var executable: String
    /// Store reading threads.
    package var workers: Int

    package init(host: String, port: Int, storePath: String, executable: String, workers: Int = 2) {
        self.host = host
        self.port = port
        self.storePath = storePath
        self.executable = executable
        self.workers = workers
    }
}

/// What the CLI computes for the pages whose answer lives in its commands (`clause ledger`,
/// `clause report`): handed in so that the page runs exactly the command's code.
package struct WorkbenchPrograms: Sendable {
    /// `clause ledger` as text in the language given, or as its JSON lines: only the one the page
    /// shows, since each reads every grant of the record.
    package var ledger: @Sendable (RecordStore, LedgerReport.Format) throws -> String
    /// `clause report --format html`, or `--format json` when asked, as of today.
    package var report: @Sendable (RecordStore, _ json: Bool) throws -> String

    package init(ledger: @escaping @Sendable (RecordStore, LedgerReport.Format) throws -> String,
                 report: @escaping @Sendable (RecordStore, _ json: Bool) throws -> String) {
        self.ledger = ledger
        self.report = report
    }
}

/// A problem a page reports to the person instead of its content (a 4xx or 5xx page).
struct PageError: Error {
    var status: HTTPResponse.Status
    var message: String
}

/// `clause serve`: the workbench, a read-only web front over a decision store.
package enum Workbench {
    /// Serves until SIGINT or SIGTERM; `ready` is called with the port bound (the one chosen
    /// when `port` is 0).
    package static func run(_ configuration: WorkbenchConfiguration, programs: WorkbenchPrograms,
                            ready: @escaping @Sendable (String, Int) -> Void) async throws {
        let workers = try StoreWorkers(storePath: configuration.storePath, count: configuration.workers)
        let site = Site(workers: workers, programs: programs, configuration: configuration)
        // The case list is read from the store once as the server starts, not on the first visit.
        let index = site.index
        Task { _ = try? await workers.run { try index.current($0.store) } }
        let router = Router()
        router.add(middleware: SecurityHeaders())
        router.add(middleware: GuardWarning(workers: workers))
        site.routes(router)
        var config = ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "clause")
        config.reuseAddress = true
        let app = Application(router: router, configuration: config, onServerRunning: { channel in
            ready(configuration.host, channel.localAddress?.port ?? configuration.port)
        })
        defer { workers.close() }
        try await app.runService()
    }
}

/// Every page says so when the store's guards against hand edits were removed or altered (what
/// it shows may have been edited outside clause): asked of the store for each request, a read
/// of its schema, since they may be removed while the workbench runs.
struct GuardWarning<Context: RequestContext>: RouterMiddleware {
    let workers: StoreWorkers

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let tables = try await workers.run { state in StoreGuards.tables(of: try state.store.removedGuards()) }
        return try await Pages.$unguardedTables.withValue(tables) { try await next(request, context) }
    }
}

/// Headers every answer carries: no script may run (there is none), nothing is framed or sent
/// elsewhere, and nothing read from the store is cached by the browser.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as PageError {
            response = Pages.errorPage(e.status, e.message)
        } catch let e as HTTPError {
            response = Pages.errorPage(e.status, e.body ?? e.status.reasonPhrase)
        } catch {
            response = Pages.errorPage(.internalServerError, TextForPage.plain(String(describing: error)))
        }
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.policy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}
