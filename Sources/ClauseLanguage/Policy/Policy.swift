import ClauseSyntax

/// A policy package after loading and type checking: everything the interpreter needs, with
/// names resolved. Value type, `Sendable`, shared by every case decided under it.
public struct Policy: Sendable {
    /// Every part of the policy, in one box shared by the copies: a policy is handed to every
    /// case decided under it (read, decided, written), and a copy of two dozen arrays and texts
    /// retained and then released each of them, several times a case. A copy is now one retain;
    /// a change to a copy that shares its box first copies the box (`mutableBox`).
    @usableFromInline package var box: Box

    public var id: String {
        get { box.parts.id }
        set { mutableBox.parts.id = newValue }
    }
    @inlinable package var title: String {
        _read { yield box.parts.title }
        _modify { yield &mutableBox.parts.title }
    }
    @inlinable package var titleEn: String? {
        _read { yield box.parts.titleEn }
        _modify { yield &mutableBox.parts.titleEn }
    }
    @inlinable package var version: String {
        _read { yield box.parts.version }
        _modify { yield &mutableBox.parts.version }
    }
    /// The span in which the package is in force (第十六条 for Shenyang).
    @inlinable package var valid: Period? {
        _read { yield box.parts.valid }
        _modify { yield &mutableBox.parts.valid }
    }
    @inlinable package var rounding: Rounding {
        _read { yield box.parts.rounding }
        _modify { yield &mutableBox.parts.rounding }
    }
    @inlinable package var directory: String {
        _read { yield box.parts.directory }
        _modify { yield &mutableBox.parts.directory }
    }
    /// `sha256:` of the package's files, so a decision names the exact rules that made it.
    @inlinable package var digest: String {
        _read { yield box.parts.digest }
        _modify { yield &mutableBox.parts.digest }
    }
    @inlinable package var clauses: [Clause] {
        _read { yield box.parts.clauses }
        _modify { yield &mutableBox.parts.clauses }
    }
    @inlinable package var clauseIndex: [String: Int] {
        _read { yield box.parts.clauseIndex }
        _modify { yield &mutableBox.parts.clauseIndex }
    }
    @inlinable package var enums: [EnumType] {
        _read { yield box.parts.enums }
        _modify { yield &mutableBox.parts.enums }
    }
    /// Record schemas; index 0 is the case itself.
    @inlinable package var records: [RecordSchema] {
        _read { yield box.parts.records }
        _modify {
            // The flat table of field labels follows from the records: made again after any change.
            defer { box.parts.fieldLabels = FieldLabels(box.parts.records) }
            yield &mutableBox.parts.records
        }
    }
    /// Every field's label in one table, read along a fact path (`FieldLabels`).
    @inlinable package var fieldLabels: FieldLabels { _read { yield box.parts.fieldLabels } }
    @inlinable package var parameters: [Parameter] {
        _read { yield box.parts.parameters }
        _modify { yield &mutableBox.parts.parameters }
    }
    @inlinable package var definitions: [Definition] {
        _read { yield box.parts.definitions }
        _modify { yield &mutableBox.parts.definitions }
    }
    @inlinable package var rules: [Rule] {
        _read { yield box.parts.rules }
        _modify {
            // Which rules share a `for` follows from the rules: found again after any change.
            defer { box.parts.sharedFor = Rule.sharedFor(box.parts.rules) }
            yield &mutableBox.parts.rules
        }
    }
    /// For each rule, the earlier rule whose `for` is the same expression (the same text), if
    /// any. Most rules of a package say which item they concern, so many share one `for`.
    @inlinable package var sharedFor: [Int?] { box.parts.sharedFor }
    /// The packages composed into this one: the base first, then each amendment in effective
    /// order (第十七条: a newer notice applies from its date without editing the original).
    @inlinable package var packages: [PackageRef] {
        _read { yield box.parts.packages }
        _modify { yield &mutableBox.parts.packages }
    }
    /// The amendments the base package lists as enacted (`amended_by:`), by id, in the order
    /// listed; only these apply without being named (see `PolicyRepository`).
    @inlinable package var amendedBy: [String] {
        _read { yield box.parts.amendedBy }
        _modify { yield &mutableBox.parts.amendedBy }
    }
    /// The top-level fact with role `item` (what a case applies for), by index in the case record.
    @inlinable package var itemSlot: Int? {
        _read { yield box.parts.itemSlot }
        _modify { yield &mutableBox.parts.itemSlot }
    }
    /// The fact with role `district`, which groups decisions, by field indices from the case.
    @inlinable package var districtPath: [Int]? {
        _read { yield box.parts.districtPath }
        _modify { yield &mutableBox.parts.districtPath }
    }
    /// Roles taken from a fact's name (`item`, `applicant.district`) because none was declared.
    @inlinable package var rolesByName: [String] {
        _read { yield box.parts.rolesByName }
        _modify { yield &mutableBox.parts.rolesByName }
    }
    /// The facts with the ban roles; nil when the package declares none (it then imposes no ban).
    @inlinable package var banFacts: BanFacts? {
        _read { yield box.parts.banFacts }
        _modify { yield &mutableBox.parts.banFacts }
    }
    /// Figures read from the fund's record (`ledger:`), seen by rules as `ledger.NAME`.
    @inlinable package var ledger: [LedgerMeasure] {
        _read { yield box.parts.ledger }
        _modify { yield &mutableBox.parts.ledger }
    }
    /// The issuer, contact and appeal lines of a notice to the applicant (`notice:`).
    @inlinable package var notice: NoticeLines? {
        _read { yield box.parts.notice }
        _modify { yield &mutableBox.parts.notice }
    }
    /// The programme's indicator table and funding plan (`indicators:`, `funding:`), for `clause report`.
    @inlinable package var indicators: [Indicator] {
        _read { yield box.parts.indicators }
        _modify { yield &mutableBox.parts.indicators }
    }
    @inlinable package var funding: FundingPlan? {
        _read { yield box.parts.funding }
        _modify { yield &mutableBox.parts.funding }
    }

