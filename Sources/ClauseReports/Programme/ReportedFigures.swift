import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// A figure the city reports because the record cannot know it (活动次数, 上平台企业数, the
/// number of SMEs in the pilot sectors): for one indicator (or the whole of a share), as of a
/// date, with where it comes from. The report uses, for each year, the latest figure of the year.
package struct ReportedFigure: Sendable {
    package var figure: String
    package var on: CivilDate
    package var value: Value
    package var source: String
    /// The value of the row's `per` fact this figure is for (a whole per pilot sector); nil: the whole row.
    package var part: String? = nil
}

/// Reads a file of reported figures:
///
///     policy: shenyang-sme-dx-fund
///     reported:
///       - { figure: problem_lists, on: 2024-12-31, value: 3, source: 市工信局《2024年度工作总结》 }
///       - { figure: pilot_sector_smes, on: 2024-06-30, value: 1200, source: 市统计局 }
///
/// Every figure names a reported indicator or a share's whole of the policy, is typed like it
/// (a count is a whole number), is dated, and says its source; each problem is a located error.
package enum ReportedFigures {
    package static func read(path: String, policy: Policy) -> Result<[ReportedFigure], DiagnosticsError> {
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: path, into: &bag)
        guard let root, !bag.hasErrors else { return .failure(DiagnosticsError(bag.sorted)) }
        var access = NodeAccess()
        var out: [ReportedFigure] = []
        // The names a figure may take, with the type of its value.
        var names: [String: ValueType] = [:]
        // The enum a figure's `part` names a value of (a share's whole counted per sector).
        var parts: [String: Int] = [:]
        for ind in policy.indicators {
            switch ind.measure {
            case .reported: names[ind.name] = ind.type
            case .share(_, let whole, _):
                names[whole] = .int
                if let per = ind.per { parts[whole] = per.enumType }
            default: break
            }
        }
        if let m = access.mapping(root, "a file of reported figures") {
            access.checkKeys(m, allowed: ["policy", "reported", "description"], required: ["policy", "reported"], in: "a file of reported figures")
            if let p = m["policy"], let s = access.scalar(p, "a policy id"), s.text != policy.id {
                access.bag.error("reported.policy", "these figures are of policy '\(s.text)', not '\(policy.id)'", at: s.range)
            }
            if let r = m["reported"], let list = access.sequence(r, "'reported' (a list of figures)") {
                var seen: [String: SourceRange] = [:]
                for item in list.items {
                    guard let fm = access.mapping(item, "a reported figure") else { continue }
                    access.checkKeys(fm, allowed: ["figure", "on", "value", "source", "part", "note"], required: ["figure", "on", "value", "source"],
                                     in: "a reported figure")
                    guard let fn = fm["figure"], let name = access.scalar(fn, "a figure name") else { continue }
                    guard let type = names[name.text] else {
                        access.bag.error("reported.figure", "'\(name.text)' is not a reported figure of \(policy.id)"
                                         + Suggestion.hint(name.text, names.keys), at: name.range)
                        continue
                    }
                    var date: CivilDate?
                    if let on = fm["on"], let s = access.scalar(on, "a date") {
                        date = CivilDate(iso: Substring(s.text))
                        if date == nil { access.bag.error("type.date", CivilDate.problem(s.text), at: s.range) }
                    }
                    var value: Value?
                    if let v = fm["value"], let s = access.scalar(v, "a value") {
                        switch ScalarValue.read(s, as: type, policy: policy) {
                        case .success(let x):
                            value = x
                            if case .int(let i) = x, i < 0 { access.bag.error("reported.value", "a reported count cannot be negative", at: s.range) }
                        case .failure(let message): access.bag.error("reported.value", "'\(name.text)': \(message)", at: s.range)
                        }
                    }
                    let source = access.text(fm, "source", "a reported figure")
                    if let source, source.allSatisfy(\.isWhitespace), let sn = fm["source"] {
                        access.bag.error("reported.source", "say where the figure comes from: 'source' is empty", at: sn.range)
                    }
                    var part: String?
                    if let pn = fm["part"], let ps = access.scalar(pn, "a part (a value of the row's 'per' fact)") {
                        if let t = parts[name.text] {
                            let names = policy.enums[t].cases.map(\.name)
                            if names.contains(ps.text) { part = ps.text } else {
                                access.bag.error("reported.part", "'\(ps.text)' is not one of \(policy.enums[t].name): \(names.joined(separator: ", "))"
                                                 + Suggestion.hint(ps.text, names), at: ps.range)
                                continue
                            }
                        } else {
                            access.bag.error("reported.part", "'\(name.text)' is not counted per part: remove 'part'", at: ps.range)
                            continue
                        }
                    }
                    guard let date, let value, let source else { continue }
                    let key = "\(name.text) \(part ?? "") \(date.iso)"
                    if let first = seen[key] {
                        access.bag.error("reported.duplicate", "'\(name.text)'\(part.map { " (\($0))" } ?? "") is reported twice on \(date.iso)", at: fm.range,
                                         notes: [.init(message: "first reported here", range: first)])
                        continue
                    }
                    seen[key] = fm.range
                    out.append(ReportedFigure(figure: name.text, on: date, value: value, source: source, part: part))
                }
            }
        }
        bag.append(contentsOf: access.bag)
        return bag.hasErrors ? .failure(DiagnosticsError(bag.sorted)) : .success(out)
    }
}
