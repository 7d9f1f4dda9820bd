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
public final class RecordStore: Sendable {
    package let path: String
    let queue: DatabaseQueue
    /// Reference lines and case texts decoded so far: most records are compressed against one.
    let references = ReferenceCache()

    /// Opens the store at `path`.
    ///
    /// - Parameters:
    ///   - create: create the file (and its folder) when it does not exist; reading commands pass
    ///     false so that a mistyped path is an error, not a new empty store.
    /// - Throws: `StoreError` for a file that is missing, not SQLite, not ours, or too new.
    public init(path: String, create: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        if exists && isDir.boolValue {
            throw StoreError(.cannotOpen, path: path, "is a directory, not a record store file")
        }
        let folder = (path as NSString).deletingLastPathComponent
        // A link to nothing: SQLite would create its target with the default mode (0644) where the
        // store must be 0600, and the user meant some other file anyway.
        if !exists, let target = try? fm.destinationOfSymbolicLink(atPath: path) {
            throw StoreError(.cannotOpen, path: path, "is a symbolic link to '\(target)', which does not exist: create the store at its own path, or fix the link")
        }
        // An empty file is not a store to read: only a command that records may make it one.
        if exists, !create, ((try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 1) == 0 {
            throw StoreError(.notADatabase, path: path, "is an empty file, not a record store: record decisions into it first ('clause record'), or name the store with --store")
        }
        if !exists {
            guard create else {
                throw StoreError(.notFound, path: path,
                                 "no record store here: record decisions first ('clause record CASE…' or 'clause evaluate --record'), or name one with --store or CLAUSE_STORE")
            }
            if !folder.isEmpty {
                do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw StoreError(.cannotOpen, path: path, "cannot create the folder '\(folder)': \(error.localizedDescription)")
                }
            }
        }
        // Setting a store up (creating it, its WAL, its tables) is done by one process at a time,
        // under a lock on its folder: two processes creating one new store at once once lost a
        // record ("database is locked" on WAL set-up, or a half-made file taken for someone
        // else's). The lock is held for milliseconds, never while recording.
        let setupLock = SetupLock(folder: folder.isEmpty ? "." : folder)
        defer { setupLock.release() }
        if !fm.fileExists(atPath: path) {
            // Created here, not by SQLite, so that it is 0600: it holds applicants' data. SQLite
            // gives its -wal and -shm files the same mode.
            // Not closed: a descriptor of a store closed while this process has it open drops
            // every SQLite lock the process holds on it (`StoreFiles`).
            let fd = Foundation.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { StoreFiles.shared.keep(fd, for: path) }
        } else {
            try Self.checkHeader(path)
        }
        // A store the user may read but not write (a copy from an archive, a colleague's file)
        // is opened read-only: why, replay and bans work; recording is refused by SQLite.
        let readOnly = !create && access(path, W_OK) != 0
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(120)
        // A recording batch is one transaction spanning many calls (`DecisionRecorder`).
        config.allowsUnsafeTransactions = true
        config.label = "clause.records"
        config.prepareDatabase { db in
            // In WAL mode NORMAL keeps every committed transaction across a killed process
            // (only a power cut can lose the last ones), and is much faster than FULL.
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            // A new store's pages: 8 KB holds several compressed decisions a page where 4 KB held
            // one or two (a third smaller store). A no-op on a store that has tables.
            if !readOnly { try db.execute(sql: "PRAGMA page_size = 8192") }
        }
        do {
            queue = try Self.openQueue(path, config, readOnly: readOnly)
        } catch {
            throw Self.translate(error, path: path)
        }
        try prepare(readOnly: readOnly)
    }

