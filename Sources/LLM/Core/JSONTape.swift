/// What ``JSONParser`` records of a document: one entry per value, in document order, in one array.
///
/// A stream parses one small document per event and reads a handful of its fields. A tree of values
/// cost an array per object and a `String` per name and text, most never read, and as much again to free
/// (seen with `perf` on `StreamBench --layer decode`); the tape is one allocation, and ``JSONElement``
/// makes only the values asked for.
struct JSONTape {
    enum Kind: UInt8 {
        case null, bool, number, string, array, object
    }

    /// One value. An object's members follow it as name, value, name, value...; an array's elements
    /// follow it. `end` of a container is the index of the entry after its last member or element.
    struct Entry {
        var kind: Kind
        /// A bool's value; whether a number is written as an integer; whether a string holds escapes.
        var flag: Bool
        /// Scalars: the range of their bytes (a string's without its quotes). Containers: `end` is the
        /// index of the entry after their contents (`start` is unused).
        var start: Int
        var end: Int
    }

    private(set) var entries: [Entry] = []

    init() {
        entries.reserveCapacity(32)
    }

    mutating func append(_ kind: Kind, flag: Bool, from start: Int, to end: Int) {
        entries.append(Entry(kind: kind, flag: flag, start: start, end: end))
    }

    /// Starts a container; ``close(_:)`` it after its contents.
    mutating func open(_ kind: Kind) -> Int {
        entries.append(Entry(kind: kind, flag: false, start: 0, end: 0))
        return entries.count - 1
    }

    mutating func close(_ container: Int) {
        entries[container].end = entries.count
    }

    /// The index of the entry after the value at `index` (after its contents, for a container).
    static func next(after index: Int, in entries: UnsafeBufferPointer<Entry>) -> Int {
        let entry = entries[index]
        switch entry.kind {
        case .array, .object: return entry.end
        default: return index + 1
        }
    }
}
