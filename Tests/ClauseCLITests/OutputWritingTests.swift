import ClauseTestSupport
import Foundation
import Testing

/// Where a command's output goes: every decision of a batch written once and in order, however
/// large the batch's output; a full disk or a reader that has gone ends the command as it should.
@Suite struct OutputWritingTests {
    /// The Playground's cases and corpus: traced, their lines are several hundred KB and a few
    /// hundred pieces, well past the 64 KB and 256 pieces after which a batch writes what waits.
    static let files: [String] = ["Playground/cases", "Playground/corpus"].flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: Repo.path(folder))) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
    }

    /// A case file's id as its file states it (`case:` in YAML, `"case"` in JSON).
    static func caseID(_ file: String) throws -> String {
        let text = try String(contentsOfFile: Repo.path(file), encoding: .utf8)
        if file.hasSuffix(".json") {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return object?["case"] as? String ?? ""
        }
        let line = text.split(separator: "\n").first { $0.hasPrefix("case:") } ?? ""
        return line.dropFirst("case:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }

    @Test func aLargeBatchWritesEveryLineOnceInOrder() throws {
        #expect(Self.files.count > 256)
        let run = try ClauseBinary.clause(["evaluate", "--format", "json", "--no-store", "--trace"] + Self.files)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.utf8.count > 1 << 18)
        #expect(run.stdout.hasSuffix("\n"))
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == Self.files.count)
        for (line, file) in zip(lines, Self.files) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["case"] as? String == (try Self.caseID(file)), "\(file)")
            #expect(object?["trace"] != nil)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func outputThatCannotBeWrittenFailsTheCommand() throws {
        for args in [["evaluate", "--format", "json", "--no-store", "--trace"] + Self.files,
                     ["explain", "Playground/cases/transformation-granted.yaml"]] {
            let run = try ClauseBinary.run("/bin/sh", ["-c", "exec \"$0\" \"$@\" > /dev/full", ClauseBinary.binary] + args, cwd: Repo.root)
            #expect(run.status == 1, "\(args[0])")
            #expect(run.stderr.contains("error: cannot write the output: "), "\(args[0]): \(run.stderr)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash")))
    func aReaderThatHasGoneEndsTheBatchAsSIGPIPEWould() throws {
        let script = "set -o pipefail; \"$0\" \"$@\" | head -c 1 > /dev/null"
        let run = try ClauseBinary.run("/bin/bash", ["-c", script, ClauseBinary.binary, "evaluate", "--format", "json", "--no-store", "--trace"] + Self.files,
                                       cwd: Repo.root)
        #expect(run.status == 141, "\(run.stderr)")
        #expect(!run.stderr.contains("cannot write"))
    }
}
