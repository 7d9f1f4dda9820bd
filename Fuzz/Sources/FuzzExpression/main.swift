import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import Foundation
import FuzzSupport

/// The expression parser and checker (ClauseLanguage), with the Shenyang package's facts,
/// parameters and definitions in scope, as a rule's `when:` sees them; an expression that checks
/// is then evaluated by the interpreter over two Playground cases (one complete, one incomplete).
/// The input is the expression's text; it reaches the checker as a double-quoted YAML scalar, so
/// error columns are mapped through a real scalar as in a package file.
enum Scope {
    static let policy = Fuzz.shenyang

    static let cases: [CaseFile] = ["transformation-granted.yaml", "transformation-incomplete.yaml"].map { name in
        let path = (Fuzz.root as NSString).appendingPathComponent("Playground/cases/\(name)")
        guard case .ready(let c, _) = CaseLoader(repository: Fuzz.repository).load(path: path) else { fatalError("\(name) does not load") }
        return c
    }

    /// `text` as the value of a double-quoted YAML scalar (JSON escapes are YAML escapes).
    static func quoted(_ text: String) -> String {
        var out = "e: \""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) || u.value == 0xFEFF
                || u.value == 0x2028 || u.value == 0x2029:
                out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\"\n"
    }
}

Fuzz.run { data, size in
    guard let text = Fuzz.text(data, size) else { return 0 }
    var bag = DiagnosticBag()
    let file = SourceFile(path: "rules.yaml", text: Scope.quoted(text))
    guard case .mapping(let m)? = YAMLReader.read(file, into: &bag), case .scalar(let scalar)? = m["e"] else {
        if text.utf8.count < 100_000 { Fuzz.fail("a quoted expression did not read as a scalar") }
        return 0
    }
    _ = ExpressionProbe.parses(text)
    if let diagnostics = ExpressionProbe(policy: Scope.policy).check(scalar, evaluatingOver: Scope.cases, asOf: CivilDate(iso: "2024-06-01")!) {
        Fuzz.expectLocatedErrors(diagnostics, "the expression")
    }
    return 0
}
