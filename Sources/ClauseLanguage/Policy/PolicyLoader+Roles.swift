import ClauseSyntax

/// Declared roles of facts (`role: item`, `role: district`, the ban roles in facts.yaml): which
/// fact says what a case applies for, which groups decisions by district, and which a ban is
/// about, instead of names the code knows. A package that declares neither item nor district
/// keeps working: a top-level enum fact named `item`, and `applicant.district`, take the roles
/// by their names, and `clause check` notes it. The ban roles are never taken by name: a package
/// whose rules impose a ban declares them, or it is an error.
extension PolicyLoader {
    static let roles = ["item", "district"] + BanFacts.roles.map(\.name)

    /// Resolves the roles over the case schema; errors for a misplaced or repeated role.
    func resolveRoles() -> (item: Int?, district: [Int]?, byName: [String], ban: BanFacts?, banMissing: [String]) {
        var declared: [(role: String, path: [Int], range: SourceRange)] = []
        func walk(_ r: Int, _ prefix: [Int], inList: Bool) {
            for (i, f) in records[r].fields.enumerated() {
                if let role = f.role {
                    if inList {
                        access.bag.error("schema.role", "a fact inside a list cannot have a role: role '\(role)' belongs to one fact of the case",
                                         at: f.range)
                    } else {
                        declared.append((role, prefix + [i], f.range))
                    }
                }
                switch f.type.unwrapped {
                case .record(let inner): walk(inner, prefix + [i], inList: inList)
                case .list(.record(let inner)): walk(inner, prefix + [i], inList: true)
                default: break
                }
            }
        }
        if !records.isEmpty { walk(0, [], inList: false) }
        var item: Int?, district: [Int]?
        var banPaths: [String: String] = [:]
        var seen: [String: SourceRange] = [:]
        for d in declared {
            if let first = seen[d.role] {
                access.bag.error("schema.role", "role '\(d.role)' is declared again: one fact has it", at: d.range,
                                 notes: [.init(message: "first declared here", range: first)])
                continue
            }
            seen[d.role] = d.range
            guard let field = field(at: d.path) else { continue }
            switch d.role {
            case "item":
                guard d.path.count == 1, case .enumeration = field.type.unwrapped else {
                    access.bag.error("schema.role", "the fact with role 'item' must be a top-level fact whose type is an enum "
                                         + "(the items of the measure)", at: d.range)
                    continue
                }
                item = d.path[0]
            case "credit_code":
                guard case .text = field.type.unwrapped else {
                    access.bag.error("schema.role", "the fact with role 'credit_code' must be text (whose ban it is)", at: d.range)
                    continue
                }
                banPaths[d.role] = dottedPath(d.path)
            case "banned_until", "fraud_found_on":
                guard case .date = field.type.unwrapped else {
                    access.bag.error("schema.role", "the fact with role '\(d.role)' must be a date", at: d.range)
                    continue
                }
                banPaths[d.role] = dottedPath(d.path)
            default:
                guard case .enumeration = field.type.unwrapped else {
                    access.bag.error("schema.role", "the fact with role 'district' must have an enum type (the districts)", at: d.range)
                    continue
                }
                district = d.path
            }
        }
        var ban: BanFacts?
        if let code = banPaths["credit_code"], let until = banPaths["banned_until"], let found = banPaths["fraud_found_on"] {
            ban = BanFacts(creditCode: code, bannedUntil: until, fraudFoundOn: found)
        }
        // A role declared but misplaced has had its error; only the undeclared ones are missing.
        let banMissing = BanFacts.roles.map(\.name).filter { seen[$0] == nil }
        var byName: [String] = []
        guard let root = records.first else { return (item, district, byName, ban, banMissing) }
        if seen["item"] == nil, let i = root.index["item"], case .enumeration = root.fields[i].type.unwrapped {
            item = i
            byName.append("item")
        }
        if seen["district"] == nil, let a = root.index["applicant"], case .record(let r) = root.fields[a].type.unwrapped,
           let d = records[r].index["district"], case .enumeration = records[r].fields[d].type.unwrapped {
            district = [a, d]
            byName.append("district")
        }
        return (item, district, byName, ban, banMissing)
    }

    /// A package whose rules impose a ban (`ban_until:`) must say which facts the ban is about:
    /// an error at the first `ban_until`, naming the roles not declared.
    func checkBanRoles(_ ban: BanFacts?, missing: [String]? = nil) {
        guard ban == nil, let at = banUntilRanges.first else { return }
        let names = missing ?? BanFacts.roles.map(\.name)
        guard !names.isEmpty else { return }
        let wanted = BanFacts.roles.filter { names.contains($0.name) }.map { "'\($0.name)' (\($0.meaning))" }
        access.bag.error("schema.ban-role", "a rule with 'ban_until' registers a ban, so the facts must declare "
                             + "role \(wanted.joined(separator: ", ")): no fact has \(names.count == 1 ? "it" : "them")", at: at)
    }

    /// The ban facts of a recorded package that declares no ban roles: it was decided before
    /// there were any, when the registry read these facts by name; nil when its schema lacks them.
    func recordedBanFacts() -> BanFacts? {
        let old = BanFacts(creditCode: "applicant.credit_code", bannedUntil: "applicant.blacklisted_until", fraudFoundOn: "fraud_found_on")
        for path in [old.creditCode, old.bannedUntil, old.fraudFoundOn] {
            var schema = records[0]
            for (k, name) in path.split(separator: ".").enumerated() {
                guard let i = schema.index[String(name)] else { return nil }
                if k < path.split(separator: ".").count - 1 {
                    guard case .record(let r) = schema.fields[i].type.unwrapped else { return nil }
                    schema = records[r]
                }
            }
        }
        return old
    }

    /// `applicant.credit_code` for the field indices `[a, c]` of the case.
    private func dottedPath(_ path: [Int]) -> String {
        var schema = records[0]
        var names: [String] = []
        for i in path {
            guard i < schema.fields.count else { break }
            let f = schema.fields[i]
            names.append(f.name)
            if case .record(let r) = f.type.unwrapped { schema = records[r] }
        }
        return names.joined(separator: ".")
    }

    private func field(at path: [Int]) -> Field? {
        var schema = records[0]
        for (k, i) in path.enumerated() {
            guard i < schema.fields.count else { return nil }
            let f = schema.fields[i]
            if k == path.count - 1 { return f }
            guard case .record(let r) = f.type.unwrapped else { return nil }
            schema = records[r]
        }
        return nil
    }
}

extension Policy {
    /// The item a case applies for (the enum case's name), from the fact with role `item`.
    package func item(of facts: [Value?]) -> String? {
        guard let i = itemSlot, i < facts.count, case .enumCase(let t, let k)? = facts[i] else { return nil }
        return enums[t].cases[k].name
    }

    /// The enum of the items, for their labels and declared order.
    package var itemEnum: Int? {
        guard let i = itemSlot, case .enumeration(let t) = caseSchema.fields[i].type.unwrapped else { return nil }
        return t
    }

    /// The district's label, from the fact with role `district` (nil when the schema has none).
    package func districtLabel(of facts: [Value?]) -> String? {
        guard let path = districtPath else { return nil }
        var slots = facts
        for (k, i) in path.enumerated() {
            guard i < slots.count, let v = slots[i] else { return nil }
            if k == path.count - 1 {
                if case .enumCase(let t, let c) = v { return enums[t].cases[c].label }
                return nil
            }
            guard case .record(let inner) = v else { return nil }
            slots = inner
        }
        return nil
    }
}
