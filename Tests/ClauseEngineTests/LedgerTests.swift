import ClauseEngine
import ClauseLanguage
import ClauseSyntax
import ClauseTestSupport
import Foundation
import Testing

/// The `ledger:` construct: figures counted from the fund's record, typed and checked like any
/// fact, matched by key, never stated by a case.
@Suite struct LedgerTests {
    @Test func shenyangDeclaresEveryFigureOfTheFundWithItsClause() {
        let p = Repo.shenyang
        #expect(p.ledger.map(\.name) == ["enterprise_transformation", "enterprise_diagnosis", "enterprise_monitoring", "platform_granted",
                                         "sector_platforms_funded", "public_platform_granted", "activities_granted", "selection_awarded"])
        #expect(p.ledger.map(\.clause) == ["art4.1", "art4.4", "art4.5", "art4.3", "plan.5", "art4.3", "art4.6", "art4.2"])
        #expect(p.fields(along: "ledger.enterprise_transformation").last?.type == .money)
        #expect(p.fields(along: "ledger.sector_platforms_funded").last?.type == .int)
    }

    @Test func mistakesInALedgerAreLocated() throws {
        let r = try loadOneFilePackage("""
        policy: l
        title: 测试
        clauses:
          art1: { cite: 第一条, text: "条款。" }
        facts:
          case: { type: text, label: 编号, required: true }
          policy: { type: text, label: 政策, required: true }
          applied_on: { type: date, label: 日期, required: true }
          code: { type: text, label: 代码 }
          items:
            type: list
            label: 明细
            fields:
              x: { type: int, label: 数 }
        ledger:
          a: { label: 甲, clause: art1, sum: amount, where: { cod: same } }
          b: { label: 乙, clause: art1, count: grants, where: { items: same } }
          c: { label: 丙, clause: art1, sum: requested, where: { code: same } }
          d: { label: 丁, clause: art9, count: grants, where: { code: same } }
          e: { label: 戊, clause: art1, sum: amount, where: { code: same }, limit: cap }
          f: { label: 己, clause: art1, count: grants, where: { code: same }, limit: capp }
          g: { label: 庚, clause: art1, count: grants, where: { code: same }, limit: 1.5 }
          h: { label: 辛, clause: art1, sum: amount, where: { code: same }, limit: 50万元 }
        parameters:
          cap: { type: int, value: 3, label: 上限, clause: art1 }
        rules:
          - { id: r, clause: art1, refuse_when: ledger.a > 0元 and ledger.x > 0, say: 拒 }
        """, named: "ledger")
        #expect(r.policy == nil)
        #expect(r.diagnostics.filter { $0.severity == .error }.map(\.message) == [
            "no fact 'cod'; did you mean 'code'?",
            "'items' is a list: a ledger matches facts with one value",
            "'sum' adds the amounts granted: write sum: amount, or sum: award.PART for one award part",
            "no clause 'art9' in the clause table; did you mean 'art1'?",
            "the limit of ledger figure 'e' must be money like the figure, but parameter 'cap' is int",
            "no parameter 'capp'; did you mean 'cap'?",
            "a bare decimal '1.5' has no unit: write it as money ('1.5万元', '1.5元') or a percentage",
            "'ledger' has no field 'x'; did you mean 'a'?",
        ])
    }

    @Test func aCaseCannotStateTheLedger() {
        let text = try! String(contentsOfFile: Repo.path("Playground/cases/transformation-granted.yaml"), encoding: .utf8)
            + "ledger: { enterprise_transformation: 0 }\n"
        #expect(caseDiagnostics(text).contains("error: 'ledger' is counted from the fund's record, not stated by a case"))
        let file = SourceFile(path: "case.yaml", text: text)
        #expect(FastCaseReader.read(file, path: "case.yaml", repository: Repo.repository) == nil,
                "the fast reader hands a stated ledger to the tree path")
    }

    /// The latest decision of a case counts; a refusal stops its grant counting; none is nobody.
    @Test func theBookKeepsTheLatestGrantPerCaseAndMatchesByKey() throws {
        let p = Repo.shenyang
        let base = try #require(decideCase("Playground/cases/transformation-granted.yaml"))
        func entry(_ id: String, _ fen: Int64, code: String? = nil) -> LedgerEntry {
            var e = LedgerEntry.of(base, decisionID: nil, asOf: CivilDate(iso: "2024-08-01")!, amount: Money(fen: fen), policy: p)
            e.caseID = id
            if let code { e.facts["applicant.credit_code"] = .text(code) }
            return e
        }
        var book = LedgerBook(policy: p)
        book.record("A", grant: entry("A", 10_000_000))
        book.record("B", grant: entry("B", 5_000_000))
        book.record("C", grant: entry("C", 9_900_000, code: "91210102MA0Y7M4CXJ"))
        var figure = book.use(for: base).figures[0]
        #expect(figure.value == .money(Money(fen: 15_000_000)))
        #expect(figure.counted.map(\.caseID) == ["A", "B"])
        book.record("A", grant: entry("A", 20_000_000))
        book.record("B", grant: nil)
        figure = book.use(for: base).figures[0]
        #expect(figure.value == .money(Money(fen: 20_000_000)))
        #expect(figure.counted.map(\.caseID) == ["A"])
        // The case itself (decided again) does not count against itself.
        book.record(base.id, grant: entry(base.id, 30_000_000))
        #expect(book.use(for: base).figures[0].counted.map(\.caseID) == ["A"])
    }

    private func decideCase(_ path: String) -> CaseFile? {
        guard case .ready(let c, _) = CaseLoader(repository: Repo.repository).load(path: Repo.path(path)) else { return nil }
        return c
    }
}
