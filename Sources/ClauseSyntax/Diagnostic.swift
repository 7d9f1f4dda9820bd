/// One problem found in the user's input, located in a file.
///
/// Modelled on SwiftDiagnostics: a stable id, a lowercase message without a trailing period, a
/// location, and notes that point elsewhere. Problems are collected into a `DiagnosticBag`, never
/// thrown one at a time.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning, note
    }

    /// A secondary message with its own location (e.g. "first defined here").
    public struct Note: Sendable, Hashable {
        package var message: String
        package var range: SourceRange
        package init(message: String, range: SourceRange) {
            self.message = message
            self.range = range
        }
    }

    public var severity: Severity
    /// A stable identifier such as `yaml.duplicate-key`, for tests and documentation.
    package var id: String
    public var message: String
    public var range: SourceRange
    package var notes: [Note]

    package init(
        _ severity: Severity = .error, id: String, _ message: String, at range: SourceRange,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.range = range
        self.notes = notes
    }
}

/// Collects diagnostics across a whole load so that every problem is reported in one run.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    package mutating func add(_ d: Diagnostic) { diagnostics.append(d) }

    package mutating func error(_ id: String, _ message: String, at range: SourceRange, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, id: id, message, at: range, notes: notes))
    }

    package mutating func warning(_ id: String, _ message: String, at range: SourceRange) {
        diagnostics.append(Diagnostic(.warning, id: id, message, at: range))
    }

    package mutating func append(contentsOf other: DiagnosticBag) {
        diagnostics.append(contentsOf: other.diagnostics)
    }

    /// Diagnostics in file order, for stable output.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let fa = a.element.range.file?.path ?? "", fb = b.element.range.file?.path ?? ""
            if fa != fb { return fa < fb }
            if a.element.range.start != b.element.range.start {
                return a.element.range.start < b.element.range.start
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// The error thrown at the end of a load that found problems: it carries all of them.
public struct DiagnosticsError: Error, Sendable {
    package var diagnostics: [Diagnostic]
    package init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
