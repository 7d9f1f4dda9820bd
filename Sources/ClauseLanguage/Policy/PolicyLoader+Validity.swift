import ClauseSyntax

/// `valid: { from, to, clause }` in policy.yaml is a rule like any other (第十六条 for Shenyang):
/// an application dated outside the period is refused under that clause. It is built as a
/// parameter `validity` and a rule `validity` written in the language itself, so both
/// interpreters, the trace, coverage and `diff` treat it exactly as a rule a person wrote.
extension PolicyLoader {
    /// The name of the parameter and of the rule that `valid:` becomes.
    package static let validityName = "validity"
    /// The fact whose date is judged: the application date, which is also the evaluation date.
    package static let applicationDateFact = "applied_on"

    /// Reads `valid:` and, for a base package, adds its parameter; for an amendment, extends the
    /// base's period from the effective date. Read before the definitions and rules, so that a
    /// rule may judge another date by the period (a selection made within the measures).
    func readValidity(_ meta: YAMLNode.Mapping) {
        guard let v = meta["valid"], let vm = access.mapping(v, "'valid'") else { return }
        access.checkKeys(vm, allowed: ["from", "to", "clause"], required: isAmendment ? ["to"] : ["from", "to", "clause"], in: "'valid'")
        let clause = vm["clause"].flatMap { clauseReference($0) }
        let to = vm["to"].flatMap { date($0) }
        var from = vm["from"].flatMap { date($0) }
        if isAmendment, from == nil { from = base?.valid?.start }
        guard let from, let to else { return }
        if to < from {
            access.bag.error("policy.valid", "'valid' ends before it starts", at: vm.range)
            return
        }
        validity = Period(start: from, end: to)
        if let base {
            guard let i = parameters.firstIndex(where: { $0.name == PolicyLoader.validityName }), base.valid != nil else {
                access.bag.error("amendment.valid", "'\(base.id)' states no 'valid' period for this amendment to extend", at: vm.range)
                return
            }
            // From the effective date the period is the amendment's; before it, the base's.
            let start = effective
            parameters[i].values = parameters[i].values.filter { v in v.from.map { f in start.map { f < $0 } ?? true } ?? true }
                + [.init(from: effective, value: .period(validity!), clause: clause ?? parameters[i].clause, source: location(v),
                         packageID: packageID)]
            return
        }
        guard let clause else { return }
        let dateField = records.first?.index[PolicyLoader.applicationDateFact].map { records[0].fields[$0] }
        guard dateField?.type.unwrapped == .date else {
            access.bag.error("policy.valid-fact", "'valid' judges the application date: the facts need '\(PolicyLoader.applicationDateFact)' of type date",
                             at: vm.range)
            return
        }
        if let clash = parameters.first(where: { $0.name == PolicyLoader.validityName }) {
            access.bag.error("policy.valid-name", "parameter '\(PolicyLoader.validityName)' is the name 'valid' gives its period: rename this one",
                             at: clash.range)
            return
        }
        checker.parameters[PolicyLoader.validityName] = (parameters.count, .period)
        parameters.append(Parameter(name: PolicyLoader.validityName, label: "有效期", labelEn: "period of validity", type: .period,
                                    clause: clause, values: [.init(from: nil, value: .period(validity!), clause: clause,
                                                                   source: location(v), packageID: packageID)],
                                    range: vm.range))
        validityRuleSource = (vm, clause)
    }

    /// Adds the rule that `valid:` becomes, first among the rules, once the package's own rules
    /// are read (so that a rule of the same id is reported).
    func addValidityRule() {
        guard let (vm, clause) = validityRuleSource else { return }
        let fact = PolicyLoader.applicationDateFact
        let name = PolicyLoader.validityName
        func scalar(_ text: String) -> YAMLNode { .scalar(.init(text: text, style: .plain, range: vm.range)) }
        let entries: [(String, String)] = [
            ("id", name), ("clause", clause), ("label", "有效期"),
            ("refuse_when", "\(fact) not in \(name)"),
            ("say", "申报日期 {\(fact)} 不在有效期 {\(name)} 内"),
            ("say_en", "applied on {\(fact)}, outside the period of validity {\(name)}"),
            ("fix", "申报日期须在有效期 {\(name)} 内"),
            ("fix_en", "apply within the period of validity {\(name)}"),
        ]
        let m = YAMLNode.Mapping(entries: entries.map { (key: .init(text: $0.0, style: .plain, range: vm.range), value: scalar($0.1)) },
                                 range: vm.range)
        guard var rule = readRule(m) else { return }
        rule.packageID = packageID
        if let clash = rules.first(where: { $0.id == name }) {
            access.bag.error("policy.valid-name", "rule id '\(name)' is the id 'valid' gives its rule: rename this one", at: clash.range)
            return
        }
        rules.insert(rule, at: 0)
    }
}
