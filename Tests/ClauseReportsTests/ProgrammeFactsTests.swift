import ClauseEngine
import ClauseLanguage
import ClauseReports
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The programme report keeps of each case only the facts it reads (`ProgrammeFacts`): the report
/// counted from those must be the report counted from whole cases, and what it drops is dropped.
@Suite struct ProgrammeFactsTests {
    @Test func theReportFromTheFactsItReadsIsTheReportFromWholeCases() throws {
        let p = Repo.shenyang
        let year = ProgrammeYear(seed: 20_240_101)
        let texts = year.transformations.map(year.transformationYAML) + year.diagnoses.map(year.diagnosisYAML) + year.awards.map(year.awardYAML)
        #expect(texts.count > 50)
        let facts = ProgrammeFacts(policy: p)
        var whole: [ProgrammeRecord] = [], projected: [ProgrammeRecord] = []
        for (n, text) in texts.enumerated() {
            let path = "case-\(n).yaml"
            let c = try #require(FastCaseReader.read(SourceFile(path: path, text: text), path: path, policy: p), "\(text)")
            // Outcomes and amounts do not matter here: what the facts count does.
            let r = ProgrammeRecord(caseID: c.id, outcome: n % 3 == 0 ? "refused" : "granted", amount: Money(fen: Int64(n) * 10_000),
                                    asOf: CivilDate(iso: "2024-06-01")!, caseFile: c)
            whole.append(r)
            var q = r
            q.caseFile = facts.project(c)
            projected.append(q)
            // The applicant's name is read by no indicator: it is gone; the credit code is counted distinct.
            #expect(FactPath.value("applicant.name", in: q.caseFile!, policy: p) == nil)
            #expect(FactPath.value("applicant.credit_code", in: q.caseFile!, policy: p) == FactPath.value("applicant.credit_code", in: c, policy: p))
        }
        let counter = ProgrammeCounter(policy: p, asOf: CivilDate(iso: "2025-12-31")!)
        let a = ProgrammeJSON.render(counter.report(records: whole, events: [], reported: []))
        let b = ProgrammeJSON.render(counter.report(records: projected, events: [], reported: []))
        #expect(a == b)
        #expect(a.contains("\"achieved\""))
    }
}
