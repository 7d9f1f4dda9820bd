import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause bans list|show CODE`: the ban registry (第十三条) that recorded decisions keep.
    struct Bans: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ban registry: bans registered by recorded 第十三条 decisions, by credit code.",
            subcommands: [List.self, Show.self, Lift.self])

        /// `clause bans lift CODE --reason TEXT`: a correction of the registry, kept with who and why.
        struct Lift: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Lift the registered bans of a credit code (a correction), with a reason; later decisions no longer see them.")

            @OptionGroup var storeOptions: StoreOptions

            @OptionGroup var correction: Correction

            @Argument(help: "The 统一社会信用代码 (credit code).")
            var code: String

            func run() throws {
                let store = try storeOptions.open(create: false)
                let c = correction
                let lifted = try StoreCommand.guarded { try store.liftBans(creditCode: code, reason: c.reason, by: c.who, at: c.when) }
                guard lifted > 0 else {
                    Output.error("error: \(TerminalText.escape(code)) has no registered ban to lift\n")
                    throw ExitCode(1)
                }
                Output.out("lifted \(lifted) ban\(lifted == 1 ? "" : "s") of \(TerminalText.escape(code)): later decisions no longer see \(lifted == 1 ? "it" : "them")\n")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every registered ban.")

            @OptionGroup var storeOptions: StoreOptions

            @Option(help: "Say whether each ban is in force on this date (default: today).")
            var on: String?

            func run() throws {
                let on = try StoreCommand.date(on, option: "--on") ?? StoreCommand.today
                let store = try storeOptions.open(create: false)
                let bans = try StoreCommand.guarded { try store.bans() }
                for b in bans { Output.out(Bans.line(b, on: on) + (try Bans.lift(b, store)) + "\n") }
                Output.out("\(bans.count) ban\(bans.count == 1 ? "" : "s") registered\n")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The bans of one credit code, and the decisions that they decided.")

            @OptionGroup var storeOptions: StoreOptions

            @Option(help: "Say whether each ban is in force on this date (default: today).")
            var on: String?

            @Argument(help: "The 统一社会信用代码 (credit code).")
            var code: String

            func run() throws {
                let on = try StoreCommand.date(on, option: "--on") ?? StoreCommand.today
                let store = try storeOptions.open(create: false)
                try StoreCommand.guarded {
                    let bans = try store.bans(creditCode: code)
                    guard !bans.isEmpty else {
                        Output.out("\(code): no ban registered\n")
                        return
                    }
                    for b in bans {
                        Output.out(Bans.line(b, on: on) + (try Bans.lift(b, store)) + "\n")
                        for r in try store.decisions(usingBanOf: b.decisionID) {
                            Output.out("  applied to decision #\(r.id) \(TerminalText.escape(r.caseID)) (as of \(r.asOf.iso)): \(r.outcome)\n")
                        }
                    }
                }
            }
        }

        /// "  lifted AT by WHO: REASON" for a lifted ban, else nothing.
        static func lift(_ b: RegistryBan, _ store: RecordStore) throws -> String {
            guard let l = try store.banLift(decisionID: b.decisionID) else { return "" }
            return "  lifted \(TerminalText.escape(l.at)) by \(TerminalText.escape(l.by)): \(TerminalText.escape(l.reason))"
        }

        static func line(_ b: RegistryBan, on: CivilDate) -> String {
            let state = b.from <= on && on <= b.through ? "in force" : (on < b.from ? "not yet in force" : "ended")
            return "\(TerminalText.escape(b.creditCode))  \(b.from.iso)..\(b.through.iso)  \(TerminalText.escape(b.clause))  case \(TerminalText.escape(b.caseID))  decision #\(b.decisionID)  \(state) on \(on.iso)"
        }
    }
}
