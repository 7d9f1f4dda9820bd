@testable import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The JSON scan beside libyaml: wherever the scan gives a log, it is libyaml's log, byte for byte;
/// and the JSON the repository ships, however it is laid out or escaped, is scanned rather than left
/// to libyaml (otherwise the first property would hold trivially).
@Suite struct JSONScanTests {
    static func agrees(_ text: String, _ limits: YAMLLimits = .default) -> Bool {
        YAMLEventLog.jsonScanAgreesWithLibyaml(SourceFile(path: "t.json", text: text), limits: limits)
    }

    static func scanned(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { YAMLEventLog.readJSON(bytes: $0) != nil }
    }

    /// Every JSON case file of the Playground, as it is.
    static var shippedJSON: [String] {
        let folder = Repo.path("Playground/corpus")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { try? String(contentsOfFile: (folder as NSString).appendingPathComponent($0), encoding: .utf8) }
    }

    @Test func everyShippedJSONCaseIsScannedAsLibyamlReadsIt() {
        let texts = Self.shippedJSON
        #expect(texts.count > 100)
        for text in texts {
            #expect(Self.scanned(text), "not scanned: \(text.prefix(80))")
            #expect(Self.agrees(text), "differs from libyaml: \(text.prefix(80))")
        }
    }

    /// The same cases pretty-printed (keys on lines of their own, `" : "`), with CRLF line ends,
    /// laid out at column 0, and with every non-ASCII character escaped as `\uXXXX` (Python's
    /// default): all scanned, all as libyaml reads them.
    @Test func layoutsAndEscapesAreScannedAlike() throws {
        for text in Self.shippedJSON.prefix(60) {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            let pretty = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
            let variants = [
                pretty,
                pretty.replacingOccurrences(of: "\n", with: "\r\n"),
                pretty.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: "\n"),
                Self.asciiEscaped(text),
                "  \n" + text + "\n\n",
            ]
            for v in variants {
                #expect(Self.scanned(v), "not scanned: \(v.prefix(120))")
                #expect(Self.agrees(v), "differs from libyaml: \(v.prefix(120))")
            }
        }
    }

    static func asciiEscaped(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            if u.isASCII { out.unicodeScalars.append(u) } else {
                for unit in String(u).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out
    }

    /// Texts at the edges of JSON and YAML: each either left to libyaml or read as libyaml reads it.
    @Test func edgesAreLeftToLibyamlOrReadAlike() {
        let long = String(repeating: "k", count: 1_100)
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let edges = [
            #"{}"#, #"{"a":1}"#, #"{"a":1} # note"#, #"{"a":1}#"#, "{\"a\":\t1}", "{\"a\":\"x\ty\"}",
            "{\"a\":\"x\u{85}y\"}", "{\"a\":\"x\u{2028}y\"}", "{\"a\":\"x\u{FEFF}y\"}", "{\"a\":\"x\u{FFFE}y\"}", "{\"a\":\"x\u{FFFF}y\"}", "{\"a\":\"中\u{E000}\u{D7FF}\"}", "\u{FEFF}{\"a\":1}",
            "{\"a\":\"x\u{7F}y\"}", "{\"a\":\"x\u{9F}y\"}", #"{"a":"\/"}"#, #"{"a":"\ud83d\ude00"}"#, #"{"a":"\u0000"}"#,
            #"{"a":"\u00e9\u4e2d"}"#, #"{"a":"\"\\\n\r\t\b\f"}"#, #"{"a":"\x41"}"#, #"{"a":"\u12"}"#,
            "{\"\(long)\":1}", "{\"a\"\n:1}", "{\"a\" :1}", #"{"a":1,"a":2}"#, #"{"<<":1}"#, #"{"键":1}"#,
            #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":1E+2}"#,
            #"{"a":-0.0e-0}"#, #"{"a":1}{}"#, #"{"a":1,}"#, #"{"a":[1,2,{"b":null}],"c":[]}"#, #"{"a":tru}"#,
            #"{"a":true1}"#, #"{"a":nullx}"#, #"{"a":[1 2]}"#, #"{"a":{"b":{}}}"#, #"{"a":"--- x"}"#,
            "{\"a\":\n---\n}", "{\"a\":\n-1}", "{\"a\":1}\n---\n{}", "{\"a\":1}\n...", "[1]", "\"x\"",
            "{\"a\":" + deep + "}", #"{"a":"b":1}"#, #"{"a":1:2}"#, #"{"a" "b"}"#, "{\"a\":\"\u{10FFFF}\"}",
            #"{"a":[]}"#, #"{"":1}"#, #"{"a":""}"#, "{\"a\":1}\r\n", "{\r\n\"a\"\r\n:1}",
        ]
        for text in edges { #expect(Self.agrees(text), "differs from libyaml: \(text.prefix(120))") }
        // Those JSON allows and YAML reads the same way are scanned, not merely left alone.
        for text in [#"{}"#, #"{"a":1}"#, #"{"a":"\u00e9\u4e2d"}"#, #"{"a":-0.0e-0}"#, #"{"a":[1,2,{"b":null}],"c":[]}"#] {
            #expect(Self.scanned(text), "\(text)")
        }
    }

    /// The limits hold the same way on both readers.
    @Test func limitsAreTheSame() {
        let text = #"{"a":[1,2,3],"b":{"c":"defghij"}}"#
        for limits in [YAMLLimits(maxDepth: 1), YAMLLimits(maxNodes: 5), YAMLLimits(maxScalarLength: 3), YAMLLimits(maxBytes: 10)] {
            #expect(Self.agrees(text, limits))
            var t = text
            #expect(t.withUTF8 { YAMLEventLog.readJSON(bytes: $0, limits: limits) } == nil)
        }
    }

    /// A few thousand random edits of real case lines (bytes from JSON's and YAML's punctuation,
    /// escapes, controls and Chinese): wherever the scan reads one, libyaml reads the same.
    @Test func randomEditsNeverDisagree() {
        var rng = SplitMix(seed: 24)
        let pieces = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\/", "0", "-", "e", ".", " ", "\n", "\t", "#", "&a", "*a",
                      "!!str ", "null", "true", "中", "\u{85}", "\u{2028}", "\u{7F}", "'", "|", ">", "- ", "? ", "---", "\\u00e9", "1"]
        let bases = Self.shippedJSON.prefix(40).map { Array($0.unicodeScalars) }
        var scannedCount = 0
        for round in 0..<3_000 {
            var scalars = bases[round % bases.count]
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(scalars.count))
                let piece = Array(pieces[Int(rng.next() % UInt64(pieces.count))].unicodeScalars)
                switch rng.next() % 3 {
                case 0: scalars.insert(contentsOf: piece, at: at)
                case 1: scalars.remove(at: at)
                default: scalars.replaceSubrange(at..<min(at + piece.count, scalars.count), with: piece)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            #expect(Self.agrees(text), "differs from libyaml: \(text)")
            if Self.scanned(text) { scannedCount += 1 }
        }
        // Many edits land inside strings and leave valid JSON: the scan must have read some.
        #expect(scannedCount > 300)
    }
}

/// A small seeded generator, so a failing edit is found again on the next run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
