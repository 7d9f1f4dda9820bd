@testable import ClauseSyntax
import Foundation
import Testing

/// How a located error is shown: the line, clipped around the caret, and the same error once per
/// case only a few times in a run.
@Suite struct DiagnosticRendererTests {
    static func error(at column: Int, in line: String, message: String = "bad") -> Diagnostic {
        let file = SourceFile(path: "cases.jsonl", text: line + "\n")
        let at = SourceLocation(line: 1, column: column)
        return Diagnostic(id: "t", message, at: SourceRange(file: file, start: at, end: at))
    }

    /// The caret sits under the character at `column` as a terminal shows it (CJK counts twice).
    static func caretPointsAt(_ rendered: String, _ expected: Character) -> Bool {
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, let caret = lines[2].firstIndex(of: "^") else { return false }
        var width = 0
        for ch in lines[1] {
            if width == lines[2].distance(from: lines[2].startIndex, to: caret) { return ch == expected }
            width += ch.unicodeScalars.reduce(0) { $0 + DisplayWidth.of($1) }
        }
        return false
    }

    @Test func aShortLineIsShownWholeWithTheCaretUnderTheColumn() {
        let out = DiagnosticRenderer().render([Self.error(at: 9, in: "level: 二级x")])
        #expect(out == "cases.jsonl:1:9: error: bad\nlevel: 二级x\n         ^\n")
        #expect(Self.caretPointsAt(out, "级"))
    }

    /// A JSON Lines case is one line of kilobytes: an error far along it shows the part around
    /// the caret, marked as clipped on both sides, and the caret still points at the character.
    @Test func aLongLineIsClippedAroundTheCaret() {
        let line = String(repeating: "键值，", count: 300) + "X" + String(repeating: "a", count: 900)
        let column = 901
        let out = DiagnosticRenderer().render([Self.error(at: column, in: line)])
        let shown = out.split(separator: "\n")[1]
        #expect(shown.hasPrefix("...") && shown.hasSuffix("..."))
        #expect(shown.count <= DiagnosticRenderer.window + 6)
        #expect(Self.caretPointsAt(out, "X"))
        let early = DiagnosticRenderer().render([Self.error(at: 3, in: line)])
        #expect(!early.split(separator: "\n")[1].hasPrefix("...") && early.split(separator: "\n")[1].hasSuffix("..."))
        #expect(Self.caretPointsAt(early, "，"))
        let last = DiagnosticRenderer().render([Self.error(at: line.unicodeScalars.count, in: line)])
        #expect(!last.split(separator: "\n")[1].hasSuffix("...."))
        #expect(Self.caretPointsAt(last, "a"))
    }
}
