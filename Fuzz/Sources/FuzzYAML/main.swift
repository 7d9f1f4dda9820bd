import ClauseSyntax
import FuzzSupport

/// The YAML reader (ClauseSyntax): the tree builder with its diagnostics, and the event log the
/// fast case reader uses. Any text: no crash, no hang, diagnostics that render; and where the JSON
/// scan reads a text, it reads it exactly as libyaml does.
Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    let file = SourceFile(path: "fuzz.yaml", text: text)
    var bag = DiagnosticBag()
    _ = YAMLReader.read(file, into: &bag)
    _ = DiagnosticRenderer().render(bag.sorted)
    _ = YAMLEventLog.read(file)
    precondition(YAMLEventLog.jsonScanAgreesWithLibyaml(file), "the JSON scan and libyaml read a text differently")
    return 0
}
