import ClauseLanguage

/// The kind of a traced expression, read off the checked expression that the evaluator has in
/// hand, so that no reader of the trace has to recover it from the text.
enum TraceKinds {
    static func kind(of c: CheckedExpr, row: TraceNode.LookupRow?) -> TraceNode.Kind {
        switch c.kind {
        case .constant: .literal(writtenAsName: TraceNode.isWrittenAsName(c.text))
        case .fact, .local, .parameter, .definition, .asOf: .name
        case .member(let base, let field, _): .member(field: field, isName: isName(base))
        case .arithmetic(let op, let a, let b):
            .operation(op, constant: a.isConstant ? .init(text: a.text, isLeft: true) : b.isConstant ? .init(text: b.text, isLeft: false) : nil)
        case .negate: .negation
        case .not: .inversion
        case .compare(let op, _, _): .comparison(op)
        case .inList(_, _, let negated), .inPeriod(_, _, let negated): .membership(negated: negated)
        case .and: .connective(isAnd: true)
        case .or: .connective(isAnd: false)
        case .list: .list
        case .aggregate(let agg, _, _, _, _, _): .aggregate(agg)
        case .present: .present
        case .otherwise: .otherwise
        case .conditional: .conditional
        case .extremum(let isMin, _): .extremum(isMin: isMin)
        case .periodBound(_, let isStart): .periodBound(isStart: isStart)
        case .lookup(let table, _):
            if case .parameter(let i) = table.kind { .lookup(parameter: i, row: row ?? .none) } else { .lookup(parameter: nil, row: row ?? .none) }
        }
    }

    /// A name, or a member of one: the whole is a dotted path.
    private static func isName(_ c: CheckedExpr) -> Bool {
        switch c.kind {
        case .fact, .local, .parameter, .definition, .asOf: true
        case .member(let base, _, _): isName(base)
        default: false
        }
    }
}

extension TraceNode.LookupRow {
    /// The row as the trace's Chinese label writes it: the key, 默认, or 无此行.
    package var zh: String {
        switch self {
        case .written(let key): key
        case .byDefault: "默认"
        case .none: "无此行"
        }
    }

    /// The same in English: the key (an enum value's label as it stands), default, or no row.
    package var en: String {
        switch self {
        case .written(let key): key
        case .byDefault: "default"
        case .none: "no row"
        }
    }
}

extension TraceNode {
    /// Whether a constant was written as a bare word (letters, digits, `_`, `.`: an enum value,
    /// `true`). Looked at byte by byte: most texts are ASCII, and an operator's space or symbol
    /// settles it at once.
    package static func isWrittenAsName(_ text: String) -> Bool {
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "."): continue
            case 0x80...: return text.unicodeScalars.allSatisfy { Lexer.isIdentifierContinue($0) || $0 == "." }
            default: return false
            }
        }
        return true
    }
}
