/// Reads a fuzzer's input front to back: control bytes first, then the payload.
public struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = ArraySlice(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    }

    public init(_ bytes: [UInt8]) {
        self.bytes = ArraySlice(bytes)
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The next byte, or 0 once the input is used up.
    public mutating func byte() -> UInt8 {
        bytes.popFirst() ?? 0
    }

    /// Up to `count` next bytes.
    public mutating func take(_ count: Int) -> [UInt8] {
        let taken = bytes.prefix(max(0, count))
        bytes.removeFirst(taken.count)
        return Array(taken)
    }

    /// Everything left.
    public mutating func rest() -> [UInt8] {
        take(bytes.count)
    }
}
