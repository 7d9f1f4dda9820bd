import ClauseEngine
import ClauseLanguage

/// How a decision says that its ban came from the store's registry rather than from its case
/// file: the text renderers and the JSON renderer share these words so they never disagree.
package enum RegistryBanText {
    /// One sentence: whose ban, until when, and which recorded case caused it.
    package static func sentence(_ b: RegistryBan, lang: Lang) -> String {
        switch lang {
        case .zh:
            return "黑名单来自登记簿：统一社会信用代码 \(b.creditCode) 因案件 \(b.caseID)（决定记录 #\(b.decisionID)，\(b.clause)）"
                + "自 \(b.from.iso) 起列入黑名单至 \(b.through.iso)\(b.correction.map { "（期限经更正，更正记录 #\($0)）" } ?? "")"
                + "；登记的期限长于本案所载（或本案未载明），按登记簿认定"
        case .en:
            return "ban from the registry: credit code \(b.creditCode) is banned from \(b.from.iso) through \(b.through.iso) "
                + "by case \(b.caseID) (decision record #\(b.decisionID), \(b.clause))\(b.correction.map { ", dates as corrected by correction #\($0)" } ?? ""); it lasts longer than any ban this case states, so the registry's ban applies"
        }
    }

    /// The section title in `explain`.
    package static func title(_ lang: Lang) -> String { lang == .zh ? "黑名单登记" : "Ban registry" }

    /// The `registry_ban` object of the JSON line (an additive key, present only when a ban came
    /// from the registry).
    package static func write(_ b: RegistryBan, _ w: inout JSONWriter) {
        w.key("registry_ban")
        w.beginObject()
        w.field("credit_code", b.creditCode)
        w.field("from", b.from.iso)
        w.field("through", b.through.iso)
        w.field("clause", b.clause)
        w.field("case", b.caseID)
        w.field("decision", Int(b.decisionID))
        if let c = b.correction { w.field("correction", Int(c)) }
        w.endObject()
    }
}
