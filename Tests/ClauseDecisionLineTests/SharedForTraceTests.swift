@testable import ClauseDecisionLine
@testable import ClauseEngine
import ClauseLanguage
import ClauseTestSupport
import Foundation
import Testing

/// Rules that share a `for` share its step in a traced decision: the later rule takes the first
/// one's step, and the JSON trace writes it `same` as the first one's root, as it would had it
/// been evaluated and written again (debug builds write it in full and check).
@Suite struct SharedForTraceTests {
    @Test(arguments: ["transformation-granted.yaml", "activities.yaml", "acceptance-monitoring.yaml"])
    func aSharedForIsTakenAndWrittenSame(_ name: String) throws {
        let policy = Repo.shenyang
        let yaml = try String(contentsOfFile: Repo.path("Playground/cases/\(name)"), encoding: .utf8)
        let d = try Repo.decide(policy: policy, yaml: yaml)
        let shared = d.rules.indices.filter { d.rules[$0].appliesAsIn != nil }
        #expect(!shared.isEmpty, "no rule of the case shares a `for`")
        for k in shared {
            let j = try #require(d.rules[k].appliesAsIn)
            #expect(j < k && policy.sharedFor[k] == j)
            #expect(d.rules[k].steps.first?.text == d.rules[j].steps.first?.text)
            #expect(d.rules[k].steps.first?.role == .applies)
        }

        let line = JSONDecisionRenderer.render(d, policy: policy, lang: .zh, trace: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let trace = try #require(object["trace"] as? [String: Any])
        let definitions = try #require(trace["definitions"] as? [[String: Any]])
        let rules = try #require(trace["rules"] as? [[String: Any]])
        // Roots are numbered in order: the definitions' steps, then each rule's steps.
        var number = definitions.count
        var firstOf: [Int: Int] = [:]
        var written: [Int: [String: Any]] = [:]
        for (k, rule) in rules.enumerated() {
            let steps = try #require(rule["steps"] as? [[String: Any]])
            for (i, step) in steps.enumerated() {
                if step["same"] == nil { written[number] = step }
                if i == 0 { firstOf[k] = (step["same"] as? Int) ?? number }
                number += 1
            }
        }
        for k in shared {
            let j = try #require(d.rules[k].appliesAsIn)
            let steps = try #require(rules[k]["steps"] as? [[String: Any]])
            let same = try #require(steps.first?["same"] as? Int, "rule \(d.rules[k].rule)'s `for` is written in full")
            #expect(same == firstOf[j], "rule \(d.rules[k].rule)'s `for` is not the same as rule \(d.rules[j].rule)'s")
            #expect((written[same]?["expr"] as? String) == d.rules[k].steps.first?.text)
        }
    }
}
