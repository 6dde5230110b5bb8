import NIOConcurrencyHelpers

/// All the text of a reply up to one ``StreamEvent/textDelta(_:snapshot:)``.
///
/// The snapshots of one reply share one growing buffer, and each remembers only its length. An app that keeps
/// every event of a long reply therefore holds the text once, not once per event: with a `String` per event,
/// 8,000 deltas of a 32 KB reply held about 128 MB, and every delta copied the whole text so far.
///
/// ``text`` gives the `String` when asked: without a copy for the latest snapshot of a reply, as a copy of its
/// length for an earlier one.
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
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
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

/// The text behind the snapshots of one reply. It only grows, so a snapshot's prefix never changes; the lock
/// lets a snapshot be read in another task while the reply is still being appended.
private final class SharedTextBuffer: @unchecked Sendable {
    private let lock = NIOLock()
    private var text: String

    init(_ text: String = "") {
        self.text = text
    }

    /// Appends `more` if the text is `length` bytes long, and returns the new length; nil if it is longer.
    func append(_ more: String, at length: Int) -> Int? {
        lock.withLock {
            guard text.utf8.count == length else { return nil }
            text.append(more)
            return text.utf8.count
        }
    }

    /// The first `count` bytes, which always end where an appended text ended, so they are whole UTF-8. The whole
    /// text is shared, not copied (a caller that keeps it makes the next append copy it, as any `String` would).
    func prefix(_ count: Int) -> String {
        lock.withLock { count == text.utf8.count ? text : String(decoding: text.utf8.prefix(count), as: UTF8.self) }
    }
}
