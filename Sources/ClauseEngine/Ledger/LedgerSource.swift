import ClauseLanguage

/// One key of a ledger figure with the grants that count under it: a line of `clause ledger`.
package struct LedgerKeyGroup: Sendable {
    /// The matched facts' values (`same` facts, and a `same_year` fact as its year), in `where` order.
    package var values: [(path: String, value: Value)]
    package var figure: Value
    /// The grants, in record order.
    package var entries: [LedgerEntry]

    package init(values: [(path: String, value: Value)], figure: Value, entries: [LedgerEntry]) {
        self.values = values
        self.figure = figure
        self.entries = entries
    }
}

/// Where a ledger report reads one policy's grants from, a figure at a time: the record keeps
/// them, the report only writes them, and neither module knows the other.
package struct LedgerSource {
    /// Every revoked grant, held whole (few by nature).
    package var revoked: () throws -> LedgerBook
    /// Each key of figure `measure` that holds grants that count, in the order first granted;
    /// false, having called `body` for nothing, when the grants cannot be read a key at a time.
    package var eachLiveGroup: (_ measure: Int, _ body: (LedgerKeyGroup) throws -> Void) throws -> Bool
    /// The whole book, for a record that cannot be read a key at a time.
    package var book: () throws -> LedgerBook

    package init(revoked: @escaping () throws -> LedgerBook,
                 eachLiveGroup: @escaping (_ measure: Int, _ body: (LedgerKeyGroup) throws -> Void) throws -> Bool,
                 book: @escaping () throws -> LedgerBook) {
        self.revoked = revoked
        self.eachLiveGroup = eachLiveGroup
        self.book = book
    }
}
