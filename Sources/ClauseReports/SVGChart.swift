import ClauseLanguage

/// Small SVG charts drawn by the project (no library, no script): bars with their numbers
/// written on them, so a printed page reads without colour.
package enum SVGChart {
    /// A series of a stacked bar: its label and colour.
    package struct Series {
        package var label: String
        package var color: String
        package init(label: String, color: String) {
            self.label = label
            self.color = color
        }
    }

    static let palette = ["#1f5fa8", "#e08a1e", "#3a9a5b", "#b8423c", "#8a63b8", "#5d6d7e"]

    /// Targets against achievements per year: an outlined bar for the target, a filled one for
    /// what was achieved, each labelled. Values are plain numbers (counts, or percent × 100).
    package static func targetBars(years: [(label: String, target: Double?, achieved: Double?, targetText: String, achievedText: String)],
                                   title: String) -> String {
        let width = 300.0, rowHeight = 22.0, labelWidth = 46.0, textWidth = 86.0
        let height = Double(years.count) * rowHeight + 6
        let maxValue = max(1, years.map { max($0.target ?? 0, $0.achieved ?? 0) }.max() ?? 1)
        let barSpace = width - labelWidth - textWidth
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\"><title>\(HTMLText.escape(title))</title>"
        for (i, y) in years.enumerated() {
            let top = 3 + Double(i) * rowHeight
            s += "<text x=\"0\" y=\"\(f(top + 14))\" class=\"ax\">\(HTMLText.escape(y.label))</text>"
            if let t = y.target {
                s += "<rect x=\"\(f(labelWidth))\" y=\"\(f(top + 2))\" width=\"\(f(max(1, barSpace * t / maxValue)))\" height=\"16\" "
                    + "fill=\"none\" stroke=\"#555\" stroke-dasharray=\"3 2\"/>"
            }
            if let a = y.achieved {
                s += "<rect x=\"\(f(labelWidth))\" y=\"\(f(top + 5))\" width=\"\(f(max(0.5, barSpace * a / maxValue)))\" height=\"10\" "
                    + "fill=\"\((y.target.map { a >= $0 } ?? false) ? "#3a9a5b" : "#1f5fa8")\"/>"
            }
            s += "<text x=\"\(f(width - textWidth + 4))\" y=\"\(f(top + 14))\" class=\"num\">\(HTMLText.escape(y.achievedText)) / "
                + "\(HTMLText.escape(y.targetText))</text>"
        }
        return s + "</svg>"
    }

    /// Stacked vertical bars (monthly spending by source), values in fen, axis in 万元.
    package static func stackedBars(columns: [(label: String, values: [Int64])], series: [Series], title: String) -> String {
        let width = 760.0, height = 260.0, left = 64.0, bottom = 40.0, top = 26.0
        let totals = columns.map { $0.values.reduce(0, +) }
        let maxValue = Double(max(1, totals.max() ?? 1))
        let plotH = height - bottom - top
        let step = columns.isEmpty ? 0 : (width - left - 10) / Double(columns.count)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\"><title>\(HTMLText.escape(title))</title>"
        for k in 0...4 {
            let v = maxValue * Double(k) / 4
            let y = top + plotH - plotH * Double(k) / 4
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - 10))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" class=\"ax\" text-anchor=\"end\">\(HTMLText.escape(wan(Int64(v))))</text>"
        }
        for (i, c) in columns.enumerated() {
            var y = top + plotH
            let x = left + Double(i) * step + step * 0.15
            for (k, v) in c.values.enumerated() where v > 0 {
                let h = plotH * Double(v) / maxValue
                y -= h
                s += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(step * 0.7))\" height=\"\(f(h))\" fill=\"\(series[k % series.count].color)\">"
                    + "<title>\(HTMLText.escape("\(c.label) \(series[k % series.count].label) \(wan(v))"))</title></rect>"
            }
            if columns.count <= 24 || i % 2 == 0 {
                s += "<text x=\"\(f(x + step * 0.35))\" y=\"\(f(height - bottom + 14))\" class=\"ax\" text-anchor=\"middle\">"
                    + "\(HTMLText.escape(String(c.label.suffix(5))))</text>"
            }
        }
        s += legend(series, x: left, y: 12)
        return s + "</svg>"
    }

    /// Horizontal bars per key (spending by district): granted as an outline, paid filled.
    package static func pairedBars(rows: [(label: String, outline: Int64, filled: Int64)], outlineLabel: String, filledLabel: String,
                                   title: String) -> String {
        // The label column fits the longest label (11px type: about 11px a Chinese character).
        let longest = Double(rows.map(\.label.count).max() ?? 0)
        let width = 760.0, rowHeight = 22.0, left = max(90.0, 11 * longest + 12), right = 190.0, top = 26.0
        let height = top + Double(rows.count) * rowHeight + 6
        let maxValue = Double(max(1, rows.map { max($0.outline, $0.filled) }.max() ?? 1))
        let space = width - left - right
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\"><title>\(HTMLText.escape(title))</title>"
        for (i, r) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 15))\" class=\"ax\" text-anchor=\"end\">\(HTMLText.escape(r.label))</text>"
            s += "<rect x=\"\(f(left))\" y=\"\(f(y + 2))\" width=\"\(f(max(1, space * Double(r.outline) / maxValue)))\" height=\"17\" "
                + "fill=\"none\" stroke=\"#555\" stroke-dasharray=\"3 2\"/>"
            s += "<rect x=\"\(f(left))\" y=\"\(f(y + 6))\" width=\"\(f(max(0.5, space * Double(r.filled) / maxValue)))\" height=\"9\" fill=\"#1f5fa8\"/>"
            s += "<text x=\"\(f(width - right + 6))\" y=\"\(f(y + 15))\" class=\"num\">\(HTMLText.escape("\(wan(r.filled)) / \(wan(r.outline))"))</text>"
        }
        s += legend([Series(label: filledLabel, color: "#1f5fa8"), Series(label: outlineLabel, color: "none")], x: left, y: 12)
        return s + "</svg>"
    }

    static func legend(_ series: [Series], x: Double, y: Double) -> String {
        var s = ""
        var at = x
        for item in series {
            let fill = item.color == "none" ? "fill=\"none\" stroke=\"#555\" stroke-dasharray=\"3 2\"" : "fill=\"\(item.color)\""
            s += "<rect x=\"\(f(at))\" y=\"\(f(y - 9))\" width=\"12\" height=\"10\" \(fill)/>"
            s += "<text x=\"\(f(at + 16))\" y=\"\(f(y))\" class=\"ax\">\(HTMLText.escape(item.label))</text>"
            at += 28 + Double(item.label.count) * 13
        }
        return s
    }

    /// Fen as 万元 with one decimal: 1234567800 fen → 1234.6万.
    package static func wan(_ fen: Int64) -> String {
        // On the magnitude, rounded without adding first: no amount (one altered by hand included)
        // can overflow, and a negative one keeps its sign in front.
        let m = fen.magnitude
        let tenths = m / 100_000 + (m % 100_000 >= 50_000 ? 1 : 0)
        return "\(fen < 0 ? "-" : "")\(tenths / 10).\(tenths % 10)万"
    }

    static func f(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