    package init(id: String,
                 title: String,
                 titleEn: String?,
                 version: String,
                 valid: Period?,
                 rounding: Rounding,
                 directory: String,
                 digest: String,
                 clauses: [Clause],
                 clauseIndex: [String: Int],
                 enums: [EnumType],
                 records: [RecordSchema],
                 parameters: [Parameter],
                 definitions: [Definition],
                 rules: [Rule],
                 packages: [PackageRef],
                 amendedBy: [String] = [],
                 itemSlot: Int? = nil,
                 districtPath: [Int]? = nil,
                 rolesByName: [String] = [],
                 banFacts: BanFacts? = nil,
                 ledger: [LedgerMeasure] = [],
                 notice: NoticeLines? = nil,
                 indicators: [Indicator] = [],
                 funding: FundingPlan? = nil) {
        box = Box(Parts(id: id, title: title, titleEn: titleEn, version: version, valid: valid, rounding: rounding,
                        directory: directory, digest: digest, clauses: clauses, clauseIndex: clauseIndex, enums: enums,
                        records: records, parameters: parameters, definitions: definitions, rules: rules, packages: packages,
                        amendedBy: amendedBy, itemSlot: itemSlot, districtPath: districtPath, rolesByName: rolesByName,
                        banFacts: banFacts, ledger: ledger, notice: notice, indicators: indicators, funding: funding,
                        sharedFor: Rule.sharedFor(rules), fieldLabels: FieldLabels(records)))
    }

    /// The box, first copied when another policy shares it.
    @inlinable package var mutableBox: Box {
        mutating get {
            if !isKnownUniquelyReferenced(&box) { box = box.copy() }
            return box
        }
    }

