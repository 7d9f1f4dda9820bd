import ClauseTestSupport
import Foundation
import Testing

/// The workbench in a real browser: Tests/serve/browser_test.py starts `clause serve` on a free
/// loopback port over a store recorded from Playground/cases, opens every page in headless
/// Chromium, checks what a person reads against what the CLI prints, and a hostile case name
/// staying text. CI installs chromium and fonts-noto-cjk (.ci/run); locally the test is skipped,
/// saying so, only when no chromium is installed.
@Suite struct WorkbenchBrowserTests {
    @Test(.enabled(if: ProgrammeChromiumTests.chromium != nil, "chromium is not installed here (apt-get install -y chromium fonts-noto-cjk); CI runs this test"),
          .timeLimit(.minutes(10)))
    func everyPageReadsRightInHeadlessChromium() throws {
        let run = try ClauseBinary.run("/usr/bin/env", ["python3", Repo.path("Tests/serve/browser_test.py"), "--clause", ClauseBinary.binary],
                                        cwd: Repo.root)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains(" passed, 0 failed"), "\(run.stdout)")
    }
}
