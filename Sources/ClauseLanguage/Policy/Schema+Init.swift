import ClauseSyntax

// Memberwise initialisers are internal to this module; workflows (ClauseWorkflows) build record
// schemas and enums of their own (the actor, the event, the decision, the roles) beside a policy's,
// so that guards are type-checked and evaluated by the same checker and evaluator as rules.

extension Field {
    package init(name: String, path: String, label: String, labelEn: String?, type: ValueType, range: SourceRange) {
        self.init(name: name, path: path, label: label, labelEn: labelEn, type: type, defaultValue: nil, required: false,
                  minimum: nil, maximum: nil, length: nil, range: range)
    }
}

extension RecordSchema {
    package init(name: String, fields: [Field]) {
        var index: [String: Int] = [:]
        for (i, f) in fields.enumerated() { index[f.name] = i }
        self.init(name: name, fields: fields, index: index)
    }
}

extension EnumType {
    package init(name: String, label: String?, cases: [(name: String, label: String, labelEn: String?)], range: SourceRange) {
        var index: [String: Int] = [:]
        for (i, c) in cases.enumerated() { index[c.name] = i }
        self.init(name: name, label: label, cases: cases.map { Case(name: $0.name, label: $0.label, labelEn: $0.labelEn) },
                  index: index, range: range)
    }
}