    /// The parts of a policy, as one value.
    @usableFromInline struct Parts {
        @usableFromInline var id: String
        @usableFromInline var title: String
        @usableFromInline var titleEn: String?
        @usableFromInline var version: String
        @usableFromInline var valid: Period?
        @usableFromInline var rounding: Rounding
        @usableFromInline var directory: String
        @usableFromInline var digest: String
        @usableFromInline var clauses: [Clause]
        @usableFromInline var clauseIndex: [String: Int]
        @usableFromInline var enums: [EnumType]
        @usableFromInline var records: [RecordSchema]
        @usableFromInline var parameters: [Parameter]
        @usableFromInline var definitions: [Definition]
        @usableFromInline var rules: [Rule]
        @usableFromInline var packages: [PackageRef]
        @usableFromInline var amendedBy: [String] = []
        @usableFromInline var itemSlot: Int? = nil
        @usableFromInline var districtPath: [Int]? = nil
        @usableFromInline var rolesByName: [String] = []
        @usableFromInline var banFacts: BanFacts? = nil
        @usableFromInline var ledger: [LedgerMeasure] = []
        @usableFromInline var notice: NoticeLines? = nil
        @usableFromInline var indicators: [Indicator] = []
        @usableFromInline var funding: FundingPlan? = nil
        @usableFromInline var sharedFor: [Int?] = []
        @usableFromInline var fieldLabels = FieldLabels([])
    }

    /// The box the copies of a policy share (see `box`). Its parts are changed only through
    /// `mutableBox`, when no other policy holds the box, so no two accesses to them ever overlap:
    /// the run-time exclusivity check every access to a class's `var` pays is left out.
    @usableFromInline package final class Box: @unchecked Sendable {
        @exclusivity(unchecked) @usableFromInline var parts: Parts

        init(_ parts: Parts) { self.parts = parts }

        /// A box of its own with the same parts.
        @usableFromInline package func copy() -> Box { Box(parts) }
    }

    package var caseSchema: RecordSchema { records[0] }

    /// The packages in force on `date`: the base, and the amendments already effective.
    package func packages(on date: CivilDate) -> [PackageRef] {
        // Most often every one is (a base without amendments): then the list itself, not a copy
        // of every reference in it, for every decision.
        let inForce: (PackageRef) -> Bool = { $0.effective.map { $0 <= date } ?? true }
        if packages.indices.allSatisfy({ inForce(packages[$0]) }) { return packages }
        return packages.filter(inForce)
    }

    package func clause(_ id: String) -> Clause? { clauseIndex[id].map { clauses[$0] } }

    /// How clause `id` is cited (`第四条第一款`): read alone, where `clause(id)` copies the whole clause and its text.
    package func cite(_ id: String) -> String? { clauseIndex[id].map { clauses[$0].cite } }

    /// The fields a dotted fact path passes through, list indices allowed:
    /// `project.expenses[2].paid_on` gives project, expenses, paid_on. Stops at the first unknown name.
    package func fields(along path: String) -> [Field] {
        var schema = caseSchema
        var found: [Field] = []
        for part in path.split(separator: ".") {
            let name = part.split(separator: "[").first.map(String.init) ?? String(part)
            guard let i = schema.index[name] else { break }
            let f = schema.fields[i]
            found.append(f)
            switch f.type.unwrapped {
            case .record(let r), .list(.record(let r)), .list(.optional(.record(let r))): schema = records[r]
            default: break
            }
        }
        return found
    }
}

/// One package that took part in a policy: its id, version, digest and, for an amendment, the
/// date from which it applies.
@usableFromInline package struct PackageRef: Sendable, Hashable {
    package var id: String
    package var version: String
    package var digest: String
    package var directory: String
    /// nil for the base package.
    package var effective: CivilDate?
    /// The package it amends (nil for the base).
    package var amends: String?
}

