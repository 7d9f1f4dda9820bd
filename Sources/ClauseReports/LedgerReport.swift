import ClauseDecisionLine
import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// One policy's ledger as `clause ledger` shows it: per figure, per key, what was granted
/// (the figure), paid, revoked, and the room left under the figure's limit on a date.
///
/// Written as the keys are read (`write`): the grants that count come a key at a time from the
/// store (`StoreLedger.eachLiveGroup`), so the memory a ledger takes does not grow with the
/// record; only the revoked grants, few by nature, are held, to be shown beside their keys.
package struct LedgerReport {
    package struct Key {
        package var values: [(path: String, value: Value)]
        package var figure: Value
        package var room: Value?
        package var paid: Money?
        package var grants: [LedgerEntry]
        package var revoked: [LedgerEntry]
    }

    package enum Format {
        case text(Lang)
        case json
    }

    /// Where the report goes, in pieces, kept until 64 KB have gathered.
    package struct Sink {
        package var emit: (String) -> Void
        private var pending = ""
        package init(_ emit: @escaping (String) -> Void) { self.emit = emit }
        package mutating func write(_ s: String) {
            pending += s
            if pending.utf8.count > 1 << 16 { flush() }
        }
        package mutating func flush() {
            guard !pending.isEmpty else { return }
            emit(pending)
            pending = ""
        }
    }

    package let policy: Policy
    package let asOf: CivilDate
    package let paid: [String: Money]?
    package let creditCode: String?

    package init(policy: Policy, asOf: CivilDate, paid: [String: Money]?, creditCode: String?) {
        self.policy = policy
        self.asOf = asOf
        self.paid = paid
        self.creditCode = creditCode
    }

    /// Writes the report; returns how many keys it showed (nothing at all is written when none).
    /// `starting` runs once, before the first line, if there is one.
    package func write(_ format: Format, from source: LedgerSource, into out: inout Sink, starting: () -> Void = {}) throws -> Int {
        let revokedBook = try source.revoked()
        var book: LedgerBook?
        var shown = 0, figuresWritten = 0
        for (m, measure) in policy.ledger.enumerated() {
            // Keys whose every grant was revoked come after the keys with grants that count, in
            // the order first granted; the revoked grants of a key with live grants go with it.
            var revoked: [String: LedgerBook.Group] = [:]
            var revokedOrder: [String] = []
            for g in revokedBook.groups(of: m) {
                let k = Self.keyText(g.values)
                revoked[k] = g
                revokedOrder.append(k)
            }
            var keysWritten = 0
            func emit(_ key: Key) {
                if let creditCode, !key.values.contains(where: { $0.value == .text(creditCode) }) { return }
                if keysWritten == 0 {
                    if figuresWritten == 0 {
                        starting()
                        out.write(head(format))
                    }
                    out.write(figureHead(measure, format, first: figuresWritten == 0))
                    figuresWritten += 1
                }
                out.write(self.key(key, measure, format, first: keysWritten == 0))
                keysWritten += 1
            }
            func live(_ values: [(path: String, value: Value)], _ figure: Value, _ entries: [LedgerEntry]) {
                let k = Self.keyText(values)
                var key = Key(values: values, figure: figure, room: policy.room(of: measure, figure: figure, on: asOf),
                              paid: paid.map { p in Self.sum(entries.map { p[$0.caseID] ?? .zero }) }, grants: entries, revoked: [])
                if let r = revoked.removeValue(forKey: k) {
                    key.revoked = r.entries
                    if let paid { key.paid = Self.sum([key.paid ?? .zero] + r.entries.map { paid[$0.caseID] ?? .zero }) }
                }
                emit(key)
            }
            let streamed = try source.eachLiveGroup(m) { live($0.values, $0.figure, $0.entries) }
            if !streamed {
                // A store with grants recorded before keys were kept: counted from the book.
                if book == nil { book = try source.book() }
                for g in book!.groups(of: m) { live(g.values, g.figure, g.entries) }
            }
            for k in revokedOrder {
                guard let g = revoked[k] else { continue }
                let zero: Value = measure.type == .money ? .money(.zero) : .int(0)
                let paidHere = paid.map { p in Self.sum(g.entries.map { p[$0.caseID] ?? .zero }) }
                emit(Key(values: g.values, figure: zero, room: policy.room(of: measure, figure: zero, on: asOf), paid: paidHere,
                         grants: [], revoked: g.entries))
            }
            if keysWritten > 0 { out.write(figureTail(format)) }
            shown += keysWritten
        }
        if figuresWritten > 0 { out.write(tail(format)) }
        return shown
    }

    /// The report as one text in `format` (a workbench page), empty when it shows nothing.
    package func rendered(_ format: Format, from source: LedgerSource) throws -> String {
        var out = ""
        var sink = Sink { out += $0 }
        _ = try write(format, from: source, into: &sink)
        sink.flush()
        if case .json = format, out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    private static func keyText(_ values: [(path: String, value: Value)]) -> String {
        values.map { "\($0.path)=\(String(describing: $0.value))" }.joined(separator: "\u{1F}")
    }

    private static func sum(_ amounts: [Money]) -> Money {
        // The figure's sums were checked for overflow as they were read, so this sum fits.
        Money(fen: amounts.reduce(Int64(0)) { $0.addingReportingOverflow($1.fen).partialValue })
    }

    private func head(_ format: Format) -> String {
        switch format {
        case .text(let lang):
            return "\(TerminalText.escape(policy.id)) \(TerminalText.escape(policy.version)) · \(lang == .zh ? "限额按" : "limits as of") \(asOf.iso)\n"
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.field("policy", policy.id)
            w.field("version", policy.version)
            w.field("as_of", asOf.iso)
            w.key("figures")
            w.beginArray()
            return w.output
        }
    }

    private func tail(_ format: Format) -> String {
        if case .json = format { return "]}\n" }
        return ""
    }

    private func figureHead(_ measure: LedgerMeasure, _ format: Format, first: Bool) -> String {
        let limit = policy.limit(of: measure, on: asOf)
        switch format {
        case .text(let lang):
            let zh = lang == .zh
            let v = ValueText(policy: policy, lang: lang)
            // Every clause the figure cites, not the first alone.
            let cite = (measure.clauses.isEmpty ? [measure.clause] : measure.clauses)
                .map { TerminalText.escape(policy.cite($0) ?? $0) }.joined(separator: zh ? "、" : ", ")
            let label = zh ? measure.label : (measure.labelEn ?? measure.label)
            let limitText = limit.map { zh ? " · 上限 \(v.format($0))" : " · limit \(v.format($0))" } ?? ""
            return "  [\(cite)] \(TerminalText.escape(label)) (\(measure.name))\(limitText)\n"
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.field("name", measure.name)
            w.field("label", measure.label)
            w.field("clause", measure.clause)
            w.field("limit", limit.map(plain))
            w.key("keys")
            w.beginArray()
            return (first ? "" : ",") + w.output
        }
    }

    private func figureTail(_ format: Format) -> String {
        if case .json = format { return "]}" }
        return ""
    }

    private func key(_ k: Key, _ measure: LedgerMeasure, _ format: Format, first: Bool) -> String {
        switch format {
        case .text(let lang):
            let zh = lang == .zh
            let v = ValueText(policy: policy, lang: lang)
            let key = k.values.map { "\($0.path) = \(TerminalText.escape(v.format($0.value)))" }.joined(separator: ", ")
            var parts = [(zh ? "已支持 " : "granted ") + v.format(k.figure)]
            if let p = k.paid { parts.append((zh ? "已拨付 " : "paid ") + p.display) }
            if !k.revoked.isEmpty {
                let amount = Self.sum(k.revoked.map(\.amount)).display
                parts.append(zh ? "已撤销 \(k.revoked.count) 笔 \(amount)" : "revoked \(k.revoked.count) (\(amount))")
            }
            if let r = k.room { parts.append((zh ? "余额 " : "room left ") + v.format(r)) }
            var out = "    \(key.isEmpty ? (zh ? "（全部）" : "(all)") : key): \(parts.joined(separator: " · "))\n"
            for e in k.grants { out += "      " + grantLine(e, lang) + partText(e, measure, lang) + "\n" }
            for e in k.revoked { out += "      " + grantLine(e, lang) + partText(e, measure, lang) + (zh ? " · 已撤销" : " · revoked") + "\n" }
            return out
        case .json:
            var w = JSONWriter()
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
            return (first ? "" : ",") + w.output
        }
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
