import ArgumentParser
import ClauseEngine
import ClauseLanguage
import ClauseStore
import ClauseSyntax
import Foundation

/// `--store PATH`: which record store a command uses (else `CLAUSE_STORE`, else
/// `.clause/records.sqlite`).
package struct StoreOptions: ParsableArguments {
    @Option(help: "The decision record store (default: $CLAUSE_STORE, else .clause/records.sqlite).")
    var store: String?

    package init() {}

    /// `--store ""` once silently meant the default store: a script whose variable was empty
    /// would read or write the wrong file.
    package func validate() throws {
        if let store, store.isEmpty { throw ValidationError("--store needs a path: an empty one is not a store") }
    }

    var path: String { StoreLocation.resolve(store) }

    /// Opens the store; a missing store is an error unless `create`. A store whose guards against
    /// hand edits were dropped is read with a warning and never written (`StoreCommand.checkGuards`).
    func open(create: Bool, for use: StoreUse = .reads) throws -> RecordStore {
        let store = try StoreCommand.guarded { try RecordStore(path: path, create: create) }
        try StoreCommand.checkGuards(store, for: use)
        return store
    }
}

/// What a command does with the store it opens.
enum StoreUse {
    /// Decides beside it, lists or reports it: what it holds is shown or counted.
    case reads
    /// Appends to it: a decision, a revocation, a ban's lift or correction.
    case writes
    /// Checks it: `clause verify` names the removed guards itself.
    case verifies
}

/// How the store commands report the store's errors: one `error:` line and exit 1, never a
/// stack trace; a problem in the file (the user's) reads differently from a bug in us.
enum StoreCommand {
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as StoreError {
            Output.error("error: \(TerminalText.escape(e.description))\n")
            throw ExitCode(1)
        } catch let e as RecordRefused {
            Output.diagnostics([e.diagnostic])
            throw ExitCode(1)
        } catch let e as StoreBug {
            // A damaged store's message quotes what the store holds: escaped, as all store text.
            Output.error("error: \(TerminalText.escape(e.description))\n")
            throw ExitCode(1)
        } catch let e as CorrectionRefused {
            // A revocation or a ban correction the store cannot take: the user's to fix.
            Output.error("error: \(TerminalText.escape(e.message))\n")
            throw ExitCode(1)
        } catch let e as ExitCode {
            throw e
        } catch {
            Output.error("error: record store: \(TerminalText.escape(String(describing: error)))\n")
            throw ExitCode(1)
        }
    }

    /// A store whose guards against hand edits were dropped may have been edited outside clause
    /// since: a command that would append money or a ban to it is refused (what it adds would be
    /// counted against altered figures), one that reads it is warned about. `clause verify` says
    /// whether anything was altered, and puts the guards back when nothing was.
    static func checkGuards(_ store: RecordStore, for use: StoreUse) throws {
        guard use != .verifies else { return }
        let removed = try guarded { try store.removedGuards() }
        guard !removed.isEmpty else { return }
        let tables = StoreGuards.tables(of: removed).joined(separator: ", ")
        let what = "the guards that refuse hand edits of its tables (\(tables)) were removed or altered, so what it holds may have been edited outside clause"
        let place = TerminalText.escape(store.path)
        switch use {
        case .writes:
            Output.error("error: \(place): \(what); nothing is recorded into it. Run 'clause verify'; 'clause verify --repair' puts the guards back when no recorded row is found altered\n")
            throw ExitCode(1)
        case .reads:
            Output.error("warning: \(place): \(what); run 'clause verify' before relying on what follows\n")
        case .verifies: return
        }
    }

    /// Today, for saying whether a ban or a package is in force now.
    static var today: CivilDate { CivilDate(days: Int32((Date().timeIntervalSince1970 / 86_400).rounded(.down))) }

    static func date(_ text: String?, option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let d = CivilDate(iso: Substring(text)) else { throw ValidationError("\(option) " + CivilDate.problem(text)) }
        return d
    }

    /// A credit code typed on the command line, in the canonical form the record keeps it in:
    /// `91210106ma0y3k2x1e` is the enterprise the record knows as `91210106MA0Y3K2X1E`, so a
    /// lookup in lower case must not answer "nothing registered" for a banned enterprise. A text
    /// that is not a valid code (a package may key its bans by another identifier) is looked up
    /// as typed, with a note, so that a mistyped code is not read as a clean record unawares.
    static func creditCode(_ text: String) -> String {
        switch CreditCode.read(text) {
        case .success(let code): return code
        case .failure(let why):
            Output.error("note: '\(TerminalText.escape(text))' is not a valid 统一社会信用代码 (\(why)): looked up as typed\n")
            return text
        }
    }
}
