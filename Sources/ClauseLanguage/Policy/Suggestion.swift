/// "Did you mean" for names, keys and enum values: the closest candidate by edit distance.
package enum Suggestion {
    /// The closest of `candidates` to `word`, when close enough to be a plausible typo.
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased().unicodeScalars))
            // Ties go to the alphabetically first, so the hint never depends on dictionary order.
            if d < (best?.1 ?? Int.max) || (d == best?.1 && c < best!.0) { best = (c, d) }
        }
        guard let (name, d) = best else { return nil }
        let limit = max(1, min(3, w.count / 3))
        return d <= limit ? name : nil
    }

    /// ` (did you mean 'x'?)` or nothing.
    package static func hint(_ word: String, _ candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, and a swap of two
    /// neighbours (liitle → little, bureua → bureau) each count as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var twoAgo = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoAgo[j - 2] + 1)
                }
            }
            (twoAgo, previous, current) = (previous, current, twoAgo)
        }
        return previous[b.count]
    }
}
