@testable import ClauseSyntax
import Testing

/// The event log's text: written into room made for the whole file, and grown when libyaml's
/// escapes unfold into more bytes than they were written with.
@Suite struct YAMLEventLogTests {
    static func log(_ text: String) -> YAMLEventLog? {
        YAMLEventLog.read(SourceFile(path: "t.yaml", text: text))
    }

    /// `\L` is two bytes in the file and three (U+2028) in the value: forty of them need more room
    /// than the file's length, and what was written before the growth is kept.
    @Test func escapesLongerThanTheirTextAreRecordedWhole() throws {
        let text = "first: plain words\nlong: \"" + String(repeating: "\\L", count: 40) + "\"\nlast: 沈阳\n"
        let log = try #require(Self.log(text))
        #expect(log.string(1) == "first" && log.string(2) == "plain words")
        #expect(log.string(4) == String(repeating: "\u{2028}", count: 40))
        #expect(log.string(5) == "last" && log.string(6) == "沈阳")
        #expect(log.text.count == "firstplain wordslonglast沈阳".utf8.count + 3 * 40, "the text holds the scalars and nothing after them")
    }

    /// A JSON object's log holds exactly its scalars' bytes (the room left over is cut off).
    @Test func aJSONLogHoldsOnlyItsScalars() throws {
        let log = try #require(Self.log(#"{"case": "SY-1", "n": 12, "e": "\u6c88"}"#))
        #expect(log.text == Array("caseSY-1n12e沈".utf8))
        #expect(log.isNull(2) == false && Self.log(#"{"a": null}"#)?.isNull(2) == true)
        #expect(Self.log("a: ~\nb: Null\nc: nul\nd: \"null\"\n").map { l in [2, 4, 6, 8].map { l.isNull($0) } } == [true, true, false, false])
    }
}
