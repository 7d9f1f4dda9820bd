import ClauseEngine
import ClauseLanguage
import ClauseStore

extension ClauseCommand.Diff {
    /// The fund's record as both sides of a diff read it: each package's ledger figures, counted
    /// once from the store before the corpus is decided, and the registry's bans. Nothing is
    /// recorded, so an amendment's impact is measured against the same record on both sides.
    static func recordReaders(store: RecordStore, repository: PolicyRepository, base: Policy, proposed: Policy,
                              asOf: CivilDate?) throws -> (base: ImpactDiff.RecordReader, proposed: ImpactDiff.RecordReader) {
        let loader = CaseLoader(repository: repository)
        // One book per side, each from a ledger of its own: the store keys its books by policy
        // id, and a changed copy keeps the base's id while it may count differently.
        func reader(_ policy: Policy) throws -> ImpactDiff.RecordReader {
            let book = policy.ledger.isEmpty ? nil : try StoreLedger(store: store, loader: loader).book(for: policy)
            return { c in
                var c = c
                if let code = BanRegistry.creditCode(c, policy: policy),
                   let date = policy.evaluationDate(of: c.facts, asOf: asOf),
                   let ban = try store.registryBan(creditCode: code, asOf: date, excludingCase: c.id) {
                    // The later of the two ends applies: a case that states a later ban keeps its own.
                    if let stated = BanRegistry.statedBan(c, policy: policy), stated >= ban.through {} else {
                        _ = BanRegistry.apply(ban, to: &c, policy: policy)
                    }
                }
                if let book { FactPath.setLedger(book.use(for: c), in: &c, policy: policy) }
                return c
            }
        }
        return (try reader(base), try reader(proposed))
    }
}
