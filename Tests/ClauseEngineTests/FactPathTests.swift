import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// A dotted path read out of a case: what the ledger's keys, the registry's credit code and a
/// decision's keys are found by.
@Suite struct FactPathTests {
    private func example() throws -> (CaseFile, Policy) {
        let p = Repo.shenyang
        let path = Repo.path("Playground/cases/transformation-granted.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let c = try #require(FastCaseReader.read(SourceFile(path: path, text: text), path: path, policy: p))
        return (c, p)
    }

    @Test func aPathReadsTheFactAtItsEndThroughEachRecord() throws {
        let (c, p) = try example()
        #expect(FactPath.value("applicant.credit_code", in: c, policy: p) == .text("91210106MA0Y3K2X1E"))
        #expect(FactPath.value("applicant.name", in: c, policy: p) == .text("沈阳示例风机有限公司"))
        #expect(FactPath.value("case", in: c, policy: p) == .text("SY-2024-T-0001"))
        #expect(FactPath.value("project.accepted_on", in: c, policy: p) == .date(CivilDate(iso: "2024-10-30")!))
        // A whole record is a value too.
        guard case .record? = FactPath.value("applicant", in: c, policy: p) else {
            Issue.record("applicant is not read as a record")
            return
        }
    }

    @Test func emptyNamesBetweenDotsAreSkippedAsBefore() throws {
        let (c, p) = try example()
        let code = FactPath.value("applicant.credit_code", in: c, policy: p)
        #expect(FactPath.value(".applicant..credit_code.", in: c, policy: p) == code)
        #expect(FactPath.value("", in: c, policy: p) == nil)
        #expect(FactPath.value("...", in: c, policy: p) == nil)
    }

    @Test func aPathTheSchemaDoesNotHaveReadsNothing() throws {
        let (c, p) = try example()
        #expect(FactPath.value("applicant.nickname", in: c, policy: p) == nil)
        #expect(FactPath.value("nothing.at.all", in: c, policy: p) == nil)
        // Past a value that is not a record: nothing, not the value.
        #expect(FactPath.value("applicant.credit_code.more", in: c, policy: p) == nil)
        #expect(FactPath.value("项目.名称", in: c, policy: p) == nil)
    }
}
