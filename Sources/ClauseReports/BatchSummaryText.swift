import ClauseEngine
import Foundation

/// `10000 cases: 4036 granted, 5100 refused, … · ¥2,768,594,403.17 granted · 1.05 s · 9,523 cases/s`.
package enum BatchSummaryText {
    package static func line(_ s: BatchEvaluator.Summary, elapsed: Duration) -> String {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
        let outcomes = Decision.Outcome.allCases.map { "\(s.outcomes[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ")
        let failed = s.failed > 0 ? ", \(s.failed) unreadable" : ""
        return "\(s.cases) cases: \(outcomes)\(failed) · \(s.granted.display) granted · "
            + String(format: "%.2f s · %.0f cases/s", seconds, Double(s.cases) / seconds)
    }
}
