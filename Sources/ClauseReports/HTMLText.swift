import ClauseSyntax

/// Text made safe inside HTML and SVG: the one escape of the HTML boundary (the notice letters
/// and the programme report). Every text that comes from a package, a case, a store or a
/// reported figure goes through it: control characters and bidirectional overrides are first
/// written out as `\u{…}` (as on a terminal), then `& < > " '` become entities.
package enum HTMLText {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for u in TerminalText.escape(text).unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Some controls are not allowed in XML/SVG at all, whatever escaped them before.
                if u.value < 0x20 && u != "\n" && u != "\t" || (0x7F...0x9F).contains(u.value) {
                    out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
