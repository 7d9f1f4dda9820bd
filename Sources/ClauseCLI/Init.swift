import ArgumentParser
import ClauseSyntax
import ClauseLanguage
import Foundation

extension ClauseCommand {
    /// `clause init ID`: scaffold a policy package that passes `check` and `test` as written.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init",
            abstract: "Create a new policy package folder: the five files, a scenario file and a base case, with comments saying what goes where.")

        @Argument(help: "The package id (letters, digits, '-', '_' and '.'); also the folder's name.")
        var id: String

        @Option(help: "The folder to create the package in (default: ./Policies when it exists, else the current folder).")
        var into: String?

        func run() throws {
            guard PolicyLoader.isIdentifierPath(id), !id.hasPrefix("."), !id.contains("..") else {
                Output.error("error: '\(TerminalText.escape(id))' is not a package id: use letters, digits, '-', '_' and '.'\n")
                throw ExitCode(2)
            }
            let fm = FileManager.default
            let parent = into ?? (fm.fileExists(atPath: "Policies") ? "Policies" : ".")
            let dir = (parent as NSString).appendingPathComponent(id)
            guard !fm.fileExists(atPath: dir) else {
                Output.error("error: \(TerminalText.escape(dir)) already exists; nothing was written\n")
                throw ExitCode(1)
            }
            do {
                for (path, text) in PackageTemplate.files(id: id) {
                    let file = (dir as NSString).appendingPathComponent(path)
                    try fm.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .withoutOverwriting)
                }
            } catch {
                Output.error("error: cannot write \(TerminalText.escape(dir)): \(TerminalText.escape(error.localizedDescription))\n")
                throw ExitCode(1)
            }
            Output.out("created \(dir)\nnext: clause check \(dir) && clause test \(dir)\n")
        }
    }
}
