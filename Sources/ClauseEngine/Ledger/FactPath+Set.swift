import ClauseLanguage

extension FactPath {
    /// Sets the fact at a dotted path of case `c`, through the records the case gives; false
    /// (and nothing set) when the schema has no such fact or a record on the way is not given.
    @discardableResult
    package static func set(_ path: String, _ value: Value, in c: inout CaseFile, policy: Policy) -> Bool {
        func set(_ parts: ArraySlice<Substring>, _ slots: inout [Value?], _ schema: RecordSchema) -> Bool {
            guard let name = parts.first, let i = schema.index[String(name)], i < slots.count else { return false }
            if parts.count == 1 {
                slots[i] = value
                return true
            }
            guard case .record(var inner)? = slots[i], case .record(let r) = schema.fields[i].type.unwrapped else { return false }
            guard set(parts.dropFirst(), &inner, policy.records[r]) else { return false }
            slots[i] = .record(inner)
            return true
        }
        return set(ArraySlice(path.split(separator: ".")), &c.facts, policy.caseSchema)
    }
}
