import Foundation
import Hummingbird
import Mustache
import Testing
@testable import ClauseServe

/// The workbench's pieces that a page relies on, without a server or a browser.
@Suite struct WorkbenchTests {
    /// Every template parses (they are registered with `try!`).
    @Test func everyTemplateParses() throws {
        for (name, text) in Templates.all {
            #expect(throws: Never.self, "\(name)") { _ = try MustacheTemplate(string: text) }
        }
    }

    /// A hostile value is text: HTML is escaped by the template, bidi overrides written out before.
    @Test func hostileTextStaysText() {
        let name = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\u{202E}evil"
        let html = Templates.render("error", ["message": TextForPage.plain(name)])
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img"))
        #expect(!html.unicodeScalars.contains("\u{202E}") && html.contains("\\u{202E}evil"))
    }

    @Test func caseIDsAreOnePathSegment() {
        #expect(TextForPage.link("SY-2024-T-0001") == "SY-2024-T-0001")
        #expect(TextForPage.link("a/../b?c#d%") == "a%2F..%2Fb%3Fc%23d%25")
        #expect(TextForPage.link("案件 1") == "%E6%A1%88%E4%BB%B6%201")
    }

    @Test func formFieldsAreDecoded() {
        let f = Site.form("case=a%3A+1%0Ab%3A+%E4%B8%AD&lang=en&empty=")
        #expect(f["case"] == "a: 1\nb: 中")
        #expect(f["lang"] == "en")
        #expect(f["empty"] == "")
    }

    /// No script source is allowed anywhere, and the pages' own styles come from the server only.
    @Test func contentSecurityPolicyAllowsNoScript() {
        let policy = SecurityHeaders<BasicRequestContext>.policy
        #expect(policy.hasPrefix("default-src 'none'"))
        #expect(!policy.contains("script-src") && !policy.contains("unsafe"))
        #expect(policy.contains("frame-ancestors 'none'") && policy.contains("form-action 'self'"))
    }

    /// A command that runs too long is stopped, and its output is still read.
    @Test func commandsAreBoundedInTime() {
        let start = Date()
        let r = Command.run("/bin/sh", ["-c", "echo out; echo err >&2; exec sleep 30"], seconds: 1)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(r.out == "out\n" && r.err == "err\n")
        #expect(r.status != 0)
    }
}

/// The case list's search, byte for byte over lower-cased UTF-8.
@Suite struct CaseIndexSearchTests {
    @Test func findsWholeCharactersAnywhere() {
        func has(_ hay: String, _ needle: String) -> Bool { CaseIndex.contains(Array(hay.utf8), Array(needle.utf8)) }
        #expect(has("sy-2024-t-0101\u{0}沈阳示例风机有限公司", "风机"))
        #expect(has("sy-2024-t-0101\u{0}x", "t-0101"))
        #expect(has("abc", ""))
        #expect(!has("abc", "abcd"))
        #expect(!has("沈阳示例", "风机"))
        #expect(has("aab", "ab"))
    }
}
