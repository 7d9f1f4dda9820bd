import ClauseSyntax
import Foundation

/// Loads a policy package folder into a checked `Policy`, collecting every problem in every file
/// before giving up, so policy staff fix them all in one pass.
public final class PolicyLoader {
    /// The top-level keys a package file may hold; metadata keys only in policy.yaml.
    static let sections = ["clauses", "enums", "facts", "ledger", "parameters", "definitions", "rules", "retire", "indicators", "funding"]
    static let metadata = ["policy", "title", "title_en", "version", "valid", "rounding", "source", "description", "amends", "effective", "amended_by", "notice"]

    var access = NodeAccess()
    var checker: ExpressionChecker!
    var clauses: [Clause] = []
    var clauseIndex: [String: Int] = [:]
    var enums: [EnumType] = []
    var records: [RecordSchema] = []
    var parameters: [Parameter] = []
    var definitionNodes: [(name: String, key: YAMLNode.Scalar, node: YAMLNode)] = []
    var definitions: [Definition?] = []
    var definitionState: [String: DefinitionState] = [:]
    /// How deep each checked definition's expression goes, its definitions' included, and for
    /// each definition being checked the deepest definition it uses so far (a chain of
    /// 1,900 definitions overflowed the stack, here and when deciding).
    var definitionDepth: [String: Int] = [:]
    var usedDepth: [Int] = []
    var rules: [Rule] = []
    /// Where each rule's `ban_until` is written: a package with one must declare the ban roles.
    var banUntilRanges: [SourceRange] = []
    /// Loading a package kept in the fund's record (see `load`).
    var recorded = false
    /// The package being amended, when this one is an amendment (第十七条).
    var base: Policy?
    /// This package's id, and for an amendment its effective date.
    var packageID = ""
    var effective: CivilDate?
    /// The period of `valid:`, once read (see `readValidity`).
    var validity: Period?
    /// `valid:` and its clause, kept from `readValidity` for `addValidityRule`.
    var validityRuleSource: (YAMLNode.Mapping, String)?
    /// The measures of `ledger:`, once read.
    var ledger: [LedgerMeasure] = []
    /// Each figure's `limit:` node, read once the parameters are (by figure index).
    var pendingLimits: [(Int, YAMLNode)] = []
    /// Ledger figures that sum an award part, checked once the rules say which parts exist.
    var pendingParts: [(Int, YAMLNode.Scalar)] = []
    /// The programme's indicator rows and funding plan (`indicators:`, `funding:`), once read.
    var indicators: [Indicator] = []
    var funding: FundingPlan?

    enum DefinitionState {
        case unchecked(Int)
        case checking(Int)
        case done(Int, ValueType?)
    }

    /// The result of a load: the policy when it is sound, and every diagnostic (warnings too).
    public struct Result: Sendable {
        public var policy: Policy?
        public var diagnostics: [Diagnostic]
        package init(policy: Policy?, diagnostics: [Diagnostic]) {
            self.policy = policy
            self.diagnostics = diagnostics
        }
    }

    /// Loads a package; an amending package (`amends:`) is loaded on top of `base`, which the
    /// caller found by that id (see `PolicyRepository`).
    ///
    /// - Parameter recorded: the package is one the fund's record kept with its decisions (a
    ///   replay, `why`): one recorded before the ban roles existed is read as it was decided.
    public static func load(_ directory: String, base: Policy? = nil, recorded: Bool = false) -> Result {
        let loader = PolicyLoader()
        loader.recorded = recorded
        if let base { loader.seed(from: base) }
        return loader.load(directory)
    }

    /// What a package says about itself before it is loaded: its id, and what it amends from when.
    public struct Header: Sendable {
        public var id: String
        public var amends: String?
        package var effective: CivilDate?
        /// `amended_by:` of a base: the enacted amendments' ids, where they are written.
        package var amendedBy: [YAMLNode.Scalar] = []
        /// Where `amends:` is written, for a finding about it.
        package var amendsRange: SourceRange?
    }

    public static func header(_ directory: String) -> Header? {
        var bag = DiagnosticBag()
        let (_, root) = YAMLReader.read(path: (directory as NSString).appendingPathComponent("policy.yaml"), into: &bag)
        guard case .mapping(let m)? = root, case .scalar(let id)? = m["policy"] else { return nil }
        var h = Header(id: id.text)
        if case .scalar(let a)? = m["amends"] {
            h.amends = a.text
            h.amendsRange = a.range
        }
        if case .scalar(let e)? = m["effective"] { h.effective = CivilDate(iso: Substring(e.text)) }
        if case .sequence(let list)? = m["amended_by"] {
            h.amendedBy = list.items.compactMap { if case .scalar(let s) = $0 { s } else { nil } }
        }
        return h
    }

