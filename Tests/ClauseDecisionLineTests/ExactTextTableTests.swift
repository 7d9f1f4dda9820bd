@testable import ClauseDecisionLine
import Testing

/// The trace writer's table of values by text finds every text it was given, and only those.
@Suite struct ExactTextTableTests {
    /// Thirty-byte texts that differ only in bytes the sample does not read (8–10), so they all
    /// share one sample and probe the same slots: the table must still tell them apart.
    static func sameSample(_ i: Int) -> String {
        let a = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(i % 26)))
        let b = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(i / 26 % 26)))
        return "applican" + String(a) + String(b) + "t.blacklisted_until_xyz"
    }

    @Test func textsSharingASampleAreToldApart() {
        let texts = (0..<40).map(Self.sameSample)
        #expect(Set(texts.map { ExactText($0).sample }).count == 1)
        #expect(Set(texts).count == 40)
        var table = ExactTextTable<Int>()
        for (i, t) in texts.enumerated() {
            let place = table.find(ExactText(t))
            #expect(place.entry == nil)
            table.add(ExactText(t), i, at: place)
        }
        for (i, t) in texts.enumerated() {
            let place = table.find(ExactText(t))
            #expect(place.entry.map { table[entry: $0] } == i, "\(t)")
        }
        #expect(table.find(ExactText(Self.sameSample(40))).entry == nil)
    }

    /// Enough texts to grow the table several times: each is found with its value, a value changed
    /// through its entry stays changed, and a text never added is not found.
    @Test func everyTextIsFoundAfterTheTableGrows() {
        var table = ExactTextTable<String>()
        let texts = (0..<1000).map { "project.expenses[\($0)].amount" } + ["", "e", "申报日期", "applied_on not in validity"]
        for t in texts {
            let place = table.find(ExactText(t))
            table.add(ExactText(t), t.uppercased(), at: place)
        }
        #expect(table.count == texts.count)
        for t in texts {
            guard let entry = table.find(ExactText(t)).entry else {
                Issue.record("\(t) not found")
                continue
            }
            #expect(table[entry: entry] == t.uppercased())
            table[entry: entry] += "!"
        }
        for t in texts { #expect(table.find(ExactText(t)).entry.map { table[entry: $0] } == t.uppercased() + "!") }
        #expect(table.find(ExactText("project.expenses[1000].amount")).entry == nil)
    }

    /// A key is its bytes: a composed and a decomposed é are two texts (as they are two JSON keys).
    @Test func canonicallyEquivalentTextsAreTwoKeys() {
        var table = ExactTextTable<Int>()
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        table.add(ExactText(composed), 1, at: table.find(ExactText(composed)))
        #expect(table.find(ExactText(decomposed)).entry == nil)
        table.add(ExactText(decomposed), 2, at: table.find(ExactText(decomposed)))
        #expect(table.find(ExactText(composed)).entry.map { table[entry: $0] } == 1)
        #expect(table.find(ExactText(decomposed)).entry.map { table[entry: $0] } == 2)
    }
}
