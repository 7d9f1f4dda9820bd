import ArgumentParser
import ClauseSyntax
import ClauseEngine
import ClauseLanguage

/// How `check` and `test` find packages: by id under ./Policies (or CLAUSE_POLICY_PATH), with
/// `--base DIR` naming the base of the amendments given, ahead of any package with its id.
enum PackageLookup {
    static func repository(base: String?) throws -> PolicyRepository {
        let repository = PolicyRepository()
        guard let base else { return repository }
        guard let header = PolicyLoader.header(base) else {
            Output.error("error: --base \(TerminalText.escape(base)): no policy.yaml with a 'policy:' id there\n")
            throw ExitCode(2)
        }
        repository.baseOverrides[header.id] = base
        return repository
    }
}
