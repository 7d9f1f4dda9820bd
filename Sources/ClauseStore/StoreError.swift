/// A problem with the store file that its user can fix: it does not exist, it is not a SQLite
/// database, it is someone else's database, or a newer `clause` wrote it.
///
/// Kept apart from `StoreBug` (STYLE.md: errors in the input apart from bugs in us), so the CLI
/// can print these as plain `error:` lines and exit 1, never as a crash.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Reading commands need an existing store.
        case notFound
        /// Not a SQLite file at all, or a damaged one.
        case notADatabase
        /// A SQLite database, but not a clause record store.
        case foreign
        /// Written by a newer clause whose schema this binary does not know.
        case newerSchema
        /// The file or its folder cannot be opened or created (permissions, a directory…).
        case cannotOpen
    }

    package var kind: Kind
    package var path: String
    package var message: String

    package init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}

/// Something that cannot happen when the store and this code are sound: a failed SQL statement
/// the schema should have allowed, a package that changed on disk while being recorded.
package struct StoreBug: Error, Sendable, CustomStringConvertible {
    package var message: String
    /// A row this code could not have written (a compressed text that does not inflate, a missing
    /// reference): said as damage to the store, not as a fault of clause.
    package var damaged = false
    package init(_ message: String) { self.message = message }
    package static func damaged(_ message: String) -> StoreBug {
        var bug = StoreBug(message)
        bug.damaged = true
        return bug
    }
    package var description: String {
        damaged ? "the record store is damaged (altered by hand, or a disk fault): \(message)" : "internal error in the record store: \(message)"
    }
}