    private func load(_ directory: String) -> Result {
        var bag = DiagnosticBag()
        guard let files = PackageFiles.read(directory, into: &bag) else { return Result(policy: nil, diagnostics: bag.sorted) }
        var sectionNodes: [String: (key: YAMLNode.Scalar, node: YAMLNode)] = [:]
        var meta: YAMLNode.Mapping?
        for (name, _, root) in files.documents {
            guard let m = access.mapping(root, "a policy package file") else { continue }
            let allowed = PolicyLoader.sections + (name == "policy.yaml" ? PolicyLoader.metadata : [])
            access.checkKeys(m, allowed: allowed, in: name)
            if name == "policy.yaml" { meta = m }
            for (key, value) in m.entries where PolicyLoader.sections.contains(key.text) {
                if let first = sectionNodes[key.text] {
                    access.bag.error("policy.duplicate-section", "section '\(key.text)' is defined again", at: key.range,
                                     notes: [.init(message: "first defined here", range: first.key.range)])
                } else {
                    sectionNodes[key.text] = (key, value)
                }
            }
        }
        if meta == nil, !files.documents.contains(where: { $0.name == "policy.yaml" }), !bag.hasErrors {
            // An empty policy.yaml (or comments only) has no document: say so, at the file, rather
            // than refuse the package with nothing to show (found by the package fuzzer).
            let file = SourceFile(path: (directory as NSString).appendingPathComponent("policy.yaml"), text: "")
            let start = SourceLocation(line: 1, column: 1)
            bag.error("policy.empty", "policy.yaml holds nothing: a package needs at least 'policy' and 'title'",
                      at: SourceRange(file: file, start: start, end: start))
        }
        var policy: Policy?
        if let meta {
            readAmendmentHeader(meta)
            readClauses(sectionNodes["clauses"]?.node)
            if base == nil {
                readEnums(sectionNodes["enums"]?.node)
                readFacts(sectionNodes["facts"]?.node, at: meta.range)
                readLedger(sectionNodes["ledger"]?.node)
            } else {
                for key in ["enums", "facts", "ledger", "indicators", "funding"] {
                    if let k = sectionNodes[key]?.key {
                        access.bag.error("amendment.schema", "an amendment cannot change '\(key)': the case schema belongs to the base package",
                                         at: k.range)
                    }
                }
            }
            checker = ExpressionChecker(names: TypeNames(enums: enums, records: records))
            for (i, p) in parameters.enumerated() { checker.parameters[p.name] = (i, p.type) }
            checker.parameterValues = { [unowned self] i in self.parameters[i].values.map(\.value) }
            readParameters(sectionNodes["parameters"]?.node)
            readValidity(meta)
            readDefinitions(sectionNodes["definitions"]?.node)
            // After the definitions: a limit may read one (`caps[batch]`).
            readLedgerLimits()
            readRules(sectionNodes["rules"]?.node, at: meta.range)
            checkLedgerParts()
            if base == nil {
                indicators = readIndicators(sectionNodes["indicators"]?.node)
                funding = readFunding(sectionNodes["funding"]?.node)
            }
            addValidityRule()
            readRetirements(sectionNodes["retire"]?.node)
            access.bag.append(contentsOf: checker.bag)
            policy = readMetadata(meta, directory: directory, digest: files.digest)
        }
        bag.append(contentsOf: access.bag)
        if bag.hasErrors { policy = nil }
        return Result(policy: policy, diagnostics: bag.sorted)
    }

    private func readMetadata(_ m: YAMLNode.Mapping, directory: String, digest: String) -> Policy? {
        access.checkKeys(m, allowed: PolicyLoader.metadata + PolicyLoader.sections, required: ["policy", "title"], in: "policy.yaml")
        let id = access.text(m, "policy", "policy.yaml") ?? ""
        let valid = validity
        let amendedBy = m["amended_by"].map { amendmentList($0) } ?? []
        var rounding = Rounding.halfUp
        if let r = m["rounding"], let s = access.scalar(r, "a rounding rule") {
            if let x = Rounding(rawValue: s.text) { rounding = x } else {
                access.bag.error("policy.rounding", "unknown rounding '\(s.text)'\(Suggestion.hint(s.text, Rounding.allCases.map(\.rawValue)))",
                                 at: s.range)
            }
        }
        let version = access.text(m, "version", "policy.yaml") ?? ""
        let ref = PackageRef(id: id, version: version, digest: digest, directory: directory, effective: effective, amends: base?.id)
        if let base {
            // The composed policy keeps the base's identity; its digest covers every package in it.
            var composed = base
            composed.valid = valid ?? base.valid
            composed.clauses = clauses
            composed.clauseIndex = clauseIndex
            composed.parameters = parameters
            composed.definitions = definitions.compactMap { $0 }
            composed.rules = rules
            checkBanRoles(composed.banFacts)
            composed.packages = base.packages + [ref]
            composed.digest = PackageFiles.combinedDigest(composed.packages.map(\.digest))
            return composed
        }
        let roles = resolveRoles()
        let ban = roles.ban ?? (recorded && !banUntilRanges.isEmpty ? recordedBanFacts() : nil)
        var policy = Policy(
            id: id, title: access.text(m, "title", "policy.yaml") ?? "", titleEn: access.text(m, "title_en", "policy.yaml"),
            version: version, valid: valid, rounding: rounding,
            directory: directory, digest: digest, clauses: clauses, clauseIndex: clauseIndex, enums: enums, records: records,
            parameters: parameters, definitions: definitions.compactMap { $0 }, rules: rules, packages: [ref],
            amendedBy: amendedBy, itemSlot: roles.item, districtPath: roles.district, rolesByName: roles.byName, banFacts: ban,
            ledger: ledger)
        checkBanRoles(ban, missing: roles.banMissing)
        if let n = m["notice"] { policy.notice = noticeLines(n) }
        policy.indicators = indicators
        policy.funding = funding
        return policy
    }

