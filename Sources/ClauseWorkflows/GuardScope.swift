import ClauseEngine
import ClauseLanguage
import ClauseSyntax

/// The names a guard may read beyond the case's facts: `actor.*`, `event.*` and `decision.*`.
///
/// They are added to a copy of the policy as three more facts of the case record, with record
/// schemas and enums of their own (the roles, the outcomes), so that the policy's own checker and
/// evaluator serve guards unchanged: same messages, same three-valued logic, same traces. Each
/// transition has its own scope, because `actor` has the attributes of the roles that may take it
/// and `event` the payload of its event.
package struct GuardScope: Sendable {
    package var policy: Policy
    /// How many facts the case itself has; the actor, the event and the decision follow.
    package var baseCount: Int
    package var roleEnum: Int
    package var outcomeEnum: Int
    package var actorFields: [String]
    package var eventFields: [String]
    /// The attributes each role declares: one its actor does not give is unknown (asking
    /// `workflow next` without `--district`), one its role lacks is none.
    package var roleAttributes: [String: [String]]
    /// The event's optional payload (`source: funding_source?`): left out, it is none, not unknown.
    package var optionalPayload: Set<String> = []

    package static let names = ["actor", "event", "decision"]

    package init(policy base: Policy, roles: [WorkflowRole], allowed: [String], event: WorkflowEvent?, range: SourceRange) {
        var p = base
        baseCount = base.caseSchema.fields.count
        roleEnum = p.enums.count
        p.enums.append(EnumType(name: "role", label: "角色", cases: roles.map { ($0.name, $0.label, $0.labelEn) }, range: range))
        outcomeEnum = p.enums.count
        p.enums.append(EnumType(name: "outcome", label: "决定", cases: [
            ("granted", "予以支持", "granted"), ("refused", "不予支持", "refused"),
            ("incomplete", "材料不全", "incomplete"), ("review", "人工审核", "review"),
        ], range: range))

        var actor = [Field(name: "role", path: "actor.role", label: "角色", labelEn: "role", type: .enumeration(roleEnum), range: range),
                     Field(name: "name", path: "actor.name", label: "经办人", labelEn: "name", type: .optional(.text), range: range)]
        roleAttributes = Dictionary(roles.map { ($0.name, $0.attributes.map(\.name)) }, uniquingKeysWith: { a, _ in a })
        let acting = roles.filter { allowed.contains($0.name) }
        for role in acting {
            for a in role.attributes where !actor.contains(where: { $0.name == a.name }) {
                let everyone = acting.allSatisfy { r in r.attributes.contains { $0.name == a.name } }
                actor.append(Field(name: a.name, path: "actor.\(a.name)", label: a.name, labelEn: a.name,
                                   type: everyone ? a.type : .optional(a.type.unwrapped), range: a.range))
            }
        }
        var eventFields = [Field(name: "on", path: "event.on", label: "日期", labelEn: "date", type: .date, range: range)]
        for a in event?.payload ?? [] {
            if a.type.isOptional { optionalPayload.insert(a.name) }
            eventFields.append(Field(name: a.name, path: "event.\(a.name)", label: a.name, labelEn: a.name, type: a.type, range: a.range))
        }
        let decision = [
            Field(name: "outcome", path: "decision.outcome", label: "决定结果", labelEn: "outcome", type: .enumeration(outcomeEnum), range: range),
            Field(name: "amount", path: "decision.amount", label: "决定金额", labelEn: "amount", type: .money, range: range),
            Field(name: "clawback", path: "decision.clawback", label: "应收回金额", labelEn: "clawback", type: .money, range: range),
            Field(name: "blacklisted_until", path: "decision.blacklisted_until", label: "黑名单截止日", labelEn: "banned until",
                  type: .optional(.date), range: range),
        ]
        self.actorFields = actor.map(\.name)
        self.eventFields = eventFields.map(\.name)
        var caseFields = p.caseSchema.fields
        for (name, label, labelEn, fields) in [("actor", "办理人", "actor", actor), ("event", "事件", "event", eventFields),
                                               ("decision", "政策决定", "decision", decision)] {
            caseFields.append(Field(name: name, path: name, label: label, labelEn: labelEn, type: .record(p.records.count), range: range))
            p.records.append(RecordSchema(name: name, fields: fields))
        }
        p.records[0] = RecordSchema(name: p.records[0].name, fields: caseFields)
        policy = p
    }

    /// A checker that resolves guard names in this scope.
    package func checker() -> ExpressionChecker {
        let c = ExpressionChecker(names: TypeNames(enums: policy.enums, records: policy.records))
        for (i, param) in policy.parameters.enumerated() { c.parameters[param.name] = (i, param.type) }
        let definitions = policy.definitions
        c.definition = { name in
            definitions.firstIndex { $0.name == name }.map { ($0, definitions[$0].expr.type) }
        }
        c.definitionNames = definitions.map(\.name)
        return c
    }

    /// The case's facts with the actor, the event and the decision added in this scope's layout.
    package func facts(_ base: [Value?], _ e: HistoryEvent, decision: Decision?) -> [Value?] {
        var out = base
        let roleCase = policy.enums[roleEnum].index[e.actor.role].map { Value.enumCase(type: roleEnum, index: $0) }
        var actor: [Value?] = [roleCase, e.actor.name.map { .text($0) } ?? Value.none]
        let declared = roleAttributes[e.actor.role] ?? []
        for name in actorFields.dropFirst(2) { actor.append(e.actor.attributes[name] ?? (declared.contains(name) ? nil : Value.none)) }
        var event: [Value?] = [.date(e.on)]
        for name in eventFields.dropFirst() { event.append(e.payload[name] ?? (optionalPayload.contains(name) ? Value.none : nil)) }
        var d: Value?
        if let decision, let o = policy.enums[outcomeEnum].index[decision.outcome.rawValue] {
            d = .record([.enumCase(type: outcomeEnum, index: o), .money(decision.amount), .money(decision.consequences.clawback),
                         decision.consequences.blacklistedUntil.map { .date($0) } ?? Value.none])
        }
        out += [.record(actor), .record(event), d]
        return out
    }
}