/// One article or item of the source text, quoted verbatim so a reviewer never opens the PDF.
@usableFromInline package struct Clause: Sendable {
    package var id: String
    /// The citation as the document writes it: 第四条第（一）项.
    package var cite: String
    package var title: String?
    package var text: String
    package var range: SourceRange
}

/// An enum with Chinese labels, such as the items of 第四条 or the 13 districts.
@usableFromInline package struct EnumType: Sendable {
    package struct Case: Sendable {
        package var name: String
        package var label: String
        package var labelEn: String?
    }
    package var name: String
    package var label: String?
    package var cases: [Case]
    package var index: [String: Int]
    package var range: SourceRange
}

/// The shape of a record of facts: the case, the applicant, an expense.
@usableFromInline package struct RecordSchema: Sendable {
    package var name: String
    package var fields: [Field]
    package var index: [String: Int]
}

/// One declared fact: its type, its Chinese label, and what holds when a case omits it.
package struct Field: Sendable {
    package var name: String
    /// Dotted path from the case root (`project.accepted_on`), or from the list element.
    package var path: String
    package var label: String
    package var labelEn: String?
    package var type: ValueType
    /// Used when the case omits the fact (or gives null for a non-optional fact).
    package var defaultValue: Value?
    /// A case without it is malformed (an error), not incomplete.
    package var required: Bool
    package var minimum: Int64?
    package var maximum: Int64?
    package var length: Int?
    package var range: SourceRange
    /// What the fact is for, beyond rules: `item`, `district` or a ban role (see `PolicyLoader+Roles`).
    package var role: String? = nil
    /// Filled by clause, never by a case file (the `ledger` record of figures from the record).
    package var computed = false
    /// Whether a remedy may propose a new value for it (`remedy:` in the schema).
    package var remedy: RemedyRule = .open
    /// The shape of a text fact's values (`format: credit_code`), checked and made canonical
    /// when a case is read.
    package var format: TextFormat? = nil
    /// A text the fund's record matches on (a ledger figure's `where: same` or `count_distinct`):
    /// read in one spelling (`KeyText`), so one enterprise or platform written two ways is one.
    package var isKey = false
}

/// What a remedy may do to a fact: a finding of the past (a fraud finding, a 2022 pilot, a
/// payment's date) cannot change after the fact, so no remedy may propose changing it.
package enum RemedyRule: String, Sendable, CaseIterable {
    /// Any value the schema allows (the default): a level reached by more work, an approval.
    case open
    /// Never changed by a remedy.
    case fixed
    /// A date that may only move later: applying again, not applying in the past.
    case later
}

/// A number from the text (a rate, a cap, a period), with values that may change on a date.
@usableFromInline package struct Parameter: Sendable {
    package struct DatedValue: Sendable {
        /// nil: from the beginning.
        package var from: CivilDate?
        package var value: Value
        package var clause: String
        package var source: String
        /// The package (notice) that set this value.
        package var packageID: String
    }
    package var name: String
    package var label: String
    package var labelEn: String?
    package var type: ValueType
    package var clause: String
    /// Sorted by `from`.
    package var values: [DatedValue]
    package var range: SourceRange
    /// Declared `read_by: workflows`: no rule is expected to read it (a work-plan window).
    package var readByWorkflows = false
    /// Every clause it cites (`clause: [a, b]`); `clause` is the first.
    package var clauses: [String] = []

    /// The value in force on `date`: the last one whose `from` is not after it.
    package func value(on date: CivilDate) -> DatedValue {
        var chosen = values[0]
        for v in values.dropFirst() where v.from.map({ $0 <= date }) ?? true { chosen = v }
        return chosen
    }
}

/// A named, derived value (合规投入) computed once per case and shown in the justification.
@usableFromInline package struct Definition: Sendable {
    package var name: String
    package var label: String
    package var labelEn: String?
    /// The clauses it applies (`clause: [art4.1, notice.2]`), the first being the main one.
    package var clauses: [String]
    package var clause: String? { clauses.first }
    package var expr: CheckedExpr
    /// Local slots its aggregations need.
    package var slotCount: Int
    package var range: SourceRange
}

