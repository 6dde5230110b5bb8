/// What ``JSONParser`` records of a document: one entry per value, in document order, in one array.
///
/// A stream parses one small document per event and reads a handful of its fields. A tree of values
/// cost an array per object and a `String` per name and text, most never read, and as much again to free
/// (seen with `perf` on `StreamBench --layer decode`); the tape is one buffer, on the stack for a small
/// document, and ``JSONElement`` makes only the values asked for.
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

    /// Entries fit here for most stream events, on the stack (the whole buffer within 1 KiB, the size
    /// `withUnsafeTemporaryAllocation` always keeps on the stack): one allocation less per event.
    static let stackCapacity = 40

    /// Where the entries are written: a caller's buffer at first, memory of the tape's own once it outgrows it.
    private var storage: UnsafeMutableBufferPointer<Entry>
    private var ownsStorage = false
    private(set) var count = 0

    /// A tape that writes into `buffer` until it is full. Call ``release()`` when done with it.
    init(writingInto buffer: UnsafeMutableBufferPointer<Entry>) {
        storage = buffer
    }

    /// Frees the memory the tape took when it outgrew the caller's buffer.
    mutating func release() {
        if ownsStorage { storage.deallocate() }
        storage = UnsafeMutableBufferPointer(start: nil, count: 0)
        ownsStorage = false
        count = 0
    }

    /// The entries written so far; valid until the tape grows or is released.
    var entries: UnsafeBufferPointer<Entry> {
        UnsafeBufferPointer(rebasing: storage[..<count])
    }

    mutating func append(_ kind: Kind, flag: Bool, from start: Int, to end: Int) {
        if count == storage.count { grow() }
        storage[count] = Entry(kind: kind, flag: flag, start: start, end: end)
        count += 1
    }

    /// Starts a container; ``close(_:)`` it after its contents.
    mutating func open(_ kind: Kind) -> Int {
        append(kind, flag: false, from: 0, to: 0)
        return count - 1
    }

    mutating func close(_ container: Int) {
        storage[container].end = count
    }

    private mutating func grow() {
        let larger = UnsafeMutableBufferPointer<Entry>.allocate(capacity: max(storage.count * 2, Self.stackCapacity))
        _ = larger.initialize(fromContentsOf: storage[..<count])
        if ownsStorage { storage.deallocate() }
        storage = larger
        ownsStorage = true
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
