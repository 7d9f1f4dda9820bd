import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Testing

/// A case that cannot be decided is the case's fault (an overflow) or, where the type checker
/// should have made it impossible, clause's own: the two are told apart all the way to the
/// located error a user reads.
@Suite struct EvaluationFaultTests {
    /// An expression the checker would never build (a negated text) reaches the evaluator as a
    /// broken invariant, not as a failure of the case.
    @Test func anExpressionNoCheckerWouldBuildIsABrokenInvariant() {
        var ev = Evaluator(policy: Repo.shenyang, facts: [], asOf: CivilDate(year: 2025, month: 1, day: 1)!, tracing: false)
        let text = CheckedExpr(.constant(.text("企业")), .text, "'企业'")
        var trace: [TraceNode]? = nil
        guard case .failed(let fault) = ev.eval(CheckedExpr(.negate(text), .int, "-'企业'"), &trace) else {
            Issue.record("a negated text must fail")
            return
        }
        #expect(fault.isBrokenInvariant)
    }

    @Test func aBrokenInvariantIsReportedAsAFaultOfClause() {
        let failure = EvaluationFailure(.brokenInvariant("negate"), rule: "art4.1")
        let d = failure.diagnostic(at: .builtin)
        #expect(d.id == "eval.internal")
        #expect(d.message.contains("art4.1") && d.message.contains("fault in clause"), "\(d.message)")
    }

    @Test func anOverflowIsTheCasesOwnFailure() {
        let failure = EvaluationFailure("amount overflow in '×'", rule: "art4.1")
        let d = failure.diagnostic(at: .builtin)
        #expect(d.id == "eval.failed")
        #expect(d.message == "art4.1: amount overflow in '×'")
    }
}
