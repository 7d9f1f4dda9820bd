import ClauseLanguage
import ClauseSyntax

/// One expression written alone, typed and evaluated as a rule's `when:` of `policy` sees it
/// (the package's facts, parameters and definitions in scope). This is the expression fuzzer's
/// way in (Fuzz/): the parser, the checker and the tracing evaluator stay `package`, and so does
/// the expression tree they share.
public struct ExpressionProbe {
    let policy: Policy

    public init(policy: Policy) { self.policy = policy }

    /// Whether `text` parses: the parser alone, before any checking.
    public static func parses(_ text: String) -> Bool {
        if case .success = Parser.parse(text) { return true }
        return false
    }

    /// Checks the expression in `scalar` (its columns are the scalar's, as in a package file) and,
    /// when it checks, evaluates it with the tracing evaluator over each of `cases`. Returns the
    /// checker's diagnostics when it does not check, nil when it does.
    public func check(_ scalar: YAMLNode.Scalar, evaluatingOver cases: [CaseFile], asOf: CivilDate) -> [Diagnostic]? {
        let checker = ExpressionChecker(names: TypeNames(enums: policy.enums, records: policy.records))
        for (i, p) in policy.parameters.enumerated() { checker.parameters[p.name] = (i, p.type) }
        let definitions = policy.definitions
        checker.definition = { name in definitions.firstIndex { $0.name == name }.map { ($0, definitions[$0].expr.type) } }
        checker.definitionNames = definitions.map(\.name)
        guard let checked = checker.check(scalar, expected: nil, what: "the expression") else { return checker.bag.sorted }
        for c in cases {
            var evaluator = Evaluator(policy: policy, facts: c.facts, asOf: asOf, tracing: true)
            var trace: [TraceNode]? = []
            _ = evaluator.eval(checked, &trace)
        }
        return nil
    }
}
