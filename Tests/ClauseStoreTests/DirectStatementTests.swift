import Foundation
import GRDB
import Testing

@testable import ClauseStore

/// The statements recording runs straight on SQLite bind what they are given, in order, say
/// SQLite's refusals as GRDB does, and read a row as the store's damage when it holds a value
/// clause never writes.
@Suite struct DirectStatementTests {
    /// A database in memory with one table and a trigger that refuses a negative amount.
    func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount INTEGER, data BLOB);
                CREATE TRIGGER t_positive BEFORE INSERT ON t WHEN NEW.amount < 0
                BEGIN SELECT RAISE(ABORT, 'clause: an amount is never negative'); END;
                """)
        }
        return queue
    }

    @Test func runBindsEachValueInOrder() throws {
        let queue = try database()
        let rows = try queue.write { db -> [Row] in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, name, amount, data) VALUES (?, ?, ?, ?)")
            try insert.run(1.databaseValue, "甲企业".databaseValue, Int64(50_000_000).databaseValue, Data([0, 1, 2]).databaseValue)
            try insert.run(2.databaseValue, .null, 7.databaseValue, .null)
            return try Row.fetchAll(db, sql: "SELECT id, name, amount, data FROM t ORDER BY id")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["name"] == "甲企业")
        #expect(rows[0]["amount"] == Int64(50_000_000))
        #expect(rows[0]["data"] == Data([0, 1, 2]))
        #expect(rows[1]["name"] as String? == nil)
        #expect(rows[1]["amount"] == 7)
    }

    @Test func aRefusalIsSQLitesOwnAndTheStatementRunsAgain() throws {
        let queue = try database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, name, amount, data) VALUES (?, ?, ?, ?)")
            do {
                try insert.run(1.databaseValue, "x".databaseValue, (-1).databaseValue, .null)
                Issue.record("a negative amount was inserted")
            } catch let error as DatabaseError {
                #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
                #expect(error.message == "clause: an amount is never negative")
            }
            // Reset after the refusal: the same statement inserts the next row.
            try insert.run(1.databaseValue, "x".databaseValue, 3.databaseValue, .null)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 1)
        }
    }

    @Test func tooFewValuesAreRefusedBeforeAnythingRuns() throws {
        let queue = try database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, name, amount, data) VALUES (?, ?, ?, ?)")
            #expect(throws: StoreBug.self) { try insert.run(1.databaseValue, "x".databaseValue) }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 0)
        }
    }

    @Test func firstAndEachReadTheRowsAQueryGives() throws {
        let queue = try database()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (id, name, amount) VALUES (1, 'a', 10), (2, 'b', 20), (3, NULL, 30)")
            let query = try db.cachedStatement(sql: "SELECT id, name, amount FROM t WHERE amount >= ? ORDER BY id")
            let first = try query.first(20.databaseValue) { r in (try r.required(0, as: Int64.self), try r.optional(1, as: String.self)) }
            #expect(first?.0 == 2 && first?.1 == "b")
            #expect(try query.first(99.databaseValue) { try $0.required(0, as: Int64.self) } == nil)
            var seen: [String?] = []
            try query.each(0.databaseValue) { seen.append(try $0.optional(1, as: String.self)) }
            #expect(seen == ["a", "b", nil])
        }
    }

    @Test func aValueClauseNeverWritesIsTheStoresDamage() throws {
        let queue = try database()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (id, name, amount) VALUES (1, NULL, 'not a number')")
            let query = try db.cachedStatement(sql: "SELECT name, amount FROM t")
            // Text where a number is stored, and nothing where a text always is: each named by its column.
            let cases: [(read: (ColumnReader) throws -> Void, says: String)] = [
                ({ _ = try $0.required(1, as: Int64.self) }, "is not of the kind clause writes (amount: text)"),
                ({ _ = try $0.required(0, as: String.self) }, "is missing where clause always writes one (name)"),
            ]
            for c in cases {
                do {
                    _ = try query.first(read: c.read)
                    Issue.record("a damaged value was read")
                } catch let error as StoreBug {
                    #expect(error.damaged)
                    #expect(error.description.contains(c.says), "\(error.description)")
                }
            }
        }
    }
}
