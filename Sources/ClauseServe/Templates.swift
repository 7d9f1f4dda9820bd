import ClauseSyntax
import ClauseLanguage
import Mustache

/// The pages' templates. Mustache escapes every `{{value}}` for HTML; the only unescaped
/// insertions (`{{{…}}}`) are of HTML this module rendered itself from escaped parts.
enum Templates {
    static let library: MustacheLibrary = {
        var l = MustacheLibrary()
        for (name, text) in all {
            // The templates are constants of this file: one that does not parse is a bug caught by the tests.
            try! l.register(text, named: name)
        }
        return l
    }()

    static func render(_ name: String, _ data: [String: Any]) -> String {
        library.render(data, withTemplate: name) ?? ""
    }

    static let all: [String: String] = [
        "layout": layout, "cases": cases, "case": caseBody, "queue": queue, "policy": policy,
        "diagnostics": diagnostics, "tests": tests, "impact": impact, "ledger": ledger, "playground": playground,
        "error": error, "report": report, "policies": policies,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · clause</title>
        <link rel="stylesheet" href="/static/workbench.css">
        </head>
        <body>
        <header class="bar"><a class="brand" href="/">clause 工作台</a>
        <nav>
        <a href="/cases">案件 Cases</a>
        <a href="/queue">待办 Queue</a>
        <a href="/policies">政策 Policies</a>
        <a href="/check">检查 Check</a>
        <a href="/impact">影响 Impact</a>
        <a href="/tests">测试 Tests</a>
        <a href="/report">报告 Report</a>
        <a href="/ledger">基金记录 Ledger</a>
        <a href="/playground">试算 Playground</a>
        </nav></header>
        <main>
        {{#unguarded}}<p class="warning">注意：决定库的防改动保护已被删除或改动（{{unguarded}}），所示内容可能已在 clause 之外被改动；请运行 clause verify。 The store's guards against hand edits were removed or altered ({{unguarded}}): what is shown may have been edited outside clause; run clause verify.</p>{{/unguarded}}
        <h1>{{title}}</h1>
        {{{body}}}
        </main>
        <footer>clause {{version}} · 只读，不记录任何内容 read-only{{#api}} · <a href="{{api}}">JSON</a>{{/api}}</footer>
        </body>
        </html>

        """

    static let error = """
        <p class="error">{{message}}</p>
        <p><a href="/cases">返回案件列表 Back to the cases</a></p>
        """

    static let cases = """
        <form class="search" method="get" action="/cases">
        <label>案件号或企业 Case or enterprise <input type="search" name="q" value="{{q}}"></label>
        <label>区县 District <select name="district"><option value="">全部 all</option>{{#districts}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/districts}}</select></label>
        <label>结论 Outcome <select name="outcome"><option value="">全部 all</option>{{#outcomes}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/outcomes}}</select></label>
        <button type="submit">查询 Search</button>
        </form>
        <p class="count">{{count}} 件 cases · 第 {{page}} 页 page {{page}}{{#next}} · <a href="{{next}}">下一页 next</a>{{/next}}</p>
        <table class="list">
        <thead><tr><th>案件 Case</th><th>企业 Enterprise</th><th>区县 District</th><th>结论 Outcome</th><th class="num">金额 Amount</th><th>评估日 As of</th><th></th></tr></thead>
        <tbody>
        {{#rows}}<tr class="o-{{outcome}}"><td><a href="/cases/{{link}}">{{caseID}}</a></td><td>{{enterprise}}</td><td>{{district}}</td><td><span class="badge">{{outcomeLabel}}</span></td><td class="num">{{amount}}</td><td>{{asOf}}</td><td><a href="/cases/{{link}}/notice">告知书 notice</a></td></tr>
        {{/rows}}
        </tbody></table>
        """

    static let caseBody = """
        <section class="verdict o-{{outcome}}">
        <p class="big"><span class="badge">{{outcomeLabel}}</span> {{#amount}}<strong class="amount">{{amount}}</strong>{{/amount}}</p>
        <p>{{policyTitle}} · {{version}} · 摘要 digest {{digest}} · 评估日 as of {{asOf}}{{#item}} · {{item}}{{/item}}</p>
        {{#record}}<p class="meta">决定记录 decision #{{id}} · 记录于 recorded {{at}} · 记录人 by {{by}} · clause {{clauseVersion}}</p>{{/record}}
        {{#revoked}}<p class="warning">已撤销 revoked {{at}} · {{by}} · {{reason}}：其支持金额不再计入基金记录 its grant no longer counts</p>{{/revoked}}
        {{#replays}}<p class="replay {{class}}">{{text}}</p>{{/replays}}
        {{#noticeLink}}<p><a class="button" href="{{noticeLink}}">告知书 Notice (中文)</a> <a class="button" href="{{noticeLink}}?lang=en">Notice (English)</a></p>{{/noticeLink}}
        </section>
        {{#hasReasons}}<section><h2>理由 Reasons</h2>
        {{#reasons}}<article class="reason e-{{effect}}">
        <h3>{{cite}} <span class="id">{{clause}}</span> <span class="rule">{{rule}}</span>{{#capped}} <span class="tag">上限 cap</span>{{/capped}}</h3>
        {{#quotes}}<blockquote><span class="cite">{{cite}}</span>「<mark>{{text}}</mark>」</blockquote>{{/quotes}}
        <p>{{message}}</p>
        {{#fix}}<p class="fix">需改变 What would have to change：{{fix}}</p>{{/fix}}
        </article>{{/reasons}}
        </section>{{/hasReasons}}
        {{#hasRemedies}}<section><h2>{{remedyTitle}}</h2><ul>{{#remedies}}<li>{{.}}</li>{{/remedies}}</ul></section>{{/hasRemedies}}
        {{#hasConsequences}}<section><h2>后果 Consequences</h2><ul>{{#consequences}}<li>{{.}}</li>{{/consequences}}</ul></section>{{/hasConsequences}}
        {{#ban}}<section><h2>{{title}}</h2><p>{{text}}</p></section>{{/ban}}
        {{#hasLedger}}<section><h2>{{ledgerTitle}}</h2><ul>{{#ledger}}<li>{{.}}</li>{{/ledger}}</ul>
        {{#hasGrants}}<table class="list"><thead><tr><th>数额 Figure</th><th>案件 Case</th><th>记录 Record</th><th>日期 As of</th><th class="num">金额 Amount</th><th></th></tr></thead><tbody>
        {{#grants}}<tr><td>{{figure}}</td><td><a href="/cases/{{link}}">{{caseID}}</a></td><td>{{decision}}</td><td>{{asOf}}</td><td class="num">{{amount}}</td><td>{{#revoked}}已撤销 revoked{{/revoked}}</td></tr>{{/grants}}
        </tbody></table>{{/hasGrants}}</section>{{/hasLedger}}
        {{#hasMissing}}<section><h2>缺少的事实 Missing facts</h2><ul>{{#missing}}<li>{{.}}</li>{{/missing}}</ul></section>{{/hasMissing}}
        {{#hasCalculation}}<section><h2>计算 Calculation</h2><div class="calc">{{#calculation}}<p class="d{{depth}}">{{text}}</p>{{/calculation}}</div></section>{{/hasCalculation}}
        <section><h2>逐条检查 Every rule checked</h2><table class="list checks"><tbody>
        {{#checks}}<tr class="{{#deciding}}deciding{{/deciding}}"><td class="sym">{{symbol}}</td><td>{{cite}}</td><td class="rule">{{rule}}</td><td>{{message}}{{#details}}<br><span class="detail">{{.}}</span>{{/details}}</td></tr>{{/checks}}
        </tbody></table></section>
        {{#hasHistory}}<section><h2>历史 History</h2>
        <table class="list"><thead><tr><th>决定 Decision</th><th>记录于 Recorded</th><th>结论 Outcome</th><th class="num">金额 Amount</th><th>评估日 As of</th></tr></thead><tbody>
        {{#decisions}}<tr><td>#{{id}}</td><td>{{at}}</td><td>{{outcome}}</td><td class="num">{{amount}}</td><td>{{asOf}}</td></tr>{{/decisions}}
        </tbody></table>
        {{#hasEvents}}<h3>流程事件 Workflow events</h3><table class="list"><thead><tr><th>#</th><th>事件 Event</th><th>日期 On</th><th>角色 Role</th><th>区县 District</th><th>经办人 Name</th></tr></thead><tbody>
        {{#events}}<tr><td>{{seq}}</td><td>{{event}}</td><td>{{on}}</td><td>{{role}}</td><td>{{district}}</td><td>{{name}}</td></tr>{{/events}}
        </tbody></table>{{/hasEvents}}
        </section>{{/hasHistory}}
        """

    static let queue = """
        <form class="search" method="get" action="/queue">
        <label>区县 District <select name="district"><option value="">全部 all</option>{{#districts}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/districts}}</select></label>
        <label>角色 Role <select name="as">{{#roles}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select></label>
        <button type="submit">查看 Show</button>
        </form>
        <p class="count">{{count}} 件 cases · 第 {{page}} 页 page {{page}}{{#next}} · <a href="{{next}}">下一页 next</a>{{/next}}</p>
        {{#states}}<section><h2>{{label}} <span class="id">{{name}}</span> · {{count}}</h2>
        <table class="list"><thead><tr><th>案件 Case</th><th>企业 Enterprise</th><th>违规 Violations</th><th>可办理 May do</th><th>不可办理 May not</th></tr></thead><tbody>
        {{#cases}}<tr><td><a href="/cases/{{link}}">{{caseID}}</a></td><td>{{enterprise}}</td>
        <td>{{#violations}}<p class="warning">{{cite}}：{{message}}</p>{{/violations}}</td>
        <td>{{#may}}<p><strong>{{label}}</strong> <span class="id">{{event}}</span> ({{cite}}){{#reasons}}<br><span class="detail">前提 provided {{cite}}：{{message}}</span>{{/reasons}}</p>{{/may}}</td>
        <td>{{#mayNot}}<p>✗ {{label}} <span class="id">{{event}}</span>{{#reasons}}<br><span class="detail">{{cite}}：{{message}}</span>{{/reasons}}</p>{{/mayNot}}</td></tr>
        {{/cases}}{{#problems}}<tr><td>{{caseID}}</td><td colspan="4" class="error">{{message}}</td></tr>{{/problems}}
        </tbody></table></section>{{/states}}
        <p class="note">每件案件按其记录的流程事件重放；可办理事项与 <code>clause workflow next</code> 相同。 Each case is replayed over its recorded events; what a role may do is what <code>clause workflow next</code> says.</p>
        """

    static let policies = """
        <ul>{{#policies}}<li><a href="/policies/{{link}}">{{id}}</a> {{title}} {{version}}</li>{{/policies}}</ul>
        """

    static let policy = """
        <p>{{title}} · {{version}} · {{digest}}{{#valid}} · 有效期 valid {{valid}}{{/valid}}</p>
        {{#hasPackages}}<h2>组成 Packages and amendments</h2><table class="list"><thead><tr><th>包 Package</th><th>版本 Version</th><th>生效 Effective</th><th>修订 Amends</th></tr></thead><tbody>
        {{#packages}}<tr><td>{{id}}</td><td>{{version}}</td><td>{{effective}}</td><td>{{amends}}</td></tr>{{/packages}}</tbody></table>{{/hasPackages}}
        {{#hasAmendedBy}}<p>已修订 Amended by: {{#amendedBy}}<span class="tag">{{.}}</span> {{/amendedBy}}</p>{{/hasAmendedBy}}
        <h2>条款 Clauses</h2>
        <table class="list clauses"><thead><tr><th>条款 Clause</th><th>原文 Text</th><th>引用 Cited by</th></tr></thead><tbody>
        {{#clauses}}<tr id="{{id}}"><td><strong>{{cite}}</strong><br><span class="id">{{id}}</span>{{#title}}<br>{{title}}{{/title}}</td><td class="text">{{text}}</td>
        <td>{{#rules}}<p>规则 rule <span class="rule">{{id}}</span> {{label}}</p>{{/rules}}{{#definitions}}<p>定义 definition <span class="rule">{{name}}</span> {{label}}</p>{{/definitions}}
        {{#parameters}}<p>参数 parameter <span class="rule">{{name}}</span> {{label}}：{{#values}}<br><span class="detail">{{from}} 起 from: {{value}}</span>{{/values}}</p>{{/parameters}}
        {{#figures}}<p>基金记录 ledger <span class="rule">{{name}}</span> {{label}}</p>{{/figures}}</td></tr>
        {{/clauses}}</tbody></table>
        """

    static let diagnostics = """
        <p>{{summary}}</p>
        <table class="list"><thead><tr><th>位置 Where</th><th>级别 Severity</th><th>编号 Id</th><th>说明 Message</th></tr></thead><tbody>
        {{#rows}}<tr class="s-{{severity}}"><td class="where">{{file}}:{{line}}:{{column}}</td><td>{{severity}}</td><td class="id">{{id}}</td><td>{{message}}{{#notes}}<br><span class="detail">{{.}}</span>{{/notes}}</td></tr>{{/rows}}
        </tbody></table>
        {{#hasOutput}}<h2>命令输出 What the command printed</h2><pre>{{output}}</pre>{{/hasOutput}}
        """

    static let tests = """
        <p class="count">{{summary}}</p>
        <table class="list"><thead><tr><th>结果 Result</th><th>场景 Scenario</th><th>文件 File</th><th>说明 Detail</th></tr></thead><tbody>
        {{#rows}}<tr class="{{#failed}}failed{{/failed}}"><td>{{status}}</td><td>{{name}}</td><td class="where">{{file}}</td><td>{{detail}}</td></tr>{{/rows}}
        </tbody></table>
        <h2>条款覆盖 Clause coverage</h2><pre>{{coverage}}</pre>
        """

    static let impact = """
        <form class="search" method="get" action="/impact">
        <label>修订草案 Proposal <select name="proposal">{{#proposals}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/proposals}}</select></label>
        <button type="submit">比较 Compare</button>
        </form>
        {{#ran}}{{#summary}}<p class="big">{{cases}} 件案件 cases · {{changed}} 件改变 changed · 金额 money {{money}} · 变化 change <strong>{{delta}}</strong></p>{{/summary}}
        <h2>按区县 By district</h2>
        <table class="list"><thead><tr><th>区县 District</th><th class="num">案件 Cases</th><th class="num">改变 Changed</th><th>金额 Money (base → proposed)</th><th class="num">变化 Change</th></tr></thead><tbody>
        {{#districts}}<tr><td>{{name}}</td><td class="num">{{cases}}</td><td class="num">{{changed}}</td><td>{{money}}</td><td class="num">{{delta}}</td></tr>{{/districts}}
        </tbody></table>
        <h2>改变的案件 Changed cases</h2>
        <table class="list"><thead><tr><th>案件 Case</th><th>区县 District</th><th>现行 Base</th><th>草案 Proposed</th><th class="num">金额变化 Change</th><th>原因 Causes</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="/cases/{{link}}">{{caseID}}</a></td><td>{{district}}</td><td>{{base}}</td><td>{{proposed}}</td><td class="num">{{delta}}</td><td>{{#causes}}<p class="detail">{{.}}</p>{{/causes}}</td></tr>{{/rows}}
        </tbody></table>
        <h2>命令输出 What the command printed</h2><pre>{{text}}</pre>{{/ran}}
        """

    static let ledger = """
        <p class="note">与 <code>clause ledger</code> 相同 As <code>clause ledger</code> prints it.</p>
        <pre>{{text}}</pre>
        """

    static let report = """
        <p>报告是一页独立的 HTML（含 SVG 图表）：<a href="/report.html">打开报告 Open the report</a> · <a href="/api/report">JSON</a></p>
        """

    static let playground = """
        <p class="note">粘贴一个案件（YAML 或 JSON），按现行政策试算；结果不写入记录。 Paste a case (YAML or JSON): it is decided against today's packages and the record, and never recorded.</p>
        <form method="post" action="/playground" class="playground">
        <textarea name="case" rows="18" cols="90" spellcheck="false">{{text}}</textarea>
        <p><label>语言 Language <select name="lang"><option value="zh">中文</option><option value="en"{{#en}} selected{{/en}}>English</option></select></label>
        <button type="submit">试算 Decide</button></p>
        </form>
        {{#problems}}<pre class="error">{{problems}}</pre>{{/problems}}
        {{{decision}}}
        """
}
