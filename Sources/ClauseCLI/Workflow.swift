import ArgumentParser
import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseServe
import ClauseStore
import ClauseSyntax
import ClauseWorkflows
import Foundation

/// How replays are printed.
package enum WorkflowFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// Options shared by the workflow commands.
package struct WorkflowOptions: ParsableArguments {
    @Option(help: "Output format: text or json (one object per case per line; see docs/reference/json.md).")
    var format: WorkflowFormat = .text

    @Option(help: "Language of the text: zh (default) or en.")
    var lang: Lang = .zh

    @Option(help: "Folder of workflow files (default: ./Workflows, or the folders in CLAUSE_WORKFLOW_PATH).")
    var workflows: String?

    @Option(name: .customLong("as-of"), help: "Judge deadlines that have not been met as of this date YYYY-MM-DD.")
    var asOf: String?

    @Option(help: ArgumentHelp(
        "A decision record store (default: $CLAUSE_STORE) in which an argument that is not a file is a recorded case id.",
        discussion: "The case is rebuilt from its latest recorded case text, with its history replaced by every event recorded for it, in order."))
    var store: String?

    package init() {}

    /// The store named by --store or CLAUSE_STORE; nil when neither is given (the default store
    /// is never read implicitly: without one, every argument is a file).
    var storePath: String? {
        if let store, !store.isEmpty { return store }
        if let env = ProcessInfo.processInfo.environment["CLAUSE_STORE"], !env.isEmpty { return env }
        return nil
    }

    func asOfDate() throws -> CivilDate? {
        guard let asOf else { return nil }
        guard let d = CivilDate(iso: Substring(asOf)) else { throw ValidationError("--as-of: " + CivilDate.problem(asOf)) }
        return d
    }

    func session() -> WorkflowSession {
        let repository = PolicyRepository()
        let roots = workflows.map { [$0] } ?? WorkflowCatalog.defaultRoots()
        return WorkflowSession(repository: repository, catalog: WorkflowCatalog.load(roots: roots, repository: repository))
    }

    /// Replays every case, printing diagnostics for those that cannot be; true when all could be.
    ///
    /// With a store (--store or CLAUSE_STORE), an argument that is not an existing file or folder
    /// is a case id: the case is replayed as recorded, over its recorded events.
    func replays(_ cases: [String], _ each: (CaseReplay) -> Void) throws -> Bool {
        let asOf = try asOfDate()
        let session = session()
        let storePath = storePath
        var store: RecordStore?
        var ok = true
        func report(_ result: Result<CaseReplay, DiagnosticsError>) {
            switch result {
            case .failure(let e):
                Output.diagnostics(e.diagnostics)
                ok = false
            case .success(let r): each(r)
            }
        }
        // A ban registered in the record stops payments too (第十三条), for a case file as for a recorded case.
        if let storePath, let opened = try? RecordStore(path: storePath, create: false) {
            try StoreCommand.checkGuards(opened, for: .reads)
            store = opened
        }
        let registry: ((String, String, CivilDate) -> RegistryBan?)? = store.map { opened in
            { code, caseID, day in (try? opened.registryBan(creditCode: code, asOf: day, excludingCase: caseID)) ?? nil }
        }
        for argument in cases {
            guard let storePath, !FileManager.default.fileExists(atPath: argument) else {
                for path in CaseLoader.expand([argument]) {
                    var bag = DiagnosticBag()
                    let (_, root) = YAMLReader.read(path: path, into: &bag)
                    guard let root, !bag.hasErrors else {
                        report(.failure(DiagnosticsError(bag.sorted)))
                        continue
                    }
                    report(session.replay(root: root, path: path, asOf: asOf, lang: lang, registry: registry))
                }
                continue
            }
            let opened = try store ?? StoreCommand.guarded { try RecordStore(path: storePath, create: false) }
            if store == nil { try StoreCommand.checkGuards(opened, for: .reads) }
            store = opened
            switch try StoreCommand.guarded({ try WorkflowEvents.recordedCase(argument, in: opened) }) {
            case nil:
                Output.error("error: '\(TerminalText.escape(argument))' is neither a file nor a case recorded in \(TerminalText.escape(storePath))\n")
                ok = false
            case .failure(let e)?: report(.failure(e))
            case .success(let (root, path))?:
                // Payments are judged against the decision on record, not one made again today.
                let latest = try StoreCommand.guarded { try opened.decisions(caseID: argument).last }
                var recorded = latest.flatMap { d in Decision.Outcome(rawValue: d.outcome).map { ($0, Money(fen: d.amountFen)) } }
                // A revoked decision grants nothing any more: paying it is paying a refusal.
                if let latest, try StoreCommand.guarded({ try opened.revocation(decisionID: latest.id) }) != nil {
                    recorded = (.refused, .zero)
                }
                report(session.replay(root: root, path: path, asOf: asOf, lang: lang, onRecord: recorded, registry: registry))
            }
        }
        return ok
    }
}

