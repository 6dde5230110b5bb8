import NIOConcurrencyHelpers

/// All the text of a reply up to one ``StreamEvent/textDelta(_:snapshot:)``.
///
/// The snapshots of one reply share one growing buffer, and each remembers only its length. An app that keeps
/// every event of a long reply therefore holds the text once, not once per event: with a `String` per event,
/// 8,000 deltas of a 32 KB reply held about 128 MB, and every delta copied the whole text so far.
///
/// ``text`` builds the `String` when asked (a copy of the snapshot's length), so read it when you need it,
/// e.g. once per delta for a live preview, rather than keeping it.
public struct TextSnapshot: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    private let buffer: SharedTextBuffer
    /// The snapshot's length in UTF-8 bytes.
    public let utf8Count: Int

    /// A snapshot of `text`, on a buffer of its own.
    public init(_ text: String) {
        var builder = TextSnapshotBuilder()
        self = builder.append(text)
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }

    fileprivate init(buffer: SharedTextBuffer, utf8Count: Int) {
        self.buffer = buffer
        self.utf8Count = utf8Count
    }

    /// The text.
    public var text: String { buffer.prefix(utf8Count) }

    public var isEmpty: Bool { utf8Count == 0 }

    public var description: String { text }

    /// Equal when the texts are the same bytes (two snapshots of one buffer compare by length alone).
    public static func == (lhs: TextSnapshot, rhs: TextSnapshot) -> Bool {
        lhs.utf8Count == rhs.utf8Count && (lhs.buffer === rhs.buffer || lhs.text.utf8.elementsEqual(rhs.text.utf8))
    }

    public func hash(into hasher: inout Hasher) {
        buffer.withPrefix(utf8Count) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Builds the snapshots of one reply: a provider's stream mapping appends each text delta and gets the
/// snapshot to send with it.
public struct TextSnapshotBuilder: Sendable {
    private var buffer = SharedTextBuffer()
    private var utf8Count = 0

    /// Starts an empty text.
    public init() {}

    /// Appends `text` and returns the snapshot of everything so far.
    public mutating func append(_ text: String) -> TextSnapshot {
        if let length = buffer.append(text, at: utf8Count) {
            utf8Count = length
        } else {
            // A copy of this builder appended first: go on in a buffer of our own.
            buffer = SharedTextBuffer(buffer.prefix(utf8Count) + text)
            utf8Count += text.utf8.count
        }
        return TextSnapshot(buffer: buffer, utf8Count: utf8Count)
    }

    /// Everything appended so far.
    public var text: String { buffer.prefix(utf8Count) }

    public var isEmpty: Bool { utf8Count == 0 }
}

/// The bytes behind the snapshots of one reply. It only grows, so a snapshot's prefix never changes; the lock
/// lets a snapshot be read in another task while the reply is still being appended.
private final class SharedTextBuffer: @unchecked Sendable {
    private let lock = NIOLock()
    private var utf8: [UInt8]

    init(_ text: String = "") {
        utf8 = Array(text.utf8)
    }

    /// Appends `text` if the buffer is `length` bytes long, and returns the new length; nil if it is longer.
    func append(_ text: String, at length: Int) -> Int? {
        lock.withLock {
            guard utf8.count == length else { return nil }
            utf8.append(contentsOf: text.utf8)
            return utf8.count
        }
    }

    /// The first `count` bytes, which always end where an appended text ended, so they are whole UTF-8.
    func prefix(_ count: Int) -> String {
        withPrefix(count) { String(decoding: $0, as: UTF8.self) }
    }

    func withPrefix<Result>(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        lock.withLock { utf8.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<count])) } }
    }
}
