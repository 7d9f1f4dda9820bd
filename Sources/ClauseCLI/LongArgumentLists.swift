import ArgumentParser

/// A command whose array argument may hold thousands of paths (a shell glob over a folder).
protocol TakesLongArgumentLists: ParsableCommand {
    /// The array argument.
    static var longList: WritableKeyPath<Self, [String]> { get }
}

extension TakesLongArgumentLists {
    /// Gives back the paths `LongArgumentLists(folding:)` took out before parsing.
    mutating func unfoldArgumentLists(_ folded: LongArgumentLists) {
        self[keyPath: Self.longList] = folded.unfold(self[keyPath: Self.longList])
    }
}

/// swift-argument-parser spends time quadratic in the number of values one array argument
/// receives (each value copies the array and the set of positions seen so far): 8,000 case files
/// on the command line cost 2.4 s before the first was read. A long run of plain arguments is
/// handed to it as one placeholder and given back, in place, after parsing.
///
/// Only the first argument of a run can be an option's value (no option here takes more than
/// one), so it stays; the rest of the run are positional values, in order.
struct LongArgumentLists {
    /// Runs shorter than this are parsed as given, so usage errors read exactly as before.
    static let shortest = 16
    /// The commands whose lists are folded, by their names on the command line; each conforms to
    /// `TakesLongArgumentLists` (below), which puts the runs back.
    static let commands: [[String]] = [
        [ClauseCommand.Evaluate._commandName], [ClauseCommand.Record._commandName], [ClauseCommand.Diff._commandName],
        [ClauseCommand.Replay._commandName], [ClauseCommand.Test._commandName], [ClauseCommand.Check._commandName],
        [ClauseCommand.Workflow._commandName, ClauseCommand.Workflow.Status._commandName],
        [ClauseCommand.Workflow._commandName, ClauseCommand.Workflow.Check._commandName],
    ]
    /// A placeholder cannot be a real argument: no argument of a process contains NUL.
    private static let mark = "\u{0}clause-arguments-"
    /// What the parser is given.
    let arguments: [String]
    /// The runs taken out, by placeholder number.
    private let taken: [[String]]

    /// `arguments` with each long run of plain arguments after a listed command's name replaced
    /// by its first argument and one placeholder.
    init(folding arguments: [String]) {
        var taken: [[String]] = []
        guard let command = Self.commands.first(where: { arguments.starts(with: $0) }) else {
            self.arguments = arguments
            self.taken = taken
            return
        }
        var out = Array(arguments.prefix(command.count))
        var i = command.count
        var afterTerminator = false
        while i < arguments.count {
            var end = i
            while end < arguments.count, afterTerminator || !arguments[end].hasPrefix("-") || arguments[end] == "-" { end += 1 }
            if end - i >= Self.shortest {
                out.append(arguments[i])
                out.append(Self.mark + String(taken.count))
                taken.append(Array(arguments[(i + 1)..<end]))
            } else {
                out.append(contentsOf: arguments[i..<end])
            }
            if end < arguments.count {
                if arguments[end] == "--" { afterTerminator = true }
                out.append(arguments[end])
            }
            i = end + 1
        }
        self.arguments = out
        self.taken = taken
    }

    /// `values` with each placeholder replaced by the arguments it stood for.
    func unfold(_ values: [String]) -> [String] {
        guard !taken.isEmpty else { return values }
        var out: [String] = []
        out.reserveCapacity(values.count)
        for v in values {
            if v.hasPrefix(Self.mark), let n = Int(v.dropFirst(Self.mark.count)), taken.indices.contains(n) {
                out.append(contentsOf: taken[n])
            } else {
                out.append(v)
            }
        }
        return out
    }
}

extension ClauseCommand.Evaluate: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.cases } }
extension ClauseCommand.Record: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.cases } }
extension ClauseCommand.Diff: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.cases } }
extension ClauseCommand.Replay: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.caseIDs } }
extension ClauseCommand.Test: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.paths } }
extension ClauseCommand.Check: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.packages } }
extension ClauseCommand.Workflow.Status: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.cases } }
extension ClauseCommand.Workflow.Check: TakesLongArgumentLists { static var longList: WritableKeyPath<Self, [String]> { \.cases } }
