import ClauseSyntax

/// Why evaluating an expression stopped. Most often the case's own numbers (an amount that
/// overflows, a division by zero for this case): the case or the package must change. A broken
/// invariant is something the type checker rules out (a member of a non-record, an award that is
/// not an amount): reaching one means clause itself is wrong, and the reader must be told so
/// rather than sent to look for a mistake in files that have none.
package struct EvaluationFault: Sendable, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    package var message: String
    package var isBrokenInvariant = false

    package init(stringLiteral message: String) { self.message = message }

    package static func brokenInvariant(_ what: String) -> EvaluationFault {
        var f = EvaluationFault(stringLiteral: what)
        f.isBrokenInvariant = true
        return f
    }
}

extension EvaluationFailure {
    /// The failure of rule `rule` on `fault`.
    package init(_ fault: EvaluationFault, rule: String) {
        if fault.isBrokenInvariant {
            message = "clause failed on rule \(rule) (\(fault.message)): the package was checked, so this case should decide; "
                + "this is a fault in clause, not in the case or the package: please report it with both"
            isFaultOfClause = true
        } else {
            message = "\(rule): \(fault.message)"
        }
    }

    /// The located error a command reports for this failure of the case read at `range`.
    package func diagnostic(at range: SourceRange) -> Diagnostic {
        Diagnostic(id: isFaultOfClause ? "eval.internal" : "eval.failed", message, at: range)
    }
}