    /// `notice:`: who issues the letters to applicants and the lines every letter ends with.
    private func noticeLines(_ node: YAMLNode) -> NoticeLines? {
        guard let m = access.mapping(node, "'notice'") else { return nil }
        access.checkKeys(m, allowed: NoticeLines.keys, in: "'notice'")
        var lines = NoticeLines()
        lines.issuer = access.text(m, "issuer", "'notice'")
        lines.issuerEn = access.text(m, "issuer_en", "'notice'")
        lines.contact = access.text(m, "contact", "'notice'")
        lines.contactEn = access.text(m, "contact_en", "'notice'")
        lines.appeal = access.text(m, "appeal", "'notice'")
        lines.appealEn = access.text(m, "appeal_en", "'notice'")
        if let p = m["placeholder"] { lines.placeholder = access.bool(p, "'placeholder'") ?? false }
        return lines
    }

    /// A date scalar in YAML (`2024-01-01`), strictly.
    func date(_ node: YAMLNode) -> CivilDate? {
        guard let s = access.scalar(node, "a date") else { return nil }
        guard let d = CivilDate(iso: Substring(s.text)) else {
            access.bag.error("type.date", CivilDate.problem(s.text), at: s.range)
            return nil
        }
        return d
    }

    /// Checks that a clause id exists in the table; returns it.
    func clauseReference(_ node: YAMLNode) -> String? {
        guard let s = access.scalar(node, "a clause id") else { return nil }
        guard clauseIndex[s.text] != nil else {
            access.bag.error("clause.unknown", "no clause '\(s.text)' in the clause table\(Suggestion.hint(s.text, clauseIndex.keys))",
                             at: s.range)
            return nil
        }
        return s.text
    }

    /// `clause: art4.1` or `clause: [art4.1, notice.2]`: each id checked against the table.
    func clauseReferences(_ node: YAMLNode) -> [String] {
        if case .sequence(let s) = node { return s.items.compactMap { clauseReference($0) } }
        return clauseReference(node).map { [$0] } ?? []
    }

    // MARK: - Clauses

    private func readClauses(_ node: YAMLNode?) {
        guard let node, let m = access.mapping(node, "'clauses'") else { return }
        for (key, value) in m.entries {
            guard let c = access.mapping(value, "clause '\(key.text)'") else { continue }
            if let existing = clauseIndex[key.text] {
                access.bag.error("clause.duplicate", "clause '\(key.text)' is already in the clause table", at: key.range,
                                 notes: [.init(message: "first defined here", range: clauses[existing].range)])
                continue
            }
            access.checkKeys(c, allowed: ["cite", "title", "text"], required: ["cite", "text"], in: "clause '\(key.text)'")
            if !PolicyLoader.isIdentifierPath(key.text) {
                access.bag.error("clause.id", "clause id '\(key.text)' should be like art4.1 or plan.5", at: key.range)
            }
            clauseIndex[key.text] = clauses.count
            clauses.append(Clause(id: key.text, cite: access.text(c, "cite", "clause") ?? key.text,
                                  title: access.text(c, "title", "clause"), text: access.text(c, "text", "clause") ?? "",
                                  range: key.range))
        }
    }

    package static func isIdentifierPath(_ s: String) -> Bool {
        !s.isEmpty && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { Lexer.isIdentifierContinue($0) || $0 == "-" }
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, Lexer.isIdentifierStart(first) else { return false }
        return s.unicodeScalars.allSatisfy(Lexer.isIdentifierContinue)
            && Token.Keyword(rawValue: s) == nil
    }
}
