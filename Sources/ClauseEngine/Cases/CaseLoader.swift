import ClauseLanguage
import ClauseSyntax
import Foundation

/// Reads case files from disk and types them by their policy: the step before deciding.
public struct CaseLoader: Sendable {
    public let repository: PolicyRepository

    public init(repository: PolicyRepository) { self.repository = repository }

    /// A loaded case with its policy, or every diagnostic that stops it from being decided.
    public enum Loaded {
        case ready(CaseFile, Policy)
        case failed([Diagnostic])
    }

    /// A case ready to decide with its package compiled, or what stops it: what a batch decides
    /// from, the package handed on by reference (see `PolicyRepository.compiledPolicy(for:)`).
    package enum Compiled {
        case ready(CaseFile, CompiledPolicy)
        case failed([Diagnostic])
    }

    /// What reading gave: the fast reader's case with the compiled package, or the tree path's
    /// answer as `load` gives it.
    private enum Read {
        case fast(CaseFile, CompiledPolicy)
        case slow(Loaded)

        var loaded: Loaded {
            switch self {
            case .fast(let c, let compiled): .ready(c, compiled.policy)
            case .slow(let loaded): loaded
            }
        }
    }

    public func load(path: String) -> Loaded {
        read(path: path).0.loaded
    }

    /// Like `load(path:)`, and also the file's text as read (nil when it could not be read), so a
    /// decision record can keep the case exactly as it was given.
    package func loadKeepingText(path: String) -> (loaded: Loaded, text: String?) {
        let (read, file) = read(path: path)
        return (read.loaded, file?.text)
    }

    /// A case source read and typed for deciding (`Compiled`).
    package func loadCompiled(_ source: CaseSource) -> Compiled {
        let read: Read
        switch source {
        case .file(let path): read = self.read(path: path).0
        case .line(let path, let line, let offset): read = self.read(text: line, path: path, lineOffset: offset)
        case .unreadable(let d): return .failed([d])
        }
        switch read {
        case .fast(let c, let compiled): return .ready(c, compiled)
        case .slow(.ready(let c, let policy)): return .ready(c, repository.compiled(policy))
        case .slow(.failed(let ds)): return .failed(ds)
        }
    }

    private func read(path: String) -> (Read, SourceFile?) {
        var bag = DiagnosticBag()
        if let refused = Self.refuseJSONLines(path) { return (.slow(.failed([refused])), nil) }
        // YAMLReader.read(path:) in its two halves, with the fast reader between them. The fast
        // reader's scanners refuse any byte that is not UTF-8, so the bytes go to it unchecked;
        // the tree path checks them first, as reading the file always did.
        let (file, parse) = YAMLReader.readText(path: path, checkingUTF8: false, into: &bag)
        if parse, let file, let (c, compiled) = FastCaseReader.read(file, path: path, repository: repository) {
            return (.fast(c, compiled), file)
        }
        let checked = parse && file.map { YAMLReader.checkUTF8($0, into: &bag) } == true
        let root = checked ? file.flatMap { YAMLReader.read($0, into: &bag) } : nil
        guard let root else {
            if !bag.hasErrors, let file {
                bag.error("case.empty", "the file holds no case: expected a mapping with case, policy, item, applied_on…",
                          at: SourceRange(file: file, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)))
            }
            return (.slow(.failed(bag.sorted)), file)
        }
        return (.slow(load(root: root, path: path, bag: bag)), file)
    }

    /// A JSON Lines file named as a case file would be read as one YAML document and fail at its
    /// second line with a parser's words; it is named for what it is, and how to read it, instead.
    private static func refuseJSONLines(_ path: String) -> Diagnostic? {
        // Asked of the last letter first: lowercasing every path of a batch was most of the cost.
        guard let last = path.utf8.last, "lLnN".utf8.contains(last) else { return nil }
        let lower = path.lowercased()
        guard lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") else { return nil }
        let origin = SourceLocation(line: 1, column: 1)
        return Diagnostic(id: "case.json-lines",
                          "this is a JSON Lines file (one case per line), not one case file: give it as --jsonl \(path) to 'clause evaluate' or 'clause diff'",
                          at: SourceRange(file: SourceFile(path: path, text: ""), start: origin, end: origin))
    }

    /// A case given as text (a line of a JSON Lines stream).
    public func load(text: String, path: String, lineOffset: Int = 0) -> Loaded {
        read(text: text, path: path, lineOffset: lineOffset).loaded
    }

    private func read(text: String, path: String, lineOffset: Int) -> Read {
        var bag = DiagnosticBag()
        let file = SourceFile(path: path, text: text, lineOffset: lineOffset)
        if let (c, compiled) = FastCaseReader.read(file, path: path, repository: repository) { return .fast(c, compiled) }
        guard let root = YAMLReader.read(file, into: &bag), !bag.hasErrors else {
            if !bag.hasErrors {
                bag.error("case.empty", "the line holds no case", at: SourceRange(file: file, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)))
            }
            return .slow(.failed(bag.sorted))
        }
        return .slow(load(root: root, path: path, bag: bag))
    }

    public func load(root: YAMLNode, path: String, bag initial: DiagnosticBag = DiagnosticBag()) -> Loaded {
        var bag = initial
        let id = CaseHeader.policyID(root, into: &bag)
        if repository.explicit == nil && id == nil { return .failed(bag.sorted) }
        let result = repository.policy(for: id)
        guard let policy = result.policy else {
            var ds = bag.diagnostics
            if case .mapping(let m) = root, let p = m["policy"] {
                for d in result.diagnostics where d.range.file == nil {
                    ds.append(Diagnostic(id: d.id, d.message, at: p.range))
                }
                ds += result.diagnostics.filter { $0.range.file != nil }
            } else {
                ds += result.diagnostics
            }
            return .failed(ds)
        }
        guard let c = CaseReader.read(root, path: path, policy: policy, into: &bag), !bag.hasErrors else { return .failed(bag.sorted) }
        return .ready(c, policy)
    }

    /// Every case file under `paths`: files as given, folders searched for .yaml, .yml and .json.
    public static func expand(_ paths: [String]) -> [String] {
        var empty: [String] = []
        return expand(paths, emptyFolders: &empty)
    }

    /// `expand(paths)`, noting the folders among `paths` that hold no case file
    /// (a run over them would decide nothing) on the way: each path is looked at once, which over thousands of
    /// files named one by one saves a file-system lookup each.
    package static func expand(_ paths: [String], emptyFolders: inout [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let found = FolderListing.files(under: p)
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
                    .sorted()
                if found.isEmpty { emptyFolders.append(p) }
                out += found.map { p.hasSuffix("/") ? p + $0 : p + "/" + $0 }
            } else {
                out.append(p)
            }
        }
        return out
    }
}
