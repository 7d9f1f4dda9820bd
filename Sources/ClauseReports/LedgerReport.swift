import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// One policy's ledger as `clause ledger` shows it: per figure, per key, what was granted
/// (the figure), paid, revoked, and the room left under the figure's limit on a date.
package struct LedgerReport {
    package struct Key {
        package var values: [(path: String, value: Value)]
        package var figure: Value
        package var room: Value?
        package var paid: Money?
        package var grants: [LedgerEntry]
        package var revoked: [LedgerEntry]
    }

    package struct Figure {
        package var measure: LedgerMeasure
        package var limit: Value?
        package var keys: [Key]
    }

    package let policy: Policy
    package let asOf: CivilDate
    package let paid: [String: Money]?
    package var figures: [Figure] = []

    package init(policy: Policy, asOf: CivilDate, live: LedgerBook, revoked: LedgerBook, paid: [String: Money]?, creditCode: String?) {
        self.policy = policy
        self.asOf = asOf
        self.paid = paid
        for (m, measure) in policy.ledger.enumerated() {
            // Keys with live grants first (in the order first granted), then keys whose every grant was revoked.
            var keys: [String: Key] = [:]
            var order: [String] = []
            for g in live.groups(of: m) {
                let k = Self.keyText(g.values)
                order.append(k)
                keys[k] = Key(values: g.values, figure: g.figure, room: policy.room(of: measure, figure: g.figure, on: asOf),
                              paid: paid.map { p in Self.sum(g.entries.map { p[$0.caseID] ?? .zero }) }, grants: g.entries, revoked: [])
            }
            for g in revoked.groups(of: m) {
                let k = Self.keyText(g.values)
                if keys[k] == nil {
                    order.append(k)
                    let zero: Value = measure.type == .money ? .money(.zero) : .int(0)
                    keys[k] = Key(values: g.values, figure: zero, room: policy.room(of: measure, figure: zero, on: asOf),
                                  paid: paid.map { _ in .zero }, grants: [], revoked: [])
                }
                keys[k]!.revoked = g.entries
                if let paid { keys[k]!.paid = Self.sum([keys[k]!.paid ?? .zero] + g.entries.map { paid[$0.caseID] ?? .zero }) }
            }
            var list = order.compactMap { keys[$0] }
            if let creditCode { list = list.filter { k in k.values.contains { $0.value == .text(creditCode) } } }
            guard !list.isEmpty else { continue }
            figures.append(Figure(measure: measure, limit: policy.limit(of: measure, on: asOf), keys: list))
        }
    }

    private static func keyText(_ values: [(path: String, value: Value)]) -> String {
        values.map { "\($0.path)=\(String(describing: $0.value))" }.joined(separator: "\u{1F}")
    }

    private static func sum(_ amounts: [Money]) -> Money {
        // The book summed the same amounts with overflow checked, so this sum fits.
        Money(fen: amounts.reduce(Int64(0)) { $0.addingReportingOverflow($1.fen).partialValue })
    }

    // MARK: text

    package func text(_ lang: Lang) -> String {
        let zh = lang == .zh
        let v = ValueText(policy: policy, lang: lang)
        var out = "\(TerminalText.escape(policy.id)) \(TerminalText.escape(policy.version)) · \(zh ? "限额按" : "limits as of") \(asOf.iso)\n"
        for f in figures {
            // Every clause the figure cites, not the first alone.
            let cite = (f.measure.clauses.isEmpty ? [f.measure.clause] : f.measure.clauses)
                .map { TerminalText.escape(policy.clause($0)?.cite ?? $0) }.joined(separator: zh ? "、" : ", ")
            let label = zh ? f.measure.label : (f.measure.labelEn ?? f.measure.label)
            let limit = f.limit.map { zh ? " · 上限 \(v.format($0))" : " · limit \(v.format($0))" } ?? ""
            out += "  [\(cite)] \(TerminalText.escape(label)) (\(f.measure.name))\(limit)\n"
            for k in f.keys {
                let key = k.values.map { "\($0.path) = \(TerminalText.escape(v.format($0.value)))" }.joined(separator: ", ")
                var parts = [(zh ? "已支持 " : "granted ") + v.format(k.figure)]
                if let p = k.paid { parts.append((zh ? "已拨付 " : "paid ") + p.display) }
                if !k.revoked.isEmpty {
                    let amount = Self.sum(k.revoked.map(\.amount)).display
                    parts.append(zh ? "已撤销 \(k.revoked.count) 笔 \(amount)" : "revoked \(k.revoked.count) (\(amount))")
                }
                if let r = k.room { parts.append((zh ? "余额 " : "room left ") + v.format(r)) }
                out += "    \(key.isEmpty ? (zh ? "（全部）" : "(all)") : key): \(parts.joined(separator: " · "))\n"
                for e in k.grants { out += "      " + grantLine(e, lang) + partText(e, f.measure, lang) + "\n" }
                for e in k.revoked { out += "      " + grantLine(e, lang) + partText(e, f.measure, lang) + (zh ? " · 已撤销" : " · revoked") + "\n" }
            }
        }
        return out
    }

    /// `（其中 base ¥200,000.00）` for a figure of one award part.
    private func partText(_ e: LedgerEntry, _ measure: LedgerMeasure, _ lang: Lang) -> String {
        guard let m = e.partAmount(for: measure), case .sumPart(let part) = measure.aggregate else { return "" }
        return lang == .zh ? "（其中 \(TerminalText.escape(part)) \(m.display)）" : " (of which \(TerminalText.escape(part)) \(m.display))"
    }

    private func grantLine(_ e: LedgerEntry, _ lang: Lang) -> String {
        let record = e.decisionID.map { " #\($0)" } ?? ""
        let paidText = paid.map { p in (lang == .zh ? " · 已拨付 " : " · paid ") + (p[e.caseID] ?? .zero).display } ?? ""
        return "\(TerminalText.escape(e.caseID))\(record) \(e.asOf.iso) \(e.amount.display)\(paidText)"
    }

    // MARK: JSON

    /// One line: `{"policy","version","as_of","figures":[{"name","label","clause","limit","keys":[…]}]}`.
    package func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("policy", policy.id)
        w.field("version", policy.version)
        w.field("as_of", asOf.iso)
        w.key("figures")
        w.beginArray()
        for f in figures {
            w.beginObject()
            w.field("name", f.measure.name)
            w.field("label", f.measure.label)
            w.field("clause", f.measure.clause)
            w.field("limit", f.limit.map(plain))
            w.key("keys")
            w.beginArray()
            for k in f.keys {
                w.beginObject()
                w.key("key")
                w.beginObject()
                for (path, value) in k.values { w.field(name: path, plain(value)) }
                w.endObject()
                w.field("granted", plain(k.figure))
                w.field("paid", k.paid?.plain)
                w.key("revoked")
                w.beginObject()
                w.field("grants", k.revoked.count)
                w.field("amount", Self.sum(k.revoked.map(\.amount)).plain)
                w.endObject()
                w.field("room", k.room.map(plain))
                w.key("grants")
                w.beginArray()
                for e in k.grants { grant(e, revoked: false, &w) }
                for e in k.revoked { grant(e, revoked: true, &w) }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.output
    }

    private func grant(_ e: LedgerEntry, revoked: Bool, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("case", e.caseID)
        if let id = e.decisionID { w.field("decision", Int(id)) } else { w.key("decision"); w.null() }
        w.field("as_of", e.asOf.iso)
        w.field("amount", e.amount.plain)
        w.field("paid", paid.map { ($0[e.caseID] ?? .zero).plain })
        w.field("revoked", revoked)
        w.endObject()
    }

    private func plain(_ v: Value) -> String { LedgerText.plain(v, policy: policy) }
}