    /// The connection. A read-only store in a folder the user cannot write either cannot get
    /// the `-shm` file WAL reading needs; it is then opened immutable (SQLite reads the file as
    /// it is, without locks: what was committed and checkpointed when its owner last closed it).
    private static func openQueue(_ path: String, _ config: Configuration, readOnly: Bool) throws -> DatabaseQueue {
        guard readOnly else { return try DatabaseQueue(path: path, configuration: config) }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let escaped = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? absolute
            return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: config)
        }
    }

    /// An exclusive `flock` on a folder, for the few milliseconds of a store's set-up. `flock`
    /// locks are apart from SQLite's own (POSIX) locks, so neither disturbs the other. Best
    /// effort: a folder that cannot be opened is not locked.
    private final class SetupLock {
        private var fd: Int32
        init(folder: String) {
            fd = Foundation.open(folder, O_RDONLY | O_DIRECTORY)
            if fd >= 0 { _ = flock(fd, LOCK_EX) }
        }
        func release() {
            guard fd >= 0 else { return }
            _ = flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
        deinit { release() }
    }

    /// A SQLite file starts with "SQLite format 3\0"; anything else is refused before SQLite
    /// touches it. An empty file is a new store.
    private static func checkHeader(_ path: String) throws {
        // Read through a descriptor kept open for the process (`StoreFiles`), never one closed here.
        guard let head = StoreFiles.shared.head(path, count: 100) else {
            throw StoreError(.cannotOpen, path: path, "cannot read the file (permissions?)")
        }
        if head.isEmpty { return }
        if head.count < 100 || !head.starts(with: Array("SQLite format 3\u{0}".utf8)) {
            throw StoreError(.notADatabase, path: path, "not a clause record store: the file is not a SQLite database (corrupt, or another kind of file)")
        }
    }

    /// Checks that the database is ours and not newer than we are, then brings its schema up to
    /// date; a file that fails either check is left exactly as it was.
    private func prepare(readOnly: Bool) throws {
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
                if !readOnly { _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            }
            if readOnly {
                let done = try queue.read { db in try migrator.hasCompletedMigrations(db) }
                if !done {
                    throw StoreError(.cannotOpen, path: path, "this record store needs an upgrade of its tables, which needs permission to write it")
                }
                return
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
        // A value clause could not have written (text in an amount, a null where it never writes
        // one): the store was altered, said as damage rather than a crash or a bug of ours.
        if let e = error as? RowDecodingError {
            return StoreBug.damaged("a stored value is not of the kind clause writes (\(String(describing: e).prefix(300))); run 'clause verify' to see which records were altered")
        }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(.notADatabase, path: path, "the record store is damaged or not a SQLite database (\(e.message ?? "\(e.resultCode)"))")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                return StoreError(.cannotOpen, path: path, "cannot open the record store (\(e.message ?? "\(e.resultCode)"))")
            case .SQLITE_READONLY:
                return StoreError(.cannotOpen, path: path, "the record store is read-only here: it can be read (why, replay, bans list) but not recorded into")
            case .SQLITE_ERROR where (e.message ?? "").hasPrefix("no such table: "):
                let table = (e.message ?? "").dropFirst("no such table: ".count)
                return StoreError(.foreign, path: path, "not a whole clause record store: its table '\(table)' is missing (damaged, or altered by hand)")
            case .SQLITE_ERROR where (e.message ?? "").hasPrefix("no such column: "):
                let column = (e.message ?? "").dropFirst("no such column: ".count)
                return StoreError(.foreign, path: path, "not a whole clause record store: its column '\(column)' is missing (damaged, or altered by hand)")
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

    /// One statement of a batch's own transaction control (`BEGIN IMMEDIATE`, `COMMIT`,
    /// `ROLLBACK`): a batch spans many calls, so it cannot be one `write`.
    func execute(_ sql: String) throws {
        do { try queue.inDatabase { try $0.execute(sql: sql) } } catch { throw Self.translate(error, path: path) }
    }

    /// Runs `body` inside the open batch as one savepoint: all of it is kept in the batch, or
    /// (it threw) none of it, and the rest of the batch stays.
    func inSavepoint<T>(_ body: (Database) throws -> T) throws -> T {
        try inBatch(savepoint: true, body)
    }

    /// Runs `body` inside the open batch, as a savepoint when `savepoint` is true. Without one,
    /// what `body` wrote before it threw stays in the batch: only for a body that throws before
    /// it writes, or whose caller then gives up the whole batch. A savepoint is not free: SQLite
    /// copies every page it first touches into a statement journal, which was most of the
    /// writing recording did (seventeen pages a decision).
    func inBatch<T>(savepoint: Bool, _ body: (Database) throws -> T) throws -> T {
        guard savepoint else {
            do { return try queue.inDatabase(body) } catch { throw Self.translate(error, path: path) }
        }
        do {
            return try queue.inDatabase { db in
                try db.cachedStatement(sql: "SAVEPOINT clause_case").execute()
                do {
                    let r = try body(db)
                    try db.cachedStatement(sql: "RELEASE clause_case").execute()
                    return r
                } catch {
                    try? db.execute(sql: "ROLLBACK TO clause_case")
                    try? db.execute(sql: "RELEASE clause_case")
                    throw error
                }
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
