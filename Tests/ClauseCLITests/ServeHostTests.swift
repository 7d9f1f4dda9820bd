@testable import ClauseCLI
import Testing

/// `clause serve` warns when it listens beyond this machine.
@Suite struct ServeHostTests {
    @Test func loopbackIsThisMachineOnly() {
        #expect(ClauseCommand.Serve.isLoopback("127.0.0.1"))
        #expect(ClauseCommand.Serve.isLoopback("127.1.2.3"))
        #expect(ClauseCommand.Serve.isLoopback("::1"))
        #expect(ClauseCommand.Serve.isLoopback("localhost"))
        #expect(!ClauseCommand.Serve.isLoopback("0.0.0.0"))
        #expect(!ClauseCommand.Serve.isLoopback("::"))
        #expect(!ClauseCommand.Serve.isLoopback("10.0.0.5"))
    }
}
