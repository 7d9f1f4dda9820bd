import ClauseTestSupport
import Foundation
import Testing

/// The HTML programme report in a real browser: headless Chromium loads the page, prints its DOM
/// and takes a screenshot. CI installs chromium (.ci/run); locally the test is skipped, saying
/// so, only when no chromium is installed.
@Suite struct ProgrammeChromiumTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil, "chromium is not installed here (apt-get install -y chromium); CI runs this test"))
    func theHTMLReportRendersInHeadlessChromium() throws {
        let chromium = try #require(Self.chromium)
        let year = ProgrammeYear(seed: 7)
        let scratch = try StoreScratch()
        try year.write(into: scratch, folder: "cases")
        try scratch.write("reported.yaml", ProgrammeReportTests.reported)
        #expect(try scratch.clause(["record", "cases"]).status == 0)
        let run = try scratch.clause(["report", "--as-of", "2024-12-31", "--format", "html", "--reported", "reported.yaml"])
        #expect(run.status == 0, "\(run.stderr)")
        let page = scratch.path("report.html")
        try run.stdout.write(toFile: page, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--user-data-dir=\(scratch.path("chromium-profile"))"]

        // The DOM as the browser built it: every chart is an SVG element, the table has its 16 rows.
        let dom = try ClauseBinary.run(chromium, flags + ["--dump-dom", "file://\(page)"], cwd: scratch.root)
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.contains("试点工作进展报告"))
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == run.stdout.components(separatedBy: "<svg").count - 1)
        #expect(dom.stdout.components(separatedBy: "<tr id=").count - 1 == 16)
        #expect(!dom.stdout.contains("<script"), "no script runs in the page, not even one the city wrote")
        #expect(!dom.stderr.contains("Uncaught"), "\(dom.stderr)")

        // The picture: a PNG of the page as printed to the screen.
        let png = scratch.path("report.png")
        let shot = try ClauseBinary.run(chromium, flags + ["--hide-scrollbars", "--window-size=1100,2400", "--screenshot=\(png)", "file://\(page)"],
                                         cwd: scratch.root)
        #expect(shot.status == 0, "\(shot.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG file")
        #expect(data.count > 20_000, "a page with tables and charts, not a blank one (\(data.count) bytes)")
    }
}
