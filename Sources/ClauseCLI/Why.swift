import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseStore
import ClauseSyntax

extension ClauseCommand {
    /// `clause why CASE_ID`: the recorded decision of a case, as it was made.
    ///
    /// The decision is decided again from the recorded case text and the recorded package files,
    /// and shown only when that reproduces the recorded JSON line byte for byte: the text is then
    /// exactly what `explain` said when the decision was recorded, however the package and the
    /// case file have changed since. A decision that no longer reproduces is shown as its
    /// recorded JSON line, with a warning.
    struct Why: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "why",
            abstract: "Show a recorded decision as it was made: its justification, its rules' versions, and whether they are still in force.")

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "Output format: text (the justification, as 'explain') or json (the recorded JSON line).")
        var format: Format = .text

        @Option(help: "Language of the text: zh (default) or en.")
        var lang: Lang = .zh

        @Flag(help: "Every recorded decision of the case, oldest first, not only the latest.")
        var all = false

        @Option(help: "The latest decision recorded on or before this date (YYYY-MM-DD, UTC).")
        var at: String?

        @Argument(help: "The case id (the case file's 'case:').")
        var caseID: String

        func run() throws {
            let at = try StoreCommand.date(at, option: "--at")
            let store = try storeOptions.open(create: false)
            try StoreCommand.guarded {
                var records = try store.decisions(caseID: caseID)
                if let at { records = records.filter { String($0.recordedAt.prefix(10)) <= at.iso } }
                if !all, let last = records.last { records = [last] }
                guard !records.isEmpty else {
                    Output.error("error: no decision recorded for case '\(TerminalText.escape(caseID))'\(at.map { " on or before \($0.iso)" } ?? "") in \(store.path)\n")
                    throw ExitCode(1)
                }
                let replayer = try Replayer(store: store)
                let current = PolicyRepository()
                let revoked = try store.revokedDecisionIDs()
                var failed = false
                for (i, r) in records.enumerated() {
                    if format == .json {
                        Output.out(r.json + "\n")
                        continue
                    }
                    if i > 0 { Output.out(format == .markdown ? "\n---\n\n" : "\n") }
                    Output.out(try header(r, store: store, current: current))
                    switch try replayer.replay(r) {
                    case .success(let again) where again.reproduces:
                        var d = again.decision
                        if let note = Self.noteRevoked(&d, revoked: revoked, lang: lang) { Output.out(note) }
                        Output.out(format.render(d, policy: again.policy, lang: lang, explain: true))
                    case .success:
                        failed = true
                        Output.error("warning: decision #\(r.id) does not reproduce on its recorded rules (see 'clause replay \(TerminalText.escape(caseID))'); its recorded JSON follows\n")
                        Output.out(r.json + "\n")
                    case .failure(let p):
                        failed = true
                        Output.error("warning: decision #\(r.id) cannot be decided again: \(TerminalText.escape("\(p)")); its recorded JSON follows\n")
                        Output.out(r.json + "\n")
                    }
                }
                if failed { throw ExitCode(1) }
            }
        }

        /// Marks the grants a decision counted that were revoked since, and says what that means;
        /// nil when it counted none.
        static func noteRevoked(_ d: inout Decision, revoked: Set<Int64>, lang: Lang) -> String? {
            let cases = d.markRevoked(revoked)
            guard !cases.isEmpty else { return nil }
            let list = TerminalText.escape(cases.joined(separator: ", "))
            return lang == .zh
                ? "注意：本决定计入的支持决定 \(list) 已被撤销，其金额不再计入；本决定若受其限额影响，按现有记录可能少核定（clause replay --with-current \(TerminalText.escape(d.caseID)) 重新计算）\n\n"
                : "note: grants this decision counted were revoked since (\(list)); if their room capped it, it may be owed more on today's record ('clause replay --with-current \(TerminalText.escape(d.caseID))' decides it again)\n\n"
        }

        /// Who recorded the decision and when, the case file, the packages that decided and
        /// whether they are still the ones in force under ./Policies.
        func header(_ r: RecordedDecision, store: RecordStore, current: PolicyRepository) throws -> String {
            let zh = lang == .zh
            var out = zh
                ? "决定记录 #\(r.id) · 记录于 \(TerminalText.escape(r.recordedAt)) · 记录人 \(TerminalText.escape(r.recordedBy)) · clause \(r.clauseVersion)\n"
                : "decision record #\(r.id) · recorded \(TerminalText.escape(r.recordedAt)) by \(TerminalText.escape(r.recordedBy)) · clause \(r.clauseVersion)\n"
            out += zh ? "案件文件 \(TerminalText.escape(r.casePath))（摘要 \(short(r.caseDigest))，按记录时原文）\n"
                : "case file \(TerminalText.escape(r.casePath)) (digest \(short(r.caseDigest)), as recorded)\n"
            let packages = try store.packages(decisionID: r.id)
            let names = packages.map { "\(TerminalText.escape($0.policyID)) \(TerminalText.escape($0.version)) (\(short($0.digest)))\($0.role == "base" ? "" : zh ? " 修订" : " amendment")" }
            out += (zh ? "作出决定的政策包：" : "decided by: ") + names.joined(separator: " + ") + "\n"
            out += inForce(r, packages.map(\.digest), current: current) + "\n"
            if let revoked = try store.revocation(decisionID: r.id) {
                out += zh ? "已撤销：\(TerminalText.escape(revoked.at)) 由 \(TerminalText.escape(revoked.by)) 撤销，理由：\(TerminalText.escape(revoked.reason))；其支持金额不再计入基金记录\n"
                    : "revoked \(TerminalText.escape(revoked.at)) by \(TerminalText.escape(revoked.by)): \(TerminalText.escape(revoked.reason)); its grant no longer counts in the fund's record\n"
            }
            out += "\n"
            return out
        }

        func inForce(_ r: RecordedDecision, _ digests: [String], current: PolicyRepository) -> String {
            let zh = lang == .zh
            // Where no package of the id is found, it may have been removed, or `why` may be run
            // from another folder than the one holding Policies/: it cannot say which.
            guard let now = current.policy(for: r.policyID).policy else {
                let id = TerminalText.escape(r.policyID), roots = TerminalText.escape(current.searchRoots.joined(separator: ", "))
                return zh ? "现行：无法比对：\(roots) 下没有政策包 \(id)（请在存放 Policies/ 的目录中运行，或设置 CLAUSE_POLICY_PATH）"
                    : "in force today: cannot say: no package '\(id)' under \(roots) (run from the folder that holds Policies/, or set CLAUSE_POLICY_PATH)"
            }
            if now.digest == r.policyDigest {
                return zh ? "现行：仍然有效（\(now.directory) 与记录的规则完全相同）" : "in force today: yes (\(now.directory) holds exactly the recorded rules)"
            }
            let today = now.packages.map { "\($0.id) \($0.version) (\(short($0.digest)))" }.joined(separator: " + ")
            let kept = now.packages.filter { digests.contains($0.digest) }.count
            return zh ? "现行：已不是记录时的规则；现行为 \(today)\(kept > 0 ? "（其中 \(kept) 个包未变）" : "")"
                : "in force today: no longer the recorded rules; today: \(today)\(kept > 0 ? " (\(kept) of them unchanged)" : "")"
        }

        func short(_ digest: String) -> String {
            String(digest.replacingOccurrences(of: "sha256:", with: "").prefix(12))
        }
    }
}
