import Foundation
import GRDB
import Testing

@testable import ClauseStore

/// A recording batch keeps its statement journals in memory: in temporary files they were more
/// writes to the kernel than the record's own pages.
@Suite struct RecordingConnectionTests {
    @Test func aBatchJournalsItsStatementsInMemory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clause-connection-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RecordStore(path: folder + "/records.sqlite", create: true)
        let recorder = DecisionRecorder(store: store)
        try recorder.beginBatch()
        defer { recorder.rollback() }
        // 2 is MEMORY (0 the build's default, 1 FILE).
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
    }
}
