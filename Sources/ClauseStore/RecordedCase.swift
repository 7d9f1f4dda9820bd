import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// A recorded case read back from the store into a case file, and the record read as the
/// programme report's input: the commands and the workbench ask the store for cases, never
/// re-read its texts themselves.
package enum RecordedCase {
    /// The case text of a recorded decision read under `policy`, which is known: the fast reader
    /// first, and only what it hands back goes through the repository and the tree path. Nil when
    /// the text no longer reads under that package.
    package static func read(text: String, path: String, policy p: Policy, loader: CaseLoader) -> CaseFile? {
        if let file = FastCaseReader.read(SourceFile(path: path, text: text), path: path, policy: p) { return file }
        if case .ready(let c, let q) = loader.load(text: text, path: path), q.id == p.id { return c }
        return nil
    }

    /// The case of decision `r` as it was decided, for searching its remedies: read on the tree
    /// path, with the registry's ban the decision applied and the ledger figures it counted (the
    /// record keeps no remedies). Nil when the text is gone or no longer reads.
    package static func asDecided(_ r: RecordedDecision, counted: LedgerUse?, policy: Policy, store: RecordStore) throws -> CaseFile? {
        guard let text = try store.caseText(digest: r.caseDigest) else { return nil }
        var bag = DiagnosticBag()
        guard let tree = YAMLReader.read(SourceFile(path: r.casePath, text: text), into: &bag), !bag.hasErrors,
              var c = CaseReader.read(tree, path: r.casePath, policy: policy, into: &bag), !bag.hasErrors else { return nil }
        if let ban = r.registryBan { _ = BanRegistry.apply(ban, to: &c, policy: policy) }
        if let counted { FactPath.setLedger(counted, in: &c, policy: policy) }
        return c
    }
}

extension RecordStore {
    /// The latest decision of every case of `policy` as the programme report counts it, one at a
    /// time (a report over 100,000 cases never holds their texts at once), each case read back
    /// and narrowed by `project` to the facts the report reads.
    package func eachProgrammeRecord(policy p: Policy, loader: CaseLoader, project: (CaseFile) -> CaseFile,
                                     _ body: (ProgrammeRecord) throws -> Void) throws {
        try eachLatestDecision(policyID: p.id) { row in
            let file = RecordedCase.read(text: row.caseText, path: row.casePath, policy: p, loader: loader)
            try body(ProgrammeRecord(caseID: row.caseID, outcome: row.outcome, amount: Money(fen: row.amountFen),
                                     asOf: CivilDate(iso: Substring(row.asOf)) ?? CivilDate(days: 0), caseFile: file.map(project)))
        }
    }

    /// The recorded workflow events named in `wanted` of the cases of `policyID`, in record
    /// order, each with its payload read as YAML.
    package func programmeEvents(policyID: String, named wanted: Set<String>) throws -> [ProgrammeEvent] {
        try programmeEvents(policyID: policyID).compactMap { row in
            guard wanted.contains(row.event) else { return nil }
            var bag = DiagnosticBag()
            let payload = YAMLReader.read(SourceFile(path: "\(path)[\(row.caseID) history]", text: row.payload), into: &bag)
            return ProgrammeEvent(caseID: row.caseID, event: row.event, on: row.on.flatMap { CivilDate(iso: Substring($0)) }, payload: payload)
        }
    }
}