/// A rule: what it does, when it applies, and the clause(s) it applies.
@usableFromInline package struct Rule: Sendable {
    package enum Kind: String, Sendable {
        /// Refuses when its condition holds.
        case refuseWhen = "refuse_when"
        /// Refuses when its condition does not hold.
        case require
        /// Needs facts to be known; `incomplete` otherwise, never a refusal.
        case needs
        /// Determines the amount (and its cap); an amount of nothing refuses.
        case award
        /// Sends the case to a person.
        case reviewWhen = "review_when"
    }

    package var id: String
    package var kind: Kind
    /// The clauses it applies, the first being the main one.
    package var clauses: [String]
    package var label: String?
    package var applies: CheckedExpr?
    package var lets: [(name: String, slot: Int, expr: CheckedExpr)]
    /// The condition (refuse_when, require, review_when) or the amount (award).
    package var main: CheckedExpr
    /// Facts that must be known (needs).
    package var needs: [CheckedExpr]
    package var cap: CheckedExpr?
    package var clawback: CheckedExpr?
    package var banUntil: CheckedExpr?
    package var say: MessageTemplate
    package var sayEn: MessageTemplate?
    /// Optional words on what would have to change.
    package var fix: MessageTemplate?
    package var fixEn: MessageTemplate?
    /// How many local slots evaluation needs (lets and aggregation elements).
    package var slotCount: Int
    package var range: SourceRange
    /// The package that introduced the rule.
    package var packageID: String
    /// From when the rule applies (an amendment's effective date); nil: from the start.
    package var from: CivilDate?
    /// When it stopped applying (retired or replaced by an amendment), exclusive; nil: still.
    package var until: CivilDate?
    /// The amendment that retired or replaced it, for the justification.
    package var endedBy: String?
    /// The award part it determines (`part: base`): a decision's amount is the sum of its
    /// parts, and a ledger figure can sum one part (`sum: award.base`).
    package var part: String? = nil
    /// An award part that may come to nothing without refusing (`may_be_zero: true`): a base
    /// whose cap is used up while a top-up is still owed. A case whose parts all come to nothing
    /// is still refused.
    package var mayBeZero = false
    /// Clauses cited only when a condition holds (`cite: [{when: …, clause: …}]`), so that a
    /// rule with a branch per batch cites the batch that applied, besides its own `clauses`.
    package var citeWhen: [CiteWhen] = []

    package func inForce(on date: CivilDate) -> Bool { Rule.inForce(from: from, until: until, on: date) }

    /// From `from` (if any) up to, not including, `until` (if any). Static so that compiled
    /// rules, which keep these fields without the whole rule, ask the same question.
    package static func inForce(from: CivilDate?, until: CivilDate?, on date: CivilDate) -> Bool {
        (from.map { $0 <= date } ?? true) && (until.map { date < $0 } ?? true)
    }
}

/// Clauses a rule cites when a condition holds, read after the rule has fired.
package struct CiteWhen: Sendable {
    package var when: CheckedExpr
    package var clauses: [String]
}

/// A message with `{expression}` holes, filled with values when a rule fires.
package struct MessageTemplate: Sendable {
    package enum Part: Sendable {
        case text(String)
        case value(CheckedExpr)
    }
    package var parts: [Part]
}

/// The lines a notice to an applicant ends with, from the package's `notice:` metadata.
@usableFromInline package struct NoticeLines: Sendable {
    static let keys = ["issuer", "issuer_en", "contact", "contact_en", "appeal", "appeal_en", "placeholder"]
    package var issuer: String?
    package var issuerEn: String?
    package var contact: String?
    package var contactEn: String?
    package var appeal: String?
    package var appealEn: String?
    /// The lines are stand-ins, not the bureau's real ones: every notice says so.
    package var placeholder = false
    package init() {}
}
