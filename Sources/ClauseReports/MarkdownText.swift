import ClauseSyntax

/// Text from a case (its id, a fact, a message that quotes one) made safe inside a Markdown
/// memo, the one escape of the Markdown boundary, as `TerminalText` is the terminal's.
///
/// A memo is pasted into wikis and mail that render Markdown and often HTML: a case id such as
/// `<script>…`, `![x](http://tracker/…)` or `# 予以支持` must read as the text it is, never
/// become markup, a remote image or a heading.
package enum MarkdownText {
    /// `text` on one line: line breaks become spaces, other control characters are shown
    /// (`\u{1B}`), and every character that can start markup (emphasis, code, links, images,
    /// raw HTML, entities, headings, tables, strikethrough) is backslash-escaped.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "\n", "\r", "\r\n": out += " "
            case "*", "_", "`", "<", ">", "[", "]", "#", "\\", "&", "!", "~", "|": out += "\\\(ch)"
            default:
                if ch.unicodeScalars.contains(where: TerminalText.needsEscape) { out += TerminalText.escape(String(ch)) } else { out.append(ch) }
            }
        }
        return out
    }
}
