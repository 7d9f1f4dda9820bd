import ClauseSyntax
import FuzzSupport

/// The YAML reader (ClauseSyntax): the tree builder with its diagnostics, and the event log the
/// fast case reader uses. Any text: no crash, no hang, diagnostics that render.
Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    let file = SourceFile(path: "fuzz.yaml", text: text)
    var bag = DiagnosticBag()
    _ = YAMLReader.read(file, into: &bag)
    _ = DiagnosticRenderer().render(bag.sorted)
    _ = YAMLEventLog.read(file)
    return 0
}
