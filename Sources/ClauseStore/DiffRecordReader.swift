import ClauseEngine
import ClauseLanguage

extension RecordStore {
    /// The fund's record as one side of a diff reads it: the package's ledger figures, counted
    /// once from the store before the corpus is decided, and the registry's bans. Nothing is
    /// recorded, so an amendment's impact is measured against the same record on both sides.
    /// Each side asks for a reader of its own: the store keys its books by policy id, and a
    /// changed copy keeps the base's id while it may count differently.
    package func diffReader(policy: Policy, loader: CaseLoader, asOf: CivilDate?) throws -> ImpactDiff.RecordReader {
        let book = policy.ledger.isEmpty ? nil : try StoreLedger(store: self, loader: loader).book(for: policy)
        return { c in
            var c = c
            if let code = BanRegistry.creditCode(c, policy: policy),
               let date = policy.evaluationDate(of: c.facts, asOf: asOf),
               let ban = try self.registryBan(creditCode: code, asOf: date, excludingCase: c.id) {
                // The later of the two ends applies: a case that states a later ban keeps its own.
                if let stated = BanRegistry.statedBan(c, policy: policy), stated >= ban.through {} else {
                    _ = BanRegistry.apply(ban, to: &c, policy: policy)
                }
            }
            if let book { FactPath.setLedger(book.use(for: c), in: &c, policy: policy) }
            return c
        }
    }
}
