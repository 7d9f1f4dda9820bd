/// The files `clause init ID` writes: a small but whole package (a capped grant, one exclusion,
/// a needed fact, validity) whose comments say what goes where, and a scenario file that
/// covers every rule both ways, so `clause check` and `clause test` pass before the first edit.
enum PackageTemplate {
    static func files(id: String) -> [(path: String, text: String)] {
        [
            ("policy.yaml", """
            # The package's identity and metadata. Every *.yaml in this folder is read; each section
            # (clauses, enums, facts, parameters, definitions, rules) may appear in one file only.
            #   clause check \(id)      type-checks everything, scenarios included
            #   clause test \(id)       runs tests/*.yaml against this folder
            policy: \(id)
            title: 示例专项资金管理办法（请改为政策文件全称）
            title_en: Example fund measures (replace with the policy's title)
            version: "0.1"
            source: 请写明发文机关、文件名称与文号
            # The period the measures hold and the article that says so: an application dated outside it
            # is refused under that clause by the rule 'validity'.
            valid: { from: 2025-01-01, to: 2026-12-31, clause: art10 }
            rounding: half_up        # how money × percent is rounded to the fen: half_up, half_even or down
            # Amendments enacted on this package (packages with 'amends: \(id)' beside this folder):
            # amended_by: []

            """),
            ("clauses.yaml", """
            # Every article or item that a rule cites, with its text copied character for character from
            # the source, so a reviewer never needs the PDF. Ids: artN, artN.k (item k), plan.N, …
            clauses:
              art3:
                cite: 第三条
                text: "对符合条件的企业，按项目投资额的30%给予补贴，最高不超过20万元。（示例文字：请换成原文）"
              art4:
                cite: 第四条
                text: "其他事项的支持方式和标准，由主管部门另行研究确定。（示例文字：请换成原文）"
              art5:
                cite: 第五条
                text: "已列入失信名单的企业不予支持。（示例文字：请换成原文）"
              art10:
                cite: 第十条
                text: "本办法自2025年1月1日起施行，有效期至2026年12月31日。（示例文字：请换成原文）"

            """),
            ("facts.yaml", """
            # The case schema: every fact a case file may state, its type and its Chinese label. Case files
            # are read against it strictly (no YAML guessing); a fact a rule needs and the case lacks makes
            # the decision 'incomplete', never a silent default.
            enums:
              support_item:
                label: 支持事项
                values:
                  project: { label: 项目补贴, label_en: project subsidy }
                  other: { label: 其他事项, label_en: other matters }

            facts:
              case: { type: text, label: 案件编号, label_en: case number, required: true }
              policy: { type: text, label: 政策编号, label_en: policy, required: true }
              item: { type: support_item, label: 支持事项, label_en: support item, required: true, role: item }
              applied_on: { type: date, label: 申报日期, label_en: application date, required: true }
              applicant:
                label: 申报主体
                label_en: applicant
                fields:
                  name: { type: text, label: 申报主体名称, label_en: name }
                  blacklisted: { type: bool, label: 是否列入失信名单, label_en: on the blacklist }
              investment: { type: money, label: 项目投资额, label_en: investment }

            """),
            ("parameters.yaml", """
            # The numbers and dates of the text, each citing where it is written: staff change these, not
            # rules. Amounts as the text writes them (20万元, 0.7万元, 500000元), rates as 30%.
            parameters:
              subsidy_rate: { label: 补贴比例, label_en: subsidy rate, clause: art3, value: 30% }
              subsidy_cap: { label: 补贴上限, label_en: subsidy cap, clause: art3, value: 20万元 }

            """),
            ("rules.yaml", """
            # What each article decides. A rule cites its clause, does one thing (refuse_when, require,
            # needs, award, review_when) and says why in Chinese ('say'; 'say_en' optional). Every rule is
            # checked for every case: a refusal lists every refusing clause.
            rules:
              - id: exclusion.blacklisted
                clause: art5
                refuse_when: applicant.blacklisted
                say: 申报主体已列入失信名单
                say_en: the applicant is on the blacklist

              - id: subsidy.investment_known
                clause: art3
                for: item == project
                needs: investment
                say: 须提供项目投资额
                say_en: the investment must be stated

              - id: subsidy.amount
                clause: art3
                for: item == project          # 'for' limits a rule to the cases it concerns
                award: investment * subsidy_rate
                cap: subsidy_cap
                say: 按项目投资额 {investment} 的 {subsidy_rate} 补贴，最高不超过 {subsidy_cap}
                say_en: "{subsidy_rate} of the investment {investment}, at most {subsidy_cap}"

              - id: other.review
                clause: art4
                for: item == other
                review_when: true
                say: 其他事项由主管部门研究确定
                say_en: other matters are decided by the bureau

            """),
            ("tests/cases/example.yaml", """
            # A case as an applicant's file states it; the scenarios in tests/ start from it.
            case: EX-2025-0001
            policy: \(id)
            item: project
            applied_on: 2025-06-01
            applicant:
              name: 示例企业有限公司
              blacklisted: false
            investment: 300000.00

            """),
            ("tests/basic.yaml", """
            # Scenarios: the base case, changed with 'with' (dotted paths) or 'without', and the decision
            # expected. Each rule is seen deciding and not deciding (clause test --coverage).
            base: cases/example.yaml
            scenarios:
              - name: 投资30万元补贴9万元
                expect: { outcome: granted, amount: 90000.00, only_reasons: [art3] }
              - name: 补贴不超过上限20万元
                with: { investment: 1000000.00 }
                expect: { outcome: granted, amount: 200000.00 }
              - name: 失信企业不予支持
                with: { applicant.blacklisted: true }
                expect: { outcome: refused, only_reasons: [art5] }
              - name: 缺少投资额，材料不全
                without: [investment]
                expect: { outcome: incomplete, missing: [investment] }
              - name: 有效期届满后申报不予支持
                with: { applied_on: 2027-01-01 }
                expect: { outcome: refused, only_reasons: [art10] }
              - name: 其他事项交由主管部门研究
                with: { item: other }
                expect: { outcome: review, only_reasons: [art4] }
              - name: 有效期末日申报予以支持
                with: { applied_on: 2026-12-31 }
                expect: { outcome: granted, not_reasons: [art10] }

            """),
        ]
    }
}
