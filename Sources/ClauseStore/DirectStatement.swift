import GRDB
import GRDBSQLite

/// Runs a prepared statement straight on SQLite: its values bound by position, stepped, reset.
///
/// Recording runs a dozen small statements per decision on the thread that sets its pace. Through
/// GRDB's `execute(arguments:)` and `fetchOne`, each one paid for building its arguments from
/// existentials, checking them against the statement, binding them under nested closures and
/// making a `Row`: together about as much as SQLite's own work for the insert. These few hot
/// statements take that path; everything else keeps GRDB's.
///
/// Only for statements of the connection's open transaction, on its own queue: nothing is
/// observed (no GRDB transaction observer is told), and an error is GRDB's `DatabaseError` with
/// SQLite's extended code and message, as `execute` throws it.
extension Statement {
    /// Runs an INSERT, UPDATE or DELETE with `values` bound to its placeholders in order.
    func run(_ values: DatabaseValue...) throws { try run(values: values) }

    /// The same, the values in an array.
    func run(values: [DatabaseValue]) throws {
        try bindAll(values)
        defer { finish() }
        let code = sqlite3_step(sqliteStatement)
        guard code == SQLITE_DONE else { throw failure(code, values) }
    }

    /// Runs a query with `values` bound, and reads its first row with `read` (nil when it has none).
    func first<T>(_ values: DatabaseValue..., read: (ColumnReader) throws -> T) throws -> T? {
        try first(values: values, read: read)
    }

    /// The same, the values in an array.
    func first<T>(values: [DatabaseValue], read: (ColumnReader) throws -> T) throws -> T? {
        try bindAll(values)
        defer { finish() }
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_ROW: return try read(ColumnReader(of: self))
        case SQLITE_DONE: return nil
        case let code: throw failure(code, values)
        }
    }

    /// Runs a query with `values` bound, and reads each of its rows with `read`.
    func each(_ values: DatabaseValue..., read: (ColumnReader) throws -> Void) throws {
        try each(values: values, read: read)
    }

    /// The same, the values in an array.
    func each(values: [DatabaseValue], read: (ColumnReader) throws -> Void) throws {
        try bindAll(values)
        defer { finish() }
        let reader = ColumnReader(of: self)
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_ROW: try read(reader)
            case SQLITE_DONE: return
            case let code: throw failure(code, values)
            }
        }
    }

    private func bindAll(_ values: [DatabaseValue]) throws {
        let s = sqliteStatement
        sqlite3_reset(s)
        guard values.count == Int(sqlite3_bind_parameter_count(s)) else {
            throw StoreBug("\(values.count) values for the \(sqlite3_bind_parameter_count(s)) placeholders of \(sql)")
        }
        for (i, v) in values.enumerated() {
            let code = v.bind(to: s, at: CInt(i + 1))
            guard code == SQLITE_OK else { throw failure(code, values) }
        }
    }

    /// Leaves the statement as GRDB expects to find it: reset (holding no lock) and unbound.
    private func finish() {
        sqlite3_reset(sqliteStatement)
        sqlite3_clear_bindings(sqliteStatement)
    }

    private func failure(_ code: CInt, _ values: [DatabaseValue]) -> DatabaseError {
        let connection = sqlite3_db_handle(sqliteStatement)
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql, arguments: StatementArguments(values))
    }
}

/// The columns of the row a statement stands on, read by position. A value not of the kind asked
/// for (text where clause writes a number) is the store's damage, said as `RecordStore` says it.
struct ColumnReader {
    private let statement: SQLiteStatement

    init(of owner: Statement) {
        statement = owner.sqliteStatement
    }

    /// The column as the query names it, for a message (a store's own words, so escaped where shown).
    private func name(_ column: Int) -> String {
        sqlite3_column_name(statement, CInt(column)).map { String(cString: $0) } ?? "column \(column + 1)"
    }

    private func value(_ column: Int) -> DatabaseValue { DatabaseValue(sqliteStatement: statement, index: CInt(column)) }

    /// The column's value as `T`; nil for NULL.
    func optional<T: DatabaseValueConvertible>(_ column: Int, as _: T.Type = T.self) throws -> T? {
        let v = value(column)
        if v.isNull { return nil }
        guard let t = T.fromDatabaseValue(v) else {
            throw StoreBug.damaged("a stored value is not of the kind clause writes (\(name(column)): \(v.storage.kind)); run 'clause verify' to see which records were altered")
        }
        return t
    }

    /// The column's value as `T`, which clause never leaves NULL.
    func required<T: DatabaseValueConvertible>(_ column: Int, as _: T.Type = T.self) throws -> T {
        guard let t = try optional(column, as: T.self) else {
            throw StoreBug.damaged("a stored value is missing where clause always writes one (\(name(column))); run 'clause verify' to see which records were altered")
        }
        return t
    }
}

extension DatabaseValue.Storage {
    /// The storage class, as a message names it (never the value: it may be anything).
    fileprivate var kind: String {
        switch self {
        case .null: "null"
        case .int64: "an integer"
        case .double: "a real number"
        case .string: "text"
        case .blob: "a blob"
        }
    }
}
