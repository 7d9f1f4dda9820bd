/// The workbench's one stylesheet, served from `/static/workbench.css` (the pages carry no
/// inline style, so the Content-Security-Policy allows styles from the server only).
enum Stylesheet {
    static let text = """
        body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:0;color:#1b1b1b;background:#f7f7f5;line-height:1.6}
        .bar{background:#123a5c;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;align-items:center;gap:1em}
        .bar a{color:#fff;text-decoration:none}.brand{font-weight:bold;font-size:1.1em}
        nav a{margin-right:.8em;white-space:nowrap}nav a:hover{text-decoration:underline}
        main{max-width:72em;margin:1em auto;padding:0 1em}
        h1{font-size:1.5em;margin:.5em 0}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.5em}h3{font-size:1em;margin:.3em 0}
        table.list{border-collapse:collapse;width:100%;background:#fff}
        table.list th,table.list td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
        table.list th{background:#eef2f6}.num{text-align:right;white-space:nowrap}
        .badge{display:inline-block;padding:0 .5em;border-radius:.3em;background:#ddd}
        .o-granted .badge{background:#cdeccd}.o-refused .badge{background:#f6d0d0}.o-incomplete .badge{background:#fbe8b8}
        .o-review .badge{background:#d8e4f8}.o-revoked .badge{background:#ccc;text-decoration:line-through}
        .verdict{background:#fff;border:1px solid #ddd;padding:.5em 1em}.big{font-size:1.4em;margin:.2em 0}
        .amount{font-size:1.2em}.meta{color:#555}
        .reason{background:#fff;border-left:4px solid #888;padding:.3em 1em;margin:.6em 0}
        .e-refuse{border-color:#c33}.e-award,.e-cap{border-color:#393}.e-needs{border-color:#c90}.e-review{border-color:#36c}
        blockquote{margin:.3em 0 .3em 1em;color:#333}mark{background:#fff3a8;padding:0 .1em}
        .cite{color:#555;margin-right:.3em}.id,.rule{font-family:monospace;color:#555;font-size:.9em}
        .fix{color:#7a4b00}.warning,.error{color:#a00}.ok{color:#070}.detail{color:#555;font-size:.9em}
        .tag{background:#eee;border-radius:.3em;padding:0 .3em;font-size:.85em}
        .calc p{margin:.1em 0;font-family:monospace}.calc .d1{padding-left:1.5em}.calc .d2{padding-left:3em}
        .calc .d3{padding-left:4.5em}.calc .d4{padding-left:6em}.calc .d5{padding-left:7.5em}.calc .d6{padding-left:9em}
        tr.deciding{background:#fff8e0}.sym{width:1.5em;text-align:center}tr.failed{background:#fde}
        .search{display:flex;flex-wrap:wrap;gap:1em;align-items:end;margin:.5em 0}.search label{display:flex;flex-direction:column;font-size:.9em}
        .count,.note{color:#555}pre{background:#fff;border:1px solid #ddd;padding:.5em;overflow-x:auto;white-space:pre-wrap}
        textarea{width:100%;font-family:monospace}.button{display:inline-block;border:1px solid #123a5c;padding:.1em .6em;border-radius:.3em;text-decoration:none}
        .clauses .text{max-width:36em}.where{font-family:monospace;white-space:nowrap}
        footer{color:#777;font-size:.85em;text-align:center;margin:2em 0}
        @media print{.bar,footer,.search{display:none}}
        """
}
