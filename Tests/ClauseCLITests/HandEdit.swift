import ClauseStore
import GRDB

/// A store edited the way someone holding the file and `sqlite3` would do it on purpose: the
/// guards that refuse hand edits are dropped first, then the rows changed. What the tests then
/// check is what clause makes of such a record.
enum HandEdit {
    /// Drops the guards, edits, and leaves them dropped (which every command then notices).
    @discardableResult
    static func unguarded<T>(_ store: String, _ body: (Database) throws -> T) throws -> T {
        try DatabaseQueue(path: store).writeWithoutTransaction { db in
            try dropGuards(db)
            return try body(db)
        }
    }

    /// Drops the guards, edits, and puts the guards back, covering the tracks: only the record's
    /// chain and the values themselves can then tell.
    @discardableResult
    static func covered<T>(_ store: String, _ body: (Database) throws -> T) throws -> T {
        let result = try unguarded(store, body)
        try RecordStore(path: store, create: false).restoreGuards()
        return result
    }

    private static func dropGuards(_ db: Database) throws {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
            try db.execute(sql: "DROP TRIGGER \"\(name)\"")
        }
    }
}
