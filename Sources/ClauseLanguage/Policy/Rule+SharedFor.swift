extension Rule {
    /// For each rule, the first earlier rule whose `for` is the same text at the same offsets.
    /// A `for` is checked before its rule's `let`s and reads none of them, only facts,
    /// parameters, definitions and the date, so the same text finds the same in one case: a
    /// traced case takes the first rule's step for the others, rather than evaluating, keeping
    /// and writing it once a rule.
    @usableFromInline static func sharedFor(_ rules: [Rule]) -> [Int?] {
        var first: [String: (rule: Int, start: Int, end: Int)] = [:]
        return rules.indices.map { k in
            guard let a = rules[k].applies else { return nil }
            if let f = first[a.text] { return f.start == a.start && f.end == a.end ? f.rule : nil }
            first[a.text] = (k, a.start, a.end)
            return nil
        }
    }
}
