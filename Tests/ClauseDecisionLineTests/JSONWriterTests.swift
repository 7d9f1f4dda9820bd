@testable import ClauseDecisionLine
@testable import ClauseReports
import Foundation
import Testing

/// The writer's fast paths agree with the plain definitions they stand for.
@Suite struct JSONWriterTests {
    static func naive(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// Every byte value at every position of strings up to 19 bytes long (the word-at-a-time loop
    /// and its tail), among bytes that need no escaping, UTF-8 lead and continuation bytes included.
    @Test func escapingTestMatchesTheByteByByteTest() {
        let fillers: [UInt8] = [UInt8(ascii: "a"), 0x20, 0x7F, 0x80, 0xE4, 0xFF, UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "[")]
        var checked = 0, wrong: [[UInt8]] = []
        for length in 1..<20 {
            for filler in fillers {
                for position in 0..<length {
                    for b in UInt8.min...UInt8.max {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = b
                        checked += 1
                        if bytes.withUnsafeBufferPointer({ JSONWriter.needsEscaping($0) }) != Self.naive(bytes) { wrong.append(bytes) }
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(checked == 9 * 190 * 256)
        #expect(!JSONWriter.needsEscaping(UnsafeBufferPointer(start: nil, count: 0)))
    }

    @Test func randomTextsAreEscapedAsJSONRequires() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...0x7F, using: &rng) }
            #expect(bytes.withUnsafeBufferPointer { JSONWriter.needsEscaping($0) } == Self.naive(bytes))
        }
        #expect(JSONWriter.quoted("制度第四条\"引号\"与\\反斜杠\u{1B}[31m") == #""制度第四条\"引号\"与\\反斜杠\u001b[31m""#)
    }

    @Test func asciiTestMatchesTheScalarTest() {
        for text in ["", "a", "applicant.is_sme and applicant.in_pilot_library", "合规投入", "sum(e.amount) * 比例", "1234567é", "12345678é", "\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{80}"] {
            #expect(JSONWriter.isASCII(text) == text.unicodeScalars.allSatisfy(\.isASCII), "\(text)")
        }
    }

    @Test func integersAreWrittenAsSwiftWritesThem() {
        for n: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, 12345, Int64(Int32.max), .max, .min, .min + 1, 1_000_000_000_000] {
            var out: [UInt8] = []
            JSONWriter.appendDecimal(n, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(n))
        }
    }

    /// A key from the code is copied; a key from data (a fact path, a table's row) is escaped, so a
    /// case cannot end the key early and write members of its own.
    @Test func keysFromDataAreEscapedAndKeysFromTheCodeAreCopied() {
        var w = JSONWriter()
        w.beginObject()
        w.field("at", 3)
        w.field(name: "x\":1,\"y", "v")
        w.key(name: "行\n")
        w.int(1)
        w.endObject()
        #expect(w.output == #"{"at":3,"x\":1,\"y":"v","行\u000a":1}"#)
    }

    /// The writer owns its buffer and grows it by hand: a writer that starts with the least room
    /// must write what one with room to spare writes, through every growth of the bytes and of the
    /// containers' nesting (deeper than the room it starts with), escaping on the way, and a value
    /// taken back and another's members copied in must leave valid JSON that reads back the same.
    @Test func aWriterThatStartsSmallWritesWhatARoomyOneWrites() throws {
        func write(_ w: inout JSONWriter) {
            w.beginObject()
            for i in 0..<300 {
                w.key(name: "k\(i)\u{1}\"")
                w.beginArray()
                for j in 0..<(i % 7) { w.int(Int64(i * j) - 1000) }
                w.string(String(repeating: "第\(i)条\n", count: i % 5))
                w.bool(i % 2 == 0)
                w.null()
                w.endArray()
            }
            w.key("deep")
            for _ in 0..<100 { w.beginArray() }
            w.int(Int64.min)
            for _ in 0..<100 { w.endArray() }
            let start = w.beginValue()
            w.string("taken back")
            w.takeBack(to: start)
            w.key("after")
            w.string("kept")
            var other = JSONWriter(capacity: 0)
            other.beginObject()
            other.field("copied", 7)
            other.field(name: "行", strings: ["a", "\\"])
            w.members(of: other)
            w.endObject()
        }
        var small = JSONWriter(capacity: 0)
        var roomy = JSONWriter(capacity: 1 << 20)
        write(&small)
        write(&roomy)
        #expect(small.utf8 == roomy.utf8)
        #expect(small.byteCount > 16_000)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(small.utf8)) as? [String: Any])
        #expect(object.count == 304)
        #expect((object["k3\u{1}\""] as? [Any])?.count == 6)
        #expect(object["after"] as? String == "kept")
        #expect(object["copied"] as? Int == 7)
        #expect(object["行"] as? [String] == ["a", "\\"])
        var deep: Any? = object["deep"]
        for _ in 0..<100 { deep = (deep as? [Any])?.first }
        #expect((deep as? NSNumber)?.int64Value == Int64.min)
    }
}
