import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import FuzzSupport

/// The case reader (ClauseEngine) against the packages in Policies/: the loader as the CLI runs it
/// (fast reader, then the tree path), and the two paths side by side. Findings beyond crashes:
/// a refusal without a located error; the fast reader accepting what the tree path refuses, or
/// reading other facts; the compiled policy deciding otherwise than the interpreter.
Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    let path = "case.yaml"
    let loader = CaseLoader(repository: Fuzz.repository)
    let loaded = loader.load(text: text, path: path)

    let file = SourceFile(path: path, text: text)
    let fast = FastCaseReader.read(file, path: path, repository: Fuzz.repository)
    var bag = DiagnosticBag()
    var slow: (CaseFile, Policy)?
    if let root = YAMLReader.read(file, into: &bag), !bag.hasErrors,
       case .ready(let c, let p) = loader.load(root: root, path: path) {
        slow = (c, p)
    }

    if let (f, _) = fast {
        guard let (s, _) = slow else { Fuzz.fail("the fast reader accepted a case the tree path refuses") }
        if !f.hasSameFacts(as: s) || f.id != s.id || f.policyID != s.policyID {
            Fuzz.fail("the fast reader and the tree path read different cases")
        }
    }
    switch loaded {
    case .failed(let diagnostics):
        if slow != nil { Fuzz.fail("the loader refused a case the tree path accepts") }
        Fuzz.expectLocatedErrors(diagnostics, "the case")
    case .ready(let c, let policy):
        if slow == nil { Fuzz.fail("the loader accepted a case the tree path refuses") }
        Fuzz.decideBothWays(c, policy, compiled: Fuzz.repository.compiled(policy))
    }
    return 0
}
