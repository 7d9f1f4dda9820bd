/// Every record's fields in one flat table, for the label at the end of a fact path.
///
/// A traced case asks for a label at every fact it reads. Walked through the record schemas, each
/// step retained and released the record's field list and copied the field's type: a few atomic
/// operations a step on memory that every thread deciding under the policy shares. Here a step
/// reads two integers, and only the label found is retained.
@usableFromInline package struct FieldLabels: Sendable {
    /// Where each record's fields start in `entries`, and where the last ends.
    @usableFromInline var starts: [Int]
    /// Each field's label, and the record it holds (`-1` for a field that holds none).
    @usableFromInline var entries: [(label: String, record: Int)]

    @usableFromInline init(_ records: [RecordSchema]) {
        starts = [0]
        entries = []
        for r in records {
            for f in r.fields {
                if case .record(let child) = f.type.unwrapped { entries.append((f.label, child)) } else { entries.append((f.label, -1)) }
            }
            starts.append(entries.count)
        }
    }

    /// The label of field `field` of record `record`; nil when the record has no such field.
    @inlinable package func label(record: Int, field: Int) -> String? {
        starts.withUnsafeBufferPointer { starts in
            guard record >= 0, record + 1 < starts.count, field >= 0, starts[record] + field < starts[record + 1] else { return nil }
            return entries.withUnsafeBufferPointer { $0[starts[record] + field].label }
        }
    }

    /// The label of the last field `path` names, walking from the case record (index 0): a field
    /// that holds a record leads into it, and a step no record has ends the walk at the label
    /// found so far. nil when the first step names no field.
    @inlinable package func label(along path: [Int]) -> String? {
        starts.withUnsafeBufferPointer { starts in
            entries.withUnsafeBufferPointer { entries in
                var record = 0, last = -1
                for i in path {
                    guard record + 1 < starts.count, i >= 0, starts[record] + i < starts[record + 1] else { break }
                    last = starts[record] + i
                    if entries[last].record >= 0 { record = entries[last].record }
                }
                return last < 0 ? nil : entries[last].label
            }
        }
    }
}
