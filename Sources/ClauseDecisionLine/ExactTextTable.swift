/// A table of values by exact text, for the trace writer's tables (a name's first value, a text's
/// first label, the roots written): a few hundred lookups a case, in a table made for each case.
///
/// `Dictionary` passes every key through a full SipHash round, even a key that carries a good hash
/// of its own; `ExactText` does (its sample of the text), so this table probes by it directly. The
/// entries lie in the order they came, and the probing is done in an array of their places, so
/// making, growing and dropping the table touches no text.
struct ExactTextTable<Value> {
    /// Per slot, where its entry lies in `entries`, or -1; a power of two long, at most half used.
    private var slots: [Int32]
    /// Each entry's sample, beside it: a probe that meets another text is told so without it.
    private var samples: [Int] = []
    /// The texts and their values, in the order they came.
    private var keys: [ExactText] = []
    private var values: [Value] = []

    init() {
        slots = Array(repeating: -1, count: 64)
        samples.reserveCapacity(32)
        keys.reserveCapacity(32)
        values.reserveCapacity(32)
    }

    var count: Int { keys.count }

    /// Where a text lies: its entry, or the slot a new entry for it goes in. Found once, it is
    /// both read and, for a new text, written through, with one probe.
    struct Place {
        fileprivate let slot: Int
        let entry: Int?
    }

    /// The value of an entry `find` gave.
    subscript(entry entry: Int) -> Value {
        get { values[entry] }
        set { values[entry] = newValue }
    }

    /// Where `key` lies, or the empty slot where it would go.
    func find(_ key: ExactText) -> Place {
        let mask = slots.count - 1
        var i = key.sample & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return Place(slot: i, entry: nil) }
            if samples[e] == key.sample, keys[e] == key { return Place(slot: i, entry: e) }
            i = (i + 1) & mask
        }
    }

    /// Adds `key`, which `find` did not find at `place`, with its value.
    mutating func add(_ key: ExactText, _ value: Value, at place: Place) {
        assert(place.entry == nil, "a text is added once")
        let slot = place.slot
        let entry = keys.count
        keys.append(key)
        values.append(value)
        samples.append(key.sample)
        slots[slot] = Int32(entry)
        if keys.count * 2 > slots.count { grow() }
    }

    /// Twice the slots, each entry placed again by its sample.
    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for e in samples.indices {
            var i = samples[e] & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(e)
        }
    }
}