extension ClauseCommand {
    /// `clause workflow status|next|check`: replay case histories over the workflows of their policy.
    struct Workflow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "workflow",
            abstract: "Replay case histories over the workflows (application, review, acceptance, payment, changes, fraud).",
            discussion: """
                With --store PATH (or CLAUSE_STORE), an argument that is not an existing file is a recorded case id: \
                the case is rebuilt from its latest recorded case text, its history replaced by every event recorded \
                for it ('clause record' appends a case's new history events), and replayed.
                """,
            subcommands: [Status.self, Next.self, Check.self])

        /// `clause workflow status CASE…`: where each case stands, the steps taken, the violations.
        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "Show where each case stands, each step with its clause, and every violation.")
            @OptionGroup var options: WorkflowOptions
            @Argument(help: "Case files with a history, or folders of them; with --store, recorded case ids too.") var cases: [String]

            func run() throws {
                var first = true
                let ok = try options.replays(cases) { r in
                    Output.out(options.format == .json ? WorkflowJSON.render(r, lang: options.lang) + "\n"
                               : (first ? "" : "\n") + ReplayText.render(r, lang: options.lang))
                    first = false
                }
                if !ok { throw ExitCode(1) }
            }
        }

        /// `clause workflow next CASE --as ROLE [--district D] [--name N]`: what one actor may do now.
        struct Next: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "next",
                abstract: "Show what an actor may do next on a case, and why not for what it may not.",
                discussion: """
                    The guards of each event the role may take from where the case stands are evaluated for this actor \
                    (its district, its name) on the --as-of date, or the date of the last event: the events it may take \
                    are listed, each one it may not take with the words of the condition that stops it.
                    """)
            @OptionGroup var options: WorkflowOptions
            @Argument(help: "A case file with a history; with --store, a recorded case id.") var file: String
            @Option(name: .customLong("as"), help: "The role: enterprise, district_bureau, city_bureau, third_party.") var role: String
            @Option(help: "The district of the acting district bureau (属地原则), e.g. 铁西区.") var district: String?
            @Option(help: "The name of the person acting.") var name: String?

            func run() throws {
                var problem: String?
                let asOf = try options.asOfDate()
                let ok = try options.replays([file]) { r in
                    guard let entry = r.next.first(where: { $0.role.name == role }) else {
                        // Name the roles: a near miss gets "did you mean", anything else the list to choose from.
                        let roles = r.next.map(\.role.name)
                        let hint = Suggestion.hint(role, roles)
                        problem = "unknown role '\(role)'" + (hint.isEmpty ? "; the roles are \(roles.joined(separator: ", "))" : hint)
                        return
                    }
                    var attributes: [String: Value] = [:]
                    if let district {
                        guard let a = entry.role.attributes.first(where: { $0.name == "district" }) else {
                            problem = "--district: a \(role) has no district"
                            return
                        }
                        guard case .enumeration(let t) = a.type.unwrapped, let i = r.policy.enums[t].index[district] else {
                            var names: [String] = []
                            if case .enumeration(let t) = a.type.unwrapped { names = r.policy.enums[t].cases.map(\.name) }
                            problem = "--district: unknown district '\(district)'\(Suggestion.hint(district, names))"
                            return
                        }
                        attributes["district"] = .enumCase(type: t, index: i)
                    }
                    let options = NextActions.judge(r, actor: Actor(role: role, name: name, attributes: attributes), on: asOf)
                    Output.out(self.options.format == .json ? json(r, options) : text(r, entry.role, options))
                }
                if let problem { throw ValidationError(problem) }
                if !ok { throw ExitCode(1) }
            }

            func json(_ r: CaseReplay, _ options: [NextActions.Option]) -> String {
                NextActionsLine.write(r, role: role, options: options, zh: self.options.lang == .zh) + "\n"
            }

            func text(_ r: CaseReplay, _ who: WorkflowRole, _ options: [NextActions.Option]) -> String {
                let zh = self.options.lang == .zh
                func cite(_ id: String) -> String { r.policy.cite(id) ?? id }
                func label(_ e: WorkflowEvent) -> String { zh ? e.label : (e.labelEn ?? e.label) }
                var actor = zh ? who.label : (who.labelEn ?? who.name)
                let detail = [district, name].compactMap { $0 }
                if !detail.isEmpty { actor += zh ? "（\(detail.joined(separator: "，"))）" : " (\(detail.joined(separator: ", ")))" }
                var out = "\(TerminalText.escape(r.caseID))  \(zh ? "状态：" : "state: ")\(zh ? r.state.label : (r.state.labelEn ?? r.state.name))\n"
                let may = options.filter { $0.status != .mayNot }
                if may.isEmpty { out += zh ? "  \(actor)当前无可办理事项\n" : "  nothing for \(actor) to do\n" }
                for o in may {
                    out += "  \(o.event.name)  \(label(o.event))  (\(cite(o.event.clause)))\n"
                    for reason in o.reasons {
                        out += "      \(zh ? "前提" : "provided") \(cite(reason.clause))\(zh ? "：" : ": ")\(TerminalText.escape(zh ? reason.message : reason.messageEn))\n"
                    }
                }
                let not = options.filter { $0.status == .mayNot }
                if !not.isEmpty { out += zh ? "  不可办理：\n" : "  may not:\n" }
                for o in not {
                    out += "  ✗ \(o.event.name)  \(label(o.event))\n"
                    for reason in o.reasons {
                        out += "      \(cite(reason.clause))\(zh ? "：" : ": ")\(TerminalText.escape(zh ? reason.message : reason.messageEn))\n"
                    }
                }
                return out
            }
        }

        /// `clause workflow check CASE…`: every violation; exit status 1 when there is any.
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "check",
                abstract: "Report every violation in each case's history; exit 1 when there is any not mended by a corrective event.",
                discussion: "Schedule findings (the work plan's timetable) are reported but do not make the exit status 1.")
            @OptionGroup var options: WorkflowOptions
            @Argument(help: "Case files with a history, or folders of them; with --store, recorded case ids too.") var cases: [String]

            func run() throws {
                var violated = false
                var first = true
                let ok = try options.replays(cases) { r in
                    violated = violated || !r.standing.isEmpty
                    Output.out(options.format == .json ? WorkflowJSON.render(r, lang: options.lang) + "\n"
                               : (first ? "" : "\n") + ReplayText.render(r, lang: options.lang, steps: false))
                    first = false
                }
                if violated || !ok { throw ExitCode(1) }
            }
        }
    }
}
