import ClauseTestSupport
import Foundation
import Testing

/// A history decides the facts it records (a finding of fraud, payments, changes), for
/// `evaluate` as for `workflow`: through the built binary.
@Suite struct HistoryFactsTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clause-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `evaluate` refuses a case whose history has a finding of fraud the case file does not
    /// state, clawing back what the history paid; a finding on no calendar day is an input error.
    @Test func evaluateReadsTheFindingOfTheHistory() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Repo.path("Playground/cases/history-fraud.yaml"), encoding: .utf8)
        #expect(text.contains("fraud_found_on: 2024-09-01"))
        let unstated = dir.appendingPathComponent("unstated.yaml").path
        try text.replacingOccurrences(of: "fraud_found_on: 2024-09-01", with: "fraud_found_on: null")
            .replacingOccurrences(of: "disbursed: 120000.00", with: "disbursed: 0")
            .write(toFile: unstated, atomically: true, encoding: .utf8)
        let r = try ClauseBinary.clause(["evaluate", "--format", "json", unstated])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(#""outcome":"refused","amount":"0.00","reasons":[{"clause":"art13""#), "\(r.stdout)")
        #expect(r.stdout.contains(#""consequences":{"clawback":"120000.00""#), "\(r.stdout)")

        let bad = dir.appendingPathComponent("bad.yaml").path
        try text.replacingOccurrences(of: "{ event: fraud_found,   on: 2024-09-01", with: "{ event: fraud_found,   on: 2024-13-01")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let e = try ClauseBinary.clause(["evaluate", bad])
        #expect(e.status == 1)
        #expect(e.stderr.contains("bad.yaml:43:"), "\(e.stderr)")
        #expect(e.stderr.contains("'2024-13-01' is not a date in the calendar"), "\(e.stderr)")
        // The workflow commands report it once, with every other problem of the history.
        let w = try ClauseBinary.clause(["workflow", "check", bad])
        #expect(w.status == 1)
        #expect(w.stderr.components(separatedBy: "'2024-13-01' is not a date in the calendar").count == 2, "\(w.stderr)")
    }

    /// ¥250,000 paid before acceptance against a ¥190,000 decision: counted, listed, the excess
    /// named, the case paid, and no second payment offered.
    @Test func aPaymentOutOfOrderIsStillAPayment() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Repo.path("Playground/cases/history-paid.yaml"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let accept = try #require(lines.firstIndex { $0.contains("event: accept,") })
        let pay = try #require(lines.firstIndex { $0.contains("event: pay,") })
        let early = lines[pay].replacingOccurrences(of: "2024-12-10", with: "2024-09-10").replacingOccurrences(of: "190000.00", with: "250000.00")
        lines[pay] = lines[accept]
        lines[accept] = early
        let file = dir.appendingPathComponent("early.yaml").path
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let status = try ClauseBinary.clause(["workflow", "status", file])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("SY-2024-T-0101  状态：已拨付 (paid, 第十条)\n"), "\(status.stdout)")
        #expect(status.stdout.contains("[3] 2024-09-10 pay: city_passed → city_passed  第十条  未按程序办理，仍计入已拨付\n"), "\(status.stdout)")
        #expect(status.stdout.contains("2024-09-10 拨付：拨付合计 ¥250,000.00 超过政策决定金额 ¥190,000.00，超出 ¥60,000.00\n"), "\(status.stdout)")
        #expect(status.stdout.contains("已拨付：合计 ¥250,000.00\n"), "\(status.stdout)")
        let next = try ClauseBinary.clause(["workflow", "next", file, "--as", "city_bureau", "--format", "json"])
        #expect(next.stdout.contains(#""next":["fraud_found"]"#), "\(next.stdout)")
    }
}
