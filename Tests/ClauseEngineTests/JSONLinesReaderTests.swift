import ClauseEngine
import Foundation
import Testing

/// Cases piped in a line at a time are read as they come: the reader hands out a line as soon as
/// its newline has arrived, without waiting for a full chunk or the end of the stream.
@Suite struct JSONLinesReaderTests {
    @Test func aLineIsHandedOutBeforeTheWriterCloses() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(#"{"case":"A"}"#.utf8 + [0x0A]))
        let done = DispatchSemaphore(value: 0)
        let first = Box()
        Thread.detachNewThread {
            var reader = JSONLinesReader(handle: pipe.fileHandleForReading, path: "<stdin>")
            first.set(reader.next())
            done.signal()
        }
        let answered = done.wait(timeout: .now() + 10) == .success
        #expect(answered, "the reader waited for more than the line it had")
        if answered, case .line(_, let text, let offset)? = first.get() {
            #expect(text == #"{"case":"A"}"# && offset == 0)
        } else if answered {
            Issue.record("the first line was not handed out as a line")
        }
        try pipe.fileHandleForWriting.close()
    }

    /// Lines split across reads of any size come out whole, in order, with their numbers.
    @Test func linesAcrossShortReadsComeOutWhole() throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        var reader = JSONLinesReader(handle: pipe.fileHandleForReading, path: "s.jsonl", chunkBytes: 3)
        writer.write(Data("{\"case\":\"A\"}\n\n{\"case\":\"B\"}\n{\"case\":\"C\"}".utf8))
        try writer.close()
        var got: [(String, Int)] = []
        while let s = reader.next() {
            if case .line(_, let text, let offset) = s { got.append((text, offset)) }
        }
        #expect(got.map(\.0) == [#"{"case":"A"}"#, #"{"case":"B"}"#, #"{"case":"C"}"#])
        #expect(got.map(\.1) == [0, 2, 3])
    }
}

/// A source read on one thread and looked at on another.
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var value: CaseSource?
    func set(_ v: CaseSource?) { lock.withLock { value = v } }
    func get() -> CaseSource? { lock.withLock { value } }
}
