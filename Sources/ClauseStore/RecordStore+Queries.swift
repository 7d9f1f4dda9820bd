import ClauseEngine
import ClauseLanguage
import GRDB

/// What the reading commands (`why`, `replay`, `bans`) ask the store.
extension RecordStore {
    /// Every decision recorded for `caseID`, oldest first.
    package func decisions(caseID: String) throws -> [RecordedDecision] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(RecordedDecision.columns) FROM \(RecordedDecision.from) WHERE d.case_id = ? ORDER BY d.id",
                             arguments: [caseID]).map { try RecordedDecision(row: $0, db: db, references: references) }
        }
    }

    /// The ids of every decision, oldest first.
    public func allDecisionIDs() throws -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM decisions ORDER BY id") }
    }

    public func decision(id: Int64) throws -> RecordedDecision? {
        try read { db in
            // Prepared once per connection: `replay --all` asks this once per decision.
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(RecordedDecision.columns) FROM \(RecordedDecision.from) WHERE d.id = ?"),
                             arguments: [id]).map { try RecordedDecision(row: $0, db: db, references: references) }
        }
    }

    /// How many decisions the store holds.
    package func decisionCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM decisions") ?? 0 }
    }

    /// A case file's text by its digest.
    package func caseText(digest: String) throws -> String? {
        try read { db in
            var reader = CaseBlob.Reader(db, cache: references)
            return try DatabaseValue.fetchOne(db.cachedStatement(sql: "SELECT text FROM cases WHERE digest = ?"), arguments: [digest])
                .map { try reader.text($0, digest: digest) }
        }
    }

    /// A package's files (name, text) by its digest, in name order.
    package func packageFiles(digest: String) throws -> [(name: String, text: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, text FROM package_files WHERE digest = ? ORDER BY name", arguments: [digest])
                .map { (name: (try $0.decode(forColumn: "name")), text: (try $0.decode(forColumn: "text"))) }
        }
    }

    /// The packages that took part in a decision, in order, with their role and version.
    package func packages(decisionID: Int64) throws -> [(digest: String, role: String, policyID: String, version: String)] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT dp.digest, dp.role, p.policy_id, p.version FROM decision_packages dp JOIN packages p ON p.digest = dp.digest
                WHERE dp.decision_id = ? ORDER BY dp.position
                """), arguments: [decisionID])
                .map { (digest: (try $0.decode(forColumn: "digest")), role: (try $0.decode(forColumn: "role")), policyID: (try $0.decode(forColumn: "policy_id")), version: (try $0.decode(forColumn: "version"))) }
        }
    }

    /// Every registered ban with the dates of its latest correction (`correction`: its record
    /// number, null when never corrected). Older stores are migrated before they are read.
    static let effectiveBans = """
        SELECT b.id, b.credit_code, coalesce(c.from_date, b.from_date) AS from_date, coalesce(c.through, b.through) AS through,
               b.clause, b.case_id, b.decision_id, c.id AS correction
        FROM bans b LEFT JOIN ban_corrections c ON c.id = (SELECT max(id) FROM ban_corrections WHERE ban_id = b.id)
        """

    /// The registry's bans (as corrected), for one credit code or all, by code then first day.
    public func bans(creditCode: String? = nil) throws -> [RegistryBan] {
        try read { db in
            let filter = creditCode == nil ? "" : "WHERE credit_code = ?"
            var bans: [RegistryBan] = []
            try db.makeStatement(sql: "SELECT \(Self.banColumns) FROM (\(Self.effectiveBans)) \(filter) ORDER BY credit_code, from_date, id")
                .each(values: creditCode.map { [$0.databaseValue] } ?? []) { r in
                    if let ban = try Self.ban(r) { bans.append(ban) }
                }
            return bans
        }
    }

    /// The ban that a decision for `creditCode` evaluated on `asOf` must see: among the bans that
    /// had begun by then and were caused by another case, the one that lasts longest.
    package func registryBan(creditCode: String, asOf: CivilDate, excludingCase caseID: String) throws -> RegistryBan? {
        try read { db in
            // A lifted ban is no longer the registry's word. (Every store is migrated when it is
            // opened, so the lifts table is there: asking the schema once per decision cost recording.)
            // The longest is picked here rather than by ORDER BY: sorting in SQL made a temporary
            // B-tree for every decision recorded, though an applicant has one ban or none.
            // Read straight from SQLite: every decision recorded asks it.
            var longest: (through: String, id: Int64, ban: RegistryBan?)?
            try db.cachedStatement(sql: Self.bansInForce).each(creditCode.databaseValue, asOf.iso.databaseValue, caseID.databaseValue) { r in
                let id: Int64 = try r.required(0), through: String = try r.required(3)
                if let l = longest, (l.through, l.id) > (through, id) { return }
                longest = (through, id, try Self.ban(r))
            }
            return longest?.ban
        }
    }

    /// The columns of `effectiveBans` that `ban(_:)` reads, in its order.
    private static let banColumns = "id, credit_code, from_date, through, clause, case_id, decision_id, correction"

    /// The bans of a credit code that had begun by a date, caused by another case and not lifted.
    private static let bansInForce = """
        SELECT \(banColumns) FROM (\(effectiveBans)) bans
        WHERE credit_code = ? AND from_date <= ? AND case_id <> ? AND NOT EXISTS (SELECT 1 FROM ban_lifts l WHERE l.ban_id = bans.id)
        """

    /// A ban from a row of `banColumns`; nil when its dates are not dates.
    static func ban(_ r: ColumnReader) throws -> RegistryBan? {
        guard let from = CivilDate(iso: Substring(try r.required(2, as: String.self))),
              let through = CivilDate(iso: Substring(try r.required(3, as: String.self))) else { return nil }
        return RegistryBan(creditCode: try r.required(1), from: from, through: through, clause: try r.required(4),
                           caseID: try r.required(5), decisionID: try r.required(6), correction: try r.optional(7))
    }

    /// Lifts every registered ban of `creditCode` not lifted yet, with who and why; how many.
    package func liftBans(creditCode: String, reason: String, by who: String, at when: String) throws -> Int {
        try write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM bans WHERE credit_code = ? AND NOT EXISTS (SELECT 1 FROM ban_lifts l WHERE l.ban_id = bans.id)
                """, arguments: [creditCode])
            for id in ids {
                try db.execute(sql: "INSERT INTO ban_lifts (ban_id, reason, lifted_by, lifted_at) VALUES (?, ?, ?, ?)",
                               arguments: [id, reason, who, when])
                try RecordChain.seal([("ban_lift", db.lastInsertedRowID)], db)
            }
            return ids.count
        }
    }

    /// Corrects the dates of the ban registered by decision `decisionID`, with who and why;
    /// returns the correction's record number. Later decisions see the new dates; earlier ones
    /// keep the dates they saw.
    ///
    /// - Throws: `CorrectionRefused` when no such ban is registered, or it is lifted.
    package func correctBan(decisionID: Int64, from: CivilDate, through: CivilDate, reason: String, by who: String, at when: String) throws -> Int64 {
        try write { db in
            guard let banID = try Int64.fetchOne(db, sql: "SELECT id FROM bans WHERE decision_id = ?", arguments: [decisionID]) else {
                throw CorrectionRefused(message: "no ban is registered by decision #\(decisionID)")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ban_lifts WHERE ban_id = ?)", arguments: [banID]) == true {
                throw CorrectionRefused(message: "the ban registered by decision #\(decisionID) is lifted: there are no dates to correct")
            }
            try db.execute(sql: """
                INSERT INTO ban_corrections (ban_id, from_date, through, reason, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [banID, from.iso, through.iso, reason, who, when])
            let id = db.lastInsertedRowID
            try RecordChain.seal([("ban_correction", id)], db)
            return id
        }
    }

    /// The corrections of the ban registered by decision `decisionID`, oldest first: the dates
    /// each set, why, by whom, when.
    package func banCorrections(decisionID: Int64) throws -> [(from: String, through: String, reason: String, by: String, at: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.from_date, c.through, c.reason, c.corrected_by, c.corrected_at FROM ban_corrections c
                JOIN bans b ON b.id = c.ban_id WHERE b.decision_id = ? ORDER BY c.id
                """, arguments: [decisionID]).map {
                (from: (try $0.decode(forColumn: "from_date")), through: (try $0.decode(forColumn: "through")), reason: (try $0.decode(forColumn: "reason")), by: (try $0.decode(forColumn: "corrected_by")), at: (try $0.decode(forColumn: "corrected_at")))
            }
        }
    }

    /// The original dates of the ban registered by decision `decisionID` (before any correction).
    package func originalBanDates(decisionID: Int64) throws -> (from: String, through: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT from_date, through FROM bans WHERE decision_id = ?", arguments: [decisionID])
                .map { (from: (try $0.decode(forColumn: "from_date")), through: (try $0.decode(forColumn: "through"))) }
        }
    }

    /// The lift of the ban registered by decision `decisionID`, if any.
    package func banLift(decisionID: Int64) throws -> (reason: String, by: String, at: String)? {
        try read { db in
            guard try db.tableExists("ban_lifts") else { return nil }
            return try Row.fetchOne(db, sql: """
                SELECT l.reason, l.lifted_by, l.lifted_at FROM ban_lifts l JOIN bans b ON b.id = l.ban_id WHERE b.decision_id = ?
                """, arguments: [decisionID]).map { (reason: (try $0.decode(forColumn: "reason")), by: (try $0.decode(forColumn: "lifted_by")), at: (try $0.decode(forColumn: "lifted_at"))) }
        }
    }
}

extension RecordStore {
    /// The decisions that saw the ban registered by decision `banDecisionID`.
    package func decisions(usingBanOf banDecisionID: Int64) throws -> [RecordedDecision] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(RecordedDecision.columns) FROM \(RecordedDecision.from) WHERE d.registry_ban_decision = ? ORDER BY d.id",
                             arguments: [banDecisionID]).map { try RecordedDecision(row: $0, db: db, references: references) }
        }
    }
}
