/// Type names as written in facts and parameters (`money`, `date?`, `list of expense_category`),
/// and as shown in messages.
package struct TypeNames {
    package var enums: [EnumType]
    package var records: [RecordSchema]

    package init(enums: [EnumType], records: [RecordSchema]) {
        self.enums = enums
        self.records = records
    }

    package static let primitives: [String: ValueType] = [
        "bool": .bool, "int": .int, "money": .money, "percent": .percent, "date": .date, "period": .period,
        "duration": .duration, "text": .text,
    ]

    /// Reads a type name; nil when it names nothing (the caller reports it with a suggestion).
    package func parse(_ text: String) -> ValueType? {
        var t = text.trimmingCharacters(in: " ")
        if t.hasSuffix("?") {
            t.removeLast()
            return parse(t).map { .optional($0) }
        }
        if t.hasPrefix("list of ") {
            return parse(String(t.dropFirst(8))).map { .list($0) }
        }
        if t.hasPrefix("table of "), let to = t.range(of: " to ") {
            // `table of int to money`: the key type, then the value type.
            guard let k = parse(String(t[t.index(t.startIndex, offsetBy: 9)..<to.lowerBound])),
                  let v = parse(String(t[to.upperBound...])) else { return nil }
            return .table(key: k, value: v)
        }
        if let p = TypeNames.primitives[t] { return p }
        if let i = enums.firstIndex(where: { $0.name == t }) { return .enumeration(i) }
        return nil
    }

    package var allNames: [String] { Array(TypeNames.primitives.keys) + enums.map(\.name) }

    package func describe(_ t: ValueType) -> String {
        switch t {
        case .bool: "bool"
        case .int: "int"
        case .money: "money"
        case .percent: "percent"
        case .date: "date"
        case .period: "period"
        case .duration: "duration"
        case .text: "text"
        case .enumeration(let i): i < enums.count ? enums[i].name : "enum"
        case .list(let e): "list of \(describe(e))"
        case .record(let i): i < records.count ? records[i].name : "record"
        case .optional(let w): "\(describe(w))?"
        case .noneLiteral: "none"
        case .emptyList: "empty list"
        case .table(let k, let v): "table of \(describe(k)) to \(describe(v))"
        }
    }
}

extension String {
    package func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
