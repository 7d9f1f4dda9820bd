import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import Foundation

extension ClauseCommand {
    /// `clause bans list|show CODE`: the ban registry (第十三条) that recorded decisions keep.
    struct Bans: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bans",
            abstract: "The ban registry: bans registered by recorded 第十三条 decisions, by credit code.",
            subcommands: [List.self, Show.self, Lift.self, Correct.self])

        /// `clause bans lift CODE --reason TEXT`: a correction of the registry, kept with who and why.
        struct Lift: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "lift",
                abstract: "Lift the registered bans of a credit code (a correction), with a reason; later decisions no longer see them.")

            @OptionGroup var storeOptions: StoreOptions

            @OptionGroup var correction: Correction

            @Argument(help: "The 统一社会信用代码 (credit code).")
            var code: String

            func run() throws {
                let store = try storeOptions.open(create: false, for: .writes)
                let c = correction
                let code = StoreCommand.creditCode(code)
                let lifted = try StoreCommand.guarded { try store.liftBans(creditCode: code, reason: c.reason, by: c.who, at: c.when) }
                guard lifted > 0 else {
                    Output.error("error: \(TerminalText.escape(code)) has no registered ban to lift\n")
                    throw ExitCode(1)
                }
                Output.out("lifted \(lifted) ban\(lifted == 1 ? "" : "s") of \(TerminalText.escape(code)): later decisions no longer see \(lifted == 1 ? "it" : "them")\n")
            }
        }

        /// `clause bans correct CODE --through DATE [--from DATE] [--decision N] --reason TEXT`:
        /// new dates for a registered ban (a wrong day of finding, a ban shortened on review), kept
        /// with who and why. Later decisions see the new dates; earlier ones replay as they were made.
        struct Correct: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "correct",
                abstract: "Correct the dates of a registered ban, with a reason; later decisions see the new dates.")

            @OptionGroup var storeOptions: StoreOptions

            @OptionGroup var correction: Correction

            @Argument(help: "The 统一社会信用代码 (credit code).")
            var code: String

            @Option(help: "The ban's corrected last day (YYYY-MM-DD).")
            var through: String

            @Option(help: "The ban's corrected first day (default: as registered or last corrected).")
            var from: String?

            @Option(help: "Which ban, by the record number of the decision that registered it (needed when the code has several).")
            var decision: Int64?

            func run() throws {
                let through = try StoreCommand.date(through, option: "--through")!
                let from = try StoreCommand.date(from, option: "--from")
                let store = try storeOptions.open(create: false, for: .writes)
                let c = correction
                let code = StoreCommand.creditCode(code)
                let bans = try StoreCommand.guarded { try store.bans(creditCode: code) }.filter { b in decision.map { $0 == b.decisionID } ?? true }
                let open = try bans.filter { b in try StoreCommand.guarded { try store.banLift(decisionID: b.decisionID) } == nil }
                guard let ban = open.first, open.count == 1 else {
                    if open.isEmpty {
                        Output.error("error: \(TerminalText.escape(code)) has no registered ban\(decision.map { " by decision #\($0)" } ?? "") that is not lifted\n")
                    } else {
                        let ids = open.map { "#\($0.decisionID) (\($0.from.iso)..\($0.through.iso))" }.joined(separator: ", ")
                        Output.error("error: \(TerminalText.escape(code)) has \(open.count) bans: name one with --decision N (\(ids))\n")
                    }
                    throw ExitCode(1)
                }
                let first = from ?? ban.from
                guard first <= through else {
                    Output.error("error: the ban would end (\(through.iso)) before it starts (\(first.iso))\n")
                    throw ExitCode(1)
                }
                _ = try StoreCommand.guarded {
                    try store.correctBan(decisionID: ban.decisionID, from: first, through: through, reason: c.reason, by: c.who, at: c.when)
                }
                Output.out("corrected the ban of \(TerminalText.escape(code)) registered by decision #\(ban.decisionID): \(ban.from.iso)..\(ban.through.iso) → \(first.iso)..\(through.iso); later decisions see the new dates\n")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Every registered ban.")

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
            static let configuration = CommandConfiguration(commandName: "show", abstract: "The bans of one credit code, and the decisions that they decided.")

            @OptionGroup var storeOptions: StoreOptions

            @Option(help: "Say whether each ban is in force on this date (default: today).")
            var on: String?

            @Argument(help: "The 统一社会信用代码 (credit code).")
            var code: String

            func run() throws {
                let on = try StoreCommand.date(on, option: "--on") ?? StoreCommand.today
                let store = try storeOptions.open(create: false)
                let code = StoreCommand.creditCode(code)
                try StoreCommand.guarded {
                    let bans = try store.bans(creditCode: code)
                    guard !bans.isEmpty else {
                        Output.out("\(TerminalText.escape(code)): no ban registered\n")
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

        /// What was done to a ban since it was registered: "  corrected AT by WHO: REASON (was
        /// FROM..THROUGH)" for each correction, "  lifted AT by WHO: REASON"; else nothing.
        static func lift(_ b: RegistryBan, _ store: RecordStore) throws -> String {
            var out = ""
            var was = try store.originalBanDates(decisionID: b.decisionID)
            for c in try store.banCorrections(decisionID: b.decisionID) {
                let before = was.map { " (was \(TerminalText.escape($0.from))..\(TerminalText.escape($0.through)))" } ?? ""
                out += "  corrected \(TerminalText.escape(c.at)) by \(TerminalText.escape(c.by)): \(TerminalText.escape(c.reason))\(before)"
                was = (c.from, c.through)
            }
            guard let l = try store.banLift(decisionID: b.decisionID) else { return out }
            return out + "  lifted \(TerminalText.escape(l.at)) by \(TerminalText.escape(l.by)): \(TerminalText.escape(l.reason))"
        }

        static func line(_ b: RegistryBan, on: CivilDate) -> String {
            let state = b.from <= on && on <= b.through ? "in force" : (on < b.from ? "not yet in force" : "ended")
            return "\(TerminalText.escape(b.creditCode))  \(b.from.iso)..\(b.through.iso)  \(TerminalText.escape(b.clause))  case \(TerminalText.escape(b.caseID))  decision #\(b.decisionID)  \(state) on \(on.iso)"
        }
    }
}
