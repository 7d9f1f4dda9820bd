import ClauseLanguage

extension WorkflowCatalog {
    /// The history events that pay out under `policy`, each with its money attributes (`amount`
    /// of `pay`): the events a workflow names as recording a money fact (`recorded_by: { disbursed:
    /// pay }`). Nothing about payments is written in Swift: the workflows say which event pays.
    /// Empty when no workflow of the policy records a payment.
    package func paymentAttributes(for policy: Policy) -> [String: [String]] {
        var attributes: [String: [String]] = [:]
        for w in machines(for: policy.id) {
            for r in w.recordedBy where Self.isMoney(r.fact, policy) {
                guard let e = w.event(r.event) else { continue }
                attributes[r.event] = e.payload.filter { $0.type.unwrapped == .money }.map(\.name)
            }
        }
        return attributes
    }

    /// Whether `path` names a money fact (the disbursed amount a paying event records).
    private static func isMoney(_ path: String, _ policy: Policy) -> Bool {
        let along = policy.fields(along: path)
        return along.count == path.split(separator: ".").count && along.last?.type.unwrapped == .money
    }
}
