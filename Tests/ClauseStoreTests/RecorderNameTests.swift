import ClauseStore
import Testing

/// Who a decision, a revocation or a correction is recorded by: a service started with an empty
/// environment (systemd, cron, `env -i`) is still named, by the account it runs as.
@Suite struct RecorderNameTests {
    @Test func theNameComesFromTheFirstPlaceThatHasOne() {
        let account: () -> String? = { "svc-fund" }
        #expect(DecisionRecorder.user(["CLAUSE_USER": "王科长", "USER": "wang"], account: account) == "王科长")
        #expect(DecisionRecorder.user(["CLAUSE_USER": "", "USER": "wang"], account: account) == "wang")
        #expect(DecisionRecorder.user(["LOGNAME": "li"], account: account) == "li")
        #expect(DecisionRecorder.user([:], account: account) == "svc-fund")
        #expect(DecisionRecorder.user([:], account: { nil }) == "unknown")
    }

    /// The process runs as some account with a name in the system's user database.
    @Test func theAccountIsReadFromTheSystem() {
        let name = DecisionRecorder.accountName()
        #expect(name != nil && name != "")
    }
}
