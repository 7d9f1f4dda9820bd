import ClauseEngine
import ClauseLanguage
import Foundation
import GRDB

/// The decision record store: one SQLite file in WAL mode, through GRDB.
///
/// Several processes may record into one store at once: every write is one `BEGIN IMMEDIATE`
/// transaction, and a writer that finds the file locked waits (busy timeout) instead of failing.
/// A process killed mid-batch loses at most its uncommitted batch; SQLite's journal guarantees no
/// half transaction survives, and each decision is written with its case, packages and ban in
/// the same transaction, so no half record can either.
package final class RecordStore: Sendable {
    package let path: String
    let queue: DatabaseQueue

    /// Opens the store at `path`.
    ///
    /// - Parameters:
    ///   - create: create the file (and its folder) when it does not exist; reading commands pass
    ///     false so that a mistyped path is an error, not a new empty store.
    /// - Throws: `StoreError` for a file that is missing, not SQLite, not ours, or too new.
    package init(path: String, create: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        if exists && isDir.boolValue {
            throw StoreError(.cannotOpen, path: path, "is a directory, not a record store file")
        }
        if !exists {
            guard create else {
                throw StoreError(.notFound, path: path,
                                 "no record store here: record decisions first ('clause record CASE…' or 'clause evaluate --record'), or name one with --store or CLAUSE_STORE")
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw StoreError(.cannotOpen, path: path, "cannot create the folder '\(folder)': \(error.localizedDescription)")
                }
            }
        } else {
            try Self.checkHeader(path)
        }
        var config = Configuration()
        config.busyMode = .timeout(120)
        config.label = "clause.records"
        config.prepareDatabase { db in
            // In WAL mode NORMAL keeps every committed transaction across a killed process
            // (only a power cut can lose the last ones), and is much faster than FULL.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.translate(error, path: path)
        }
        try prepare()
    }

    /// A SQLite file starts with "SQLite format 3\0"; anything else is refused before SQLite
    /// touches it. An empty file is a new store.
    private static func checkHeader(_ path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw StoreError(.cannotOpen, path: path, "cannot read the file (permissions?)")
        }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 100)) ?? Data()
        if head.isEmpty { return }
        if head.count < 100 || !head.starts(with: Array("SQLite format 3\u{0}".utf8)) {
            throw StoreError(.notADatabase, path: path, "not a clause record store: the file is not a SQLite database (corrupt, or another kind of file)")
        }
    }

    /// Checks that the database is ours and not newer than we are, then brings its schema up to
    /// date; a file that fails either check is left exactly as it was.
    private func prepare() throws {
        let migrator = StoreSchema.migrator
        do {
            try queue.inDatabase { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if appID != StoreSchema.applicationID {
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
                    if !tables.isEmpty {
                        throw StoreError(.foreign, path: path,
                                         "not a clause record store: a SQLite database of something else (tables: \(tables.sorted().prefix(5).joined(separator: ", ")))")
                    }
                }
                if try db.tableExists("grdb_migrations") {
                    let known = Set(migrator.migrations)
                    let unknown = try migrator.appliedIdentifiers(db).subtracting(known)
                    if !unknown.isEmpty {
                        throw StoreError(.newerSchema, path: path,
                                         "this record store was written by a newer clause (schema \(unknown.sorted().joined(separator: ", ")), unknown to clause \(ClauseVersion.current)): upgrade clause to read it")
                    }
                }
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            // Two processes may open a new store at once: the loser of the race finds the
            // migration already applied and its own attempt rolled back, so it checks again.
            var attempt = 0
            while true {
                do {
                    try migrator.migrate(queue)
                    break
                } catch {
                    attempt += 1
                    let done = try queue.read { db in try migrator.hasCompletedMigrations(db) }
                    if done { break }
                    if attempt >= 5 { throw error }
                }
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// SQLite's own words for a damaged file become a `StoreError`; the rest pass unchanged.
    static func translate(_ error: any Error, path: String) -> any Error {
        if error is StoreError { return error }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(.notADatabase, path: path, "the record store is damaged or not a SQLite database (\(e.message ?? "\(e.resultCode)"))")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                return StoreError(.cannotOpen, path: path, "cannot open the record store (\(e.message ?? "\(e.resultCode)"))")
            default: break
            }
        }
        return error
    }

    /// Runs a read, turning SQLite's corruption errors into `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.inDatabase(body) } catch { throw Self.translate(error, path: path) }
    }

    /// Runs one immediate write transaction: all of it is stored, or none of it.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// SQLite's `PRAGMA integrity_check`: "ok", or what is wrong.
    package func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
