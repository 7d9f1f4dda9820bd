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

    /// Opens the store; a missing store is an error unless `create`.
    func open(create: Bool) throws -> RecordStore {
        try StoreCommand.guarded { try RecordStore(path: path, create: create) }
    }
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
