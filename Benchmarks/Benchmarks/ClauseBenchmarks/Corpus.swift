import ClauseEngine
import ClauseLanguage
import Foundation

/// The oracle corpus's transformation cases, read by the engine and turned into native structs, with
/// a correctness check before anything is measured: the interpreter and the native baseline must
/// both agree with the oracle's decision (tests/oracle) on every one.
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
        var nativeWrong = 0, interpreterWrong = 0, disagree = 0
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
            switch Interpreter.decide(corpus.cases[i], policy: inputs.policy, asOf: nil, tracing: false) {
            case .success(let d):
                let iOK = d.outcome.rawValue == eOutcome && yuan(d.amount.fen) == eAmount && Set(d.reasons.map(\.clause)) == eReasons
                if !iOK {
                    interpreterWrong += 1
                    if notes.count < 10 { notes.append("interpreter \(d.caseID): \(d.outcome) \(yuan(d.amount.fen)) ≠ oracle \(eOutcome) \(eAmount)") }
                }
                if d.outcome.rawValue != n.outcome.rawValue || d.amount.fen != n.amount { disagree += 1 }
            case .failure(let f):
                interpreterWrong += 1
                notes.append("interpreter failed on \(corpus.cases[i].id): \(f.message)")
            }
        }
        report("correctness: \(corpus.cases.count) transformation cases of the oracle corpus; "
            + "native ≠ oracle: \(nativeWrong), interpreter ≠ oracle: \(interpreterWrong), interpreter ≠ native: \(disagree)"
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
