@testable import ClauseLanguage
import ClauseTestSupport
import Testing

/// A policy's flat table of field labels gives, for any fact path, the label a walk through its
/// record schemas gives, and follows every change to the records.
@Suite struct FieldLabelsTests {
    /// The walk through the schemas the table stands for: the last field's label along the path,
    /// each field that holds a record leading into it.
    static func walked(_ p: Policy, _ path: [Int]) -> String? {
        var record = 0
        var label: String?
        for i in path {
            guard record < p.records.count, i >= 0, i < p.records[record].fields.count else { return label }
            label = p.records[record].fields[i].label
            if case .record(let r) = p.records[record].fields[i].type.unwrapped { record = r }
        }
        return label
    }

    /// Every path of up to three steps, and some that leave the schema.
    static func expectSameAsTheWalk(_ p: Policy, sourceLocation: SourceLocation = #_sourceLocation) {
        let widest = (p.records.map(\.fields.count).max() ?? 0) + 1
        for a in 0..<widest {
            for b in [-1] + Array(0..<widest) {
                let path = b < 0 ? [a] : [a, b]
                #expect(p.fieldLabels.label(along: path) == walked(p, path), "\(path)", sourceLocation: sourceLocation)
                #expect(p.fieldLabels.label(along: path + [0, 99]) == walked(p, path + [0, 99]), sourceLocation: sourceLocation)
            }
        }
        #expect(p.fieldLabels.label(along: []) == nil, sourceLocation: sourceLocation)
        for (r, record) in p.records.enumerated() {
            for (i, field) in record.fields.enumerated() {
                #expect(p.fieldLabels.label(record: r, field: i) == field.label, sourceLocation: sourceLocation)
            }
            #expect(p.fieldLabels.label(record: r, field: record.fields.count) == nil, sourceLocation: sourceLocation)
        }
        #expect(p.fieldLabels.label(record: p.records.count, field: 0) == nil, sourceLocation: sourceLocation)
    }

    @Test func theShenyangFactsLabels() throws {
        let p = Repo.shenyang
        Self.expectSameAsTheWalk(p)
        // `project.accepted_on` walks into the project record.
        let project = try #require(p.records[0].index["project"])
        guard case .record(let r) = p.records[0].fields[project].type.unwrapped else { Issue.record("project is not a record"); return }
        let accepted = try #require(p.records[r].index["accepted_on"])
        #expect(p.fieldLabels.label(along: [project, accepted]) == p.records[r].fields[accepted].label)
    }

    @Test func aChangeToTheRecordsIsFollowed() {
        let original = Repo.shenyang
        var p = original
        p.records[0].fields[0].label = "改过的标签"
        #expect(p.fieldLabels.label(along: [0]) == "改过的标签")
        p.records[0].fields.removeLast()
        Self.expectSameAsTheWalk(p)
        p.records.removeAll()
        #expect(p.fieldLabels.label(along: [0]) == nil)
        // The policy it was copied from keeps its own.
        #expect(original.fieldLabels.label(along: [0]) == original.records[0].fields[0].label)
        Self.expectSameAsTheWalk(original)
    }
}
