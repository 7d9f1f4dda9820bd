import ClauseStore
import ClauseTestSupport
import Foundation
import Testing

/// Replay reads a decision line's `ledger` without parsing the whole line: the member found must
/// be the object's own, whatever the strings and nested objects before it hold.
@Suite struct JSONMemberTests {
    @Test func findsTheTopLevelMemberOnly() {
        let line = #"{"reasons":["a \"ledger\":{} b","c\\"],"trace":{"ledger":1},"x":[{"ledger":2}],"ledger":{"consulted":true,"figures":[]},"y":null}"#
        #expect(JSONMember.raw("ledger", in: line) == #"{"consulted":true,"figures":[]}"#)
        #expect(JSONMember.raw("y", in: line) == "null")
        #expect(JSONMember.raw("absent", in: line) == nil)
    }

    @Test func blanksNumbersAndChineseAreSkipped() {
        let line = "{ \"金额\" : 12.5 , \"ok\" : true,\n \"ledger\" : [1, {\"a\": \"】\"}] }"
        #expect(JSONMember.raw("ledger", in: line) == "[1, {\"a\": \"】\"}]")
        #expect(JSONMember.raw("金额", in: line) == "12.5")
    }

    @Test func brokenInputGivesNothing() {
        for bad in ["", "[]", "{", #"{"a":"#, #"{"a":"unclosed}"#, #"{"a":1 "ledger":{}}"#, #"{"a":{"b":1}"#] {
            #expect(JSONMember.raw("ledger", in: bad) == nil, "\(bad)")
        }
    }

    /// Decision lines as `evaluate` writes them: each top-level member found is the one a whole
    /// parse gives.
    @Test func agreesWithAWholeParseOnDecisionLines() throws {
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-store", "--no-remedies", "Playground/cases"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count >= 20)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["ledger"] != nil)
            for (key, whole) in object {
                let part = JSONMember.raw(key, in: String(line)).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
                #expect((whole as? NSObject) == (part as? NSObject), "\(key)")
            }
        }
    }
}
