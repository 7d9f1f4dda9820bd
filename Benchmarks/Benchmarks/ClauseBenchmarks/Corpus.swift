import ClauseEngine
import ClauseLanguage
import Foundation

/// The oracle corpus's transformation cases, read by the engine and turned into native structs, with
/// a correctness check before anything is measured: the compiled policy, the tree-walker and the
/// native baseline must all agree with the oracle's decision (tests/oracle) on every one.
struct TransformationCorpus: Sendable {
    var cases: [CaseFile] = []
    var natives: [NativeCase] = []

    static func load(_ inputs: Inputs) -> TransformationCorpus {
        var corpus = TransformationCorpus()
        var expected: [[String: Any]] = []
        for (line, exp) in zip(inputs.corpusLines, inputs.expectedLines) where line.contains("\"item\":\"transformation\"") {
            guard let c = Inputs.read(line, path: "cases.jsonl", policy: inputs.policy),
                  let n = NativeCase(c, policy: inputs.policy),
                  let e = try? JSONSerialization.jsonObject(with: Data(exp.utf8)) as? [String: Any]
            else { fatalError("corpus line does not read: \(line.prefix(60))") }
            corpus.cases.append(c)
            corpus.natives.append(n)
            expected.append(e)
        }
        var nativeWrong = 0, wrong = [0, 0], disagree = [0, 0]
        let names = ["compiled", "tree-walker"]
        let compiled = CompiledPolicy(inputs.policy)
        var notes: [String] = []
        for i in corpus.cases.indices {
            let e = expected[i]
            let eOutcome = e["outcome"] as? String ?? "?"
            let eAmount = e["amount"] as? String ?? "?"
            let eReasons = Set(e["reasons"] as? [String] ?? [])
            let eClawback = e["clawback"] as? String ?? "?"
            let n = NativeShenyang.decide(corpus.natives[i])
            let nOK = n.outcome.rawValue == eOutcome && yuan(n.amount) == eAmount
                && Set(n.reasons.map(\.description)) == eReasons && yuan(n.clawback) == eClawback
            if !nOK {
                nativeWrong += 1
                if notes.count < 5 { notes.append("native \(corpus.cases[i].id): \(n.outcome) \(yuan(n.amount)) \(n.reasons) ≠ oracle \(eOutcome) \(eAmount) \(eReasons.sorted())") }
            }
            // The compiled policy (what the corpus benchmark measures) and the tree-walker.
            for (k, decided) in [Interpreter.decide(corpus.cases[i], compiled: compiled, asOf: nil),
                                 Interpreter.decide(corpus.cases[i], policy: inputs.policy, asOf: nil, tracing: false)].enumerated() {
                switch decided {
                case .success(let d):
                    let iOK = d.outcome.rawValue == eOutcome && yuan(d.amount.fen) == eAmount && Set(d.reasons.map(\.clause)) == eReasons
                    if !iOK {
                        wrong[k] += 1
                        if notes.count < 10 { notes.append("\(names[k]) \(d.caseID): \(d.outcome) \(yuan(d.amount.fen)) ≠ oracle \(eOutcome) \(eAmount)") }
                    }
                    if d.outcome.rawValue != n.outcome.rawValue || d.amount.fen != n.amount { disagree[k] += 1 }
                case .failure(let f):
                    wrong[k] += 1
                    notes.append("\(names[k]) failed on \(corpus.cases[i].id): \(f.message)")
                }
            }
        }
        report("correctness: \(corpus.cases.count) transformation cases of the oracle corpus; "
            + "native ≠ oracle: \(nativeWrong), compiled ≠ oracle: \(wrong[0]), tree-walker ≠ oracle: \(wrong[1]), "
            + "compiled ≠ native: \(disagree[0]), tree-walker ≠ native: \(disagree[1])"
            + notes.map { "\n  " + $0 }.joined())
        precondition(nativeWrong == 0, "the native baseline disagrees with the oracle: fix the baseline")
        return corpus
    }

    static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        let cents = a % 100
        return "\(sign)\(a / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// To the file named by $CLAUSE_BENCH_REPORT (run.sh prints it), else standard error.
    static func report(_ line: String) {
        let text = line + "\n"
        if let path = ProcessInfo.processInfo.environment["CLAUSE_BENCH_REPORT"], !path.isEmpty,
           let h = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) {
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            h.closeFile()
        } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
