@testable import ClauseCLI
import ClauseTestSupport
import Foundation
import Testing

/// Thousands of case files on the command line (a shell glob) are parsed in linear time: the
/// argument parser once spent 2.4 s on 8,000 paths. Folding must not change what is parsed.
@Suite struct LongArgumentListTests {
    @Test func shortListsAreGivenAsTheyAre() {
        let args = ["evaluate", "--format", "json", "a.yaml", "b.yaml"]
        #expect(LongArgumentLists(folding: args).arguments == args)
    }

    @Test func otherCommandsAreGivenAsTheyAre() {
        let args = ["why"] + (0..<40).map { "x\($0)" }
        #expect(LongArgumentLists(folding: args).arguments == args)
    }

    /// The first of a run may be an option's value and stays; the rest come back in order,
    /// around options and after `--`.
    @Test func runsComeBackInPlace() {
        let first = (0..<20).map { "a\($0).yaml" }, second = (0..<30).map { "b\($0).yaml" }, third = (0..<17).map { "-c\($0)" }
        let args = ["evaluate", "--store"] + first + ["--no-trace"] + second + ["--"] + third
        let folded = LongArgumentLists(folding: args)
        #expect(folded.arguments.count == 2 + 2 + 1 + 2 + 1 + 2)
        #expect(folded.arguments.prefix(3) == ["evaluate", "--store", "a0.yaml"])
        // What the parser would give as positional values: every placeholder and what was left.
        let positional = folded.arguments.enumerated().filter { i, a in i >= 3 && (!a.hasPrefix("-") || i > 7) && a != "--no-trace" && a != "--" }.map(\.element)
        #expect(folded.unfold(positional) == Array(first.dropFirst()) + second + third)
    }

    @Test func aGlobOfCaseFilesDecidesAsEachFileAlone() throws {
        let folder = Repo.root + "/Playground/corpus"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().prefix(40).map { folder + "/" + $0 }
        let common = ["evaluate", "--no-store", "--no-remedies", "--format", "json"]
        let together = try ClauseBinary.clause(common + Array(files.prefix(20)) + ["--no-trace"] + Array(files.dropFirst(20)))
        #expect(together.status == 0, "\(together.stderr)")
        var alone = ""
        for f in files { alone += try ClauseBinary.clause(common + ["--no-trace", f]).stdout }
        #expect(together.stdout == alone)
        #expect(together.stdout.split(separator: "\n").count == 40)
    }
}
